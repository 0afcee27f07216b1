"""axe-core in Debian's chromium on every main page of the demo: no serious or critical issue.

The pages are served from a database with the whole demo seeded, so each one shows real
content (tables, charts, forms), as a visitor would see it, on a phone and on a desktop.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import get_session
from tests.e2e.conftest import DEMO_PASSWORD as PASSWORD

pytestmark = pytest.mark.e2e
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="module")
def demo(demo_server):
    """The demo's live server, and the ids of the pages worth checking."""
    from proposals.collection.models import Proposal
    from proposals.council.models import Council, Topic
    from proposals.cycles.models import Cycle
    from proposals.implementation.models import Project
    from votes.ballots import Ballot

    base, app = demo_server
    with app.app_context():
        db = get_session()
        first = {model.__name__: db.scalar(select(model.id).order_by(model.id))
                 for model in (Proposal, Cycle, Project, Council, Topic)}
        published = db.scalar(select(Ballot.id).where(Ballot.status == "published")
                              .order_by(Ballot.id))
        first["collecting"] = db.scalar(select(Cycle.id).where(Cycle.stage == "collection"))
    return base, first, published


def public_pages(first, published):
    return ["/", "/proposals", f"/proposals/{first['Proposal']}", "/hot-topics", "/cycles",
            f"/cycles/{first['Cycle']}", f"/cycles/{first['Cycle']}/report",
            f"/ballots/{published}", "/projects", f"/projects/{first['Project']}",
            f"/projects/{first['Project']}/evaluation", "/councils",
            f"/councils/{first['Council']}", f"/councils/{first['Council']}/ledger",
            f"/council-topics/{first['Topic']}", "/assemblies", "/data",
            "/account/login", "/account/register"]


def signed_in_pages(first):
    return {
        "resident05": ["/resident/", f"/resident/cycles/{first['collecting']}/propose",
                       "/resident/evaluation"],
        "delegate01": ["/delegate/"],
        "official1": ["/official/", "/official/projects", "/official/supervision",
                      "/official/evaluation"],
        "admin": ["/admin/", "/admin/cycles", "/admin/audit"],
    }


def violations(page) -> list[str]:
    # Evaluated through the debugging protocol, so the page's strict CSP stays as it is.
    page.evaluate(AXE)
    found = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in found if v["impact"] in SERIOUS]


def check(page, base, paths) -> dict[str, list[str]]:
    problems = {}
    for path in paths:
        response = page.goto(base + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        found = violations(page)
        if found:
            problems[path] = found
    return problems


@pytest.mark.parametrize("viewport", [{"width": 375, "height": 812},
                                      {"width": 1280, "height": 900}], ids=["phone", "desktop"])
def test_public_pages_have_no_serious_accessibility_issue(browser, demo, viewport):
    base, first, published = demo
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    problems = check(page, base, public_pages(first, published))
    page.goto(base + "/lang/en")
    problems |= {f"{path} (en)": found for path, found in
                 check(page, base, ["/", f"/ballots/{published}", "/projects"]).items()}
    context.close()
    assert problems == {}


def test_signed_in_desks_have_no_serious_accessibility_issue(browser, demo):
    base, first, _ = demo
    problems = {}
    for username, paths in signed_in_pages(first).items():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.goto(base + "/account/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(base + "/")
        problems |= {f"{username} {path}": found
                     for path, found in check(page, base, paths).items()}
        context.close()
    assert problems == {}
