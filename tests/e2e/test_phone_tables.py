"""A real browser at 375 px: every table and chart of the demo fits a phone and is readable.

No page scrolls sideways; each table row folds into a block whose cells are named by their
column (the ``::before`` of ``td[data-label]``), so no number stands bare; the charts keep
the width for their bars (names of projects and candidates above the bars, not beside).
The pages are served from a database with the whole demo seeded, on a server of its own.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db import get_session
from tests.e2e.conftest import DEMO_PASSWORD as PASSWORD

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 812}

# What the page shows a phone: how wide it is, and every folded table cell left unnamed.
MEASURE = """() => {
  const unnamed = [], named = [];
  for (const cell of document.querySelectorAll('table td')) {
    if (getComputedStyle(cell).display === 'table-cell' || !cell.textContent.trim()
        || cell.matches('.actions, [colspan]') || !cell.getClientRects().length) continue;
    const label = getComputedStyle(cell, '::before').content;
    if (!label || label === 'none' || label === 'normal' || label === '""') {
      unnamed.push(cell.closest('table').id + ' ' + cell.textContent.trim().slice(0, 30));
    } else {
      named.push(label);
    }
  }
  // A cell pushed past the edge, even inside a box that scrolls, is a number out of sight.
  const cut = [...document.querySelectorAll('table td, table th')]
    .filter((cell) => cell.getClientRects().length
                      && cell.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3).map((cell) => cell.textContent.trim().slice(0, 30));
  const wide = [...document.querySelectorAll('main *')]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1
                    && !el.closest('.chart-table, .js-plotly-plot'))
    .slice(0, 3).map((el) => el.tagName + '.' + el.className);
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
          unnamed, named: named.length, cut, wide};
}"""

# The plotting area of each drawn chart (plotly's drag layer covers exactly the axes' box).
PLOTS = """() => [...document.querySelectorAll('.chart.chart-drawn')].map((chart) => {
  const area = chart.querySelector('.nsewdrag').getBoundingClientRect();
  return {id: chart.id, chart: chart.getBoundingClientRect().width,
          width: area.width, height: area.height,
          rows: chart.querySelectorAll('.trace.bars:first-of-type .point').length};
})"""


@pytest.fixture(scope="module")
def demo(demo_server):
    """The demo's live server, and the ids of the pages with tables."""
    from proposals.council.models import Council
    from proposals.cycles.models import Cycle
    from proposals.implementation.models import Project
    from votes.ballots import Ballot

    base, app = demo_server
    with app.app_context():
        db = get_session()
        ids = {
            # A cycle's ballot: a dozen candidates with long names.
            "ballot": db.scalar(select(Ballot.id).where(Ballot.status == "published",
                                                        Ballot.subject_type == "cycle")
                                .order_by(Ballot.id)),
            "rated": db.scalar(select(Cycle.id).where(Cycle.stage == "evaluation")),
            "shortlisting": db.scalar(select(Cycle.id).where(Cycle.stage == "shortlist")),
            "project": db.scalar(select(Project.id).order_by(Project.id)),
            "council": db.scalar(select(Council.id).order_by(Council.id)),
        }
    assert all(ids.values()), ids
    return base, ids


def public_pages(ids):
    return [f"/ballots/{ids['ballot']}", "/hot-topics", f"/cycles/{ids['rated']}/report",
            "/projects", f"/projects/{ids['project']}", f"/councils/{ids['council']}",
            f"/councils/{ids['council']}/ledger", "/cycles", f"/cycles/{ids['rated']}",
            f"/cycles/{ids['rated']}/shortlist", "/data"]


def signed_in_pages(ids):
    return {
        "official1": ["/official/", "/official/evaluation", "/official/projects",
                      f"/official/cycles/{ids['shortlisting']}/screening"],
        "admin": ["/admin/users", "/admin/cycles", "/admin/audit"],
        "resident05": ["/resident/"],
    }


def problems_of(page, base, paths) -> tuple[dict[str, object], int]:
    """Pages wider than the phone or with unnamed folded cells; and how many cells were named."""
    problems, named = {}, 0
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        seen = page.evaluate(MEASURE)
        if seen["scroll"] > seen["inner"]:
            problems[path] = f"{seen['scroll']} px wide: {seen['wide']}"
        elif seen["cut"]:
            problems[path] = f"table cells past the edge of the screen: {seen['cut']}"
        elif seen["unnamed"]:
            problems[path] = f"cells without their column's name: {seen['unnamed'][:3]}"
        named += seen["named"]
    return problems, named


def sign_in(browser, base, username, **options):
    context = browser.new_context(viewport=PHONE, **options)
    page = context.new_page()
    page.goto(base + "/account/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(base + "/")
    return context, page


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_public_tables_fit_a_phone_and_name_every_cell(browser, demo, locale):
    base, ids = demo
    context = browser.new_context(viewport=PHONE, locale=locale)
    page = context.new_page()
    problems, named = problems_of(page, base, public_pages(ids))
    # The result's counts are there, each with the name of its column, in the page's language.
    page.goto(f"{base}/ballots/{ids['ballot']}")
    labels = page.evaluate("""() => [...document.querySelectorAll('table td.num')]
        .map((td) => getComputedStyle(td, '::before').content)""")
    context.close()
    assert problems == {}
    assert named > 300  # the demo's tables did fold into named cells
    separator = "：" if locale == "zh-CN" else ": "
    assert labels and all(label.endswith(separator + '"') for label in labels), labels[:3]
    assert ('"赞成：' if locale == "zh-CN" else '"Yes: ') in "".join(labels)


def test_officials_and_admins_desks_fit_a_phone(browser, demo):
    base, ids = demo
    problems, named = {}, 0
    for username, paths in signed_in_pages(ids).items():
        context, page = sign_in(browser, base, username, locale="zh-CN")
        found, count = problems_of(page, base, paths)
        problems |= {f"{username} {path}": problem for path, problem in found.items()}
        named += count
        context.close()
    assert problems == {}
    assert named > 100


def test_a_desktop_keeps_its_tables_as_tables(browser, demo):
    base, ids = demo
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{base}/ballots/{ids['ballot']}")
    displays = page.evaluate("""() => [...document.querySelectorAll('table td')]
        .map((td) => getComputedStyle(td).display + getComputedStyle(td, '::before').content)""")
    context.close()
    assert displays and set(displays) == {"table-cellnone"}


def plots(page, base, path):
    page.goto(base + path)
    page.wait_for_selector(".chart.chart-drawn")
    page.wait_for_timeout(300)  # plotly.js settles its margins after the first draw
    return {plot["id"]: plot for plot in page.evaluate(PLOTS)}


def test_charts_give_their_bars_the_width_of_a_phone(browser, demo):
    base, ids = demo
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    gantt = plots(page, base, "/projects")["chart-gantt"]
    result = plots(page, base, f"/ballots/{ids['ballot']}")["chart-result"]
    report = {key: plot for key, plot in plots(page, base, f"/cycles/{ids['rated']}/report").items()
              if key.startswith(("chart-ballot-", "chart-progress", "chart-satisfaction-"))}
    context.close()
    assert len(report) >= 3, report
    # Names stand above the bars, so the bars keep nearly the whole figure (not ~120 px).
    for name, plot in {"gantt": gantt, "result": result, **report}.items():
        assert plot["width"] >= 0.8 * plot["chart"], (name, plot)
    # One row per project, each tall enough for its name and its bar.
    assert gantt["rows"] >= 5 and gantt["height"] / gantt["rows"] >= 40, gantt
    assert result["rows"] >= 10 and result["height"] / result["rows"] >= 40, result
