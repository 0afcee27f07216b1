"""Bidi isolation: a stray override in a name or title turns no other word of the page."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from proposals.collection.services import ProposalDraft, add_comment, submit_proposal
from proposals.cycles.services import advance_cycle
from proposals.implementation import services as implementation
from proposals.implementation.services import MilestoneDraft
from proposals.shortlist import services as shortlist
from proposals.shortlist.services import CandidateDraft
from tests.functional.builders import START, TARGET, UNIT, community_place
from votes.people import Role

RLO, RLI = "\u202e", "\u2067"
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Unterminated, as a careless paste or a prank leaves them; one also carries HTML.
NAME = f"{RLO}王<script>alert(1)</script>"
OTHER_NAME = f"{RLI}李四"
TITLE = f"{RLO}楼道灯不亮"
COMMUNITY = f"{RLI}和平社区"
COMMENT = f"{RLO}同意，尽快修"
PROJECT_TITLE = f"{RLO}和平社区楼道灯改造"
LOCATION = f"{RLI}长江街道"

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Audit(HTMLParser):
    """Every bidi control of a page that is not isolated.

    Allowed: inside <bdi>; inside an element that sets its own direction (a user's paragraph
    with dir="auto", whose block already ends any override); in a chart's data (JSON) and
    in the chart's own table, where each cell is a paragraph of its own; in a field's value
    (a search box or a form being edited keeps the text as stored). Everywhere else, and in
    any other attribute, <title> and <option> included, a control is a finding.
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.loose: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name, value in attrs.items():
            if value and name != "value" and any(c in value for c in CONTROLS):
                self.loose.append(f"<{tag} {name}={value!r}>")
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if not any(c in data for c in CONTROLS):
            return
        for tag, attrs in self.stack:
            if (tag in ("bdi", "script", "textarea") or "dir" in attrs
                    or "chart-data" in (attrs.get("class") or "").split()):
                return
        where = "/".join(tag for tag, _ in self.stack[-3:])
        self.loose.append(f"{where}: {data!r}")


def loose_controls(page: str) -> list[str]:
    audit = Audit()
    audit.feed(page)
    return audit.loose


def isolated(text: str) -> str:
    return f"<bdi>{escape(text)}</bdi>"


def page_title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.text


@pytest.fixture
def author(make_user):
    return make_user(Role.RESIDENT, name=NAME)


@pytest.fixture
def proposal(db, cycle, author, make_user):
    """A named proposer's proposal with a tricked title and community, and a comment."""
    created = submit_proposal(db, author, cycle, ProposalDraft(
        title=TITLE, description=f"{RLO}三号楼的灯坏了一个月。", category="public_safety",
        community=community_place(db, COMMUNITY), proposer_named=True))
    add_comment(db, make_user(Role.RESIDENT, name=OTHER_NAME), created, COMMENT)
    db.commit()
    return created


@pytest.fixture
def tricked_project(db, cycle, admin, official, unit_official, proposal):
    """The proposal taken into a candidate with a tricked title, adopted and under way."""
    advance_cycle(db, cycle, admin, "shortlist")
    candidate = shortlist.create_candidate(db, official, cycle, CandidateDraft(
        title=PROJECT_TITLE, description="更换 40 盏楼道灯。", responsible_unit=UNIT,
        estimated_cost=200_000, funding_source="区级财政", expected_completion=TARGET,
        location=LOCATION), [proposal.id])
    advance_cycle(db, cycle, admin, "ballot", check_work=False)  # the ballot's work skipped
    advance_cycle(db, cycle, admin, "implementation", check_work=False)
    proposal.status = "adopted"
    created = implementation.create_project(
        db, official, candidate, lead_official=unit_official, start_date=START,
        target_date=TARGET, milestones=[MilestoneDraft(f"{RLI}采购灯具", date(2027, 7, 31), 1)])
    db.commit()
    return created


def test_the_proposal_page_isolates_the_title_the_proposer_and_the_comments(
        client, login, make_user, proposal):
    login(make_user(Role.RESIDENT))  # signed in: the reply form names the comment's author
    page = get(client, f"/proposals/{proposal.id}")

    assert f"<h1>{isolated(TITLE)}</h1>" in page
    assert isolated(NAME) in page and isolated(OTHER_NAME) in page  # proposer, commenter
    assert isolated(COMMUNITY) in page
    assert f'<p class="body" dir="auto">{COMMENT}</p>' in page
    assert loose_controls(page) == []
    # The tab's title has no <bdi>: the controls are taken out of it instead.
    assert TITLE.strip(RLO) in page_title(page) and RLO not in page_title(page)


def test_html_in_a_name_is_still_escaped(client, proposal):
    page = get(client, f"/proposals/{proposal.id}")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_lists_and_the_cycle_page_isolate_titles_and_places(client, cycle, proposal):
    listing = get(client, "/proposals")
    assert isolated(TITLE) in listing and isolated(COMMUNITY) in listing
    assert loose_controls(listing) == []  # the community filter's option has no control left

    cycle_page = get(client, f"/cycles/{cycle.id}")
    assert isolated(TITLE) in cycle_page and isolated(COMMUNITY) in cycle_page
    assert loose_controls(cycle_page) == []

    hot = get(client, "/hot-topics")
    assert f"长江街道 {COMMUNITY}" in hot  # in the chart's own table cell
    assert loose_controls(hot) == []


def test_the_shortlist_and_project_pages_isolate_the_project_and_its_people(
        client, cycle, tricked_project, unit_official):
    shortlist_page = get(client, f"/cycles/{cycle.id}/shortlist")
    assert isolated(PROJECT_TITLE) in shortlist_page and isolated(LOCATION) in shortlist_page
    assert isolated(TITLE) in shortlist_page  # its source proposal
    assert loose_controls(shortlist_page) == []

    page = get(client, f"/projects/{tricked_project.id}")
    assert f"<h1>{isolated(PROJECT_TITLE)}</h1>" in page
    assert isolated(NAME) in page  # the named proposer, in the project's story
    assert isolated(f"{RLI}采购灯具") in page
    assert loose_controls(page) == []
    assert RLO not in page_title(page)

    overview = get(client, "/projects")
    assert isolated(PROJECT_TITLE) in overview and isolated(LOCATION) in overview
    assert loose_controls(overview) == []  # the progress bar's aria-label is plain text


def test_the_admin_list_of_accounts_isolates_display_names(client, login, admin, author):
    login(admin)
    page = get(client, "/admin/users")
    assert f'<td data-label="姓名">{isolated(NAME)}</td>' in page
    assert loose_controls(page) == []

    account = get(client, f"/admin/users/{author.id}")
    assert f"<h1>{isolated(NAME)}" in account
    assert escape(NAME.strip(RLO)) in page_title(account) and RLO not in page_title(account)


def test_a_notification_isolates_the_name_it_quotes(client, db, login, cycle, resident,
                                                    author, proposal):
    mine = submit_proposal(db, resident, cycle, ProposalDraft(
        title="路灯不亮", description="晚上看不见路。", category="public_safety",
        community=community_place(db, "和平社区")))
    add_comment(db, author, mine, "我也遇到了")
    db.commit()
    login(resident)
    client.get("/lang/en")
    page = get(client, "/resident/notifications")
    assert f"{isolated(NAME)} commented on your proposal." in page
    assert loose_controls(page) == []


def test_the_menu_isolates_the_signed_in_name(client, login, author):
    login(author)
    assert loose_controls(get(client, "/")) == []


def test_a_translated_sentence_keeps_the_isolate_and_escapes_the_rest(app):
    with app.test_request_context("/"):
        rendered = app.jinja_env.from_string(
            "{{ _('began %(when)s by %(who)s', when=when, who=who|bdi) }}"
        ).render(who=NAME, when="<b>")
    assert isolated(NAME) in rendered  # 由 … 启动: the default language is Chinese
    assert "&lt;b&gt;" in rendered and "<b>" not in rendered
