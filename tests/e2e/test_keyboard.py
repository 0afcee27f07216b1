"""A real browser, keyboard only: sign in, propose a project, mark and cast a ballot.

Nothing here clicks: every step is page.keyboard (Tab, Shift+Tab, typing, Space for
checkboxes and radios, ArrowDown in a select or a radio group, Enter to follow a link or
submit). Whatever takes the focus on the way (links, buttons, fields) must show it, and a
form refused for an empty field opens on its error summary, whose link puts the cursor in
that field.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from app.auth.passwords import hash_password
from app.db import get_session
from proposals.cycles.services import create_cycle
from proposals.cycles.stages import Stage
from tests.functional.builders import community_place
from votes.casting import create_ballot, open_ballot
from votes.people import Assembly, Role, add_member, register_user
from votes.places import set_home
from votes.rules import BallotRules

pytestmark = pytest.mark.e2e

PASSWORD = "keyboard password"
BALLOT = "键盘测试动议票决"

# What the focused element is, and whether it shows its focus (an outline or a shadow).
FOCUSED = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return {tag: el.tagName.toLowerCase(), type: el.type || '', id: el.id,
          role: el.getAttribute('role') || '', name: el.name || '',
          text: (el.innerText || el.value || '').trim(),
          klass: el.className || '', visible: outline || s.boxShadow !== 'none',
          outline: s.outlineStyle + ' ' + s.outlineWidth, shadow: s.boxShadow};
}"""


@pytest.fixture(scope="module")
def seeded(live_app):
    with live_app.app_context():
        db = get_session()
        admin = register_user(db, username="keyboard-admin", display_name="键盘管理员",
                              password_hash=hash_password(PASSWORD),
                              roles=(Role.ADMIN, Role.OFFICIAL))
        resident = register_user(db, username="keyboard-resident", display_name="键盘居民",
                                 password_hash=hash_password(PASSWORD), roles=(Role.RESIDENT,))
        set_home(db, resident, community_place(db, "键盘社区"))  # the form starts from it
        community_place(db, "键盘东社区", "黄河街道")  # two streets: a street list first
        assembly = Assembly(kind="congress", name="键盘区人大", area="键盘区",
                            term_start=date(2024, 1, 1), term_end=date(2030, 12, 31))
        db.add(assembly)
        for i in range(2):
            delegate = register_user(db, username=f"keyboard-delegate{i}",
                                     display_name=f"键盘代表{i}",
                                     password_hash=hash_password(PASSWORD),
                                     roles=(Role.DELEGATE,))
            add_member(db, assembly, delegate, admin, joined_on=date(2024, 1, 1))
        cycle = create_cycle(db, admin, assembly=assembly, title="2027年度键盘测试项目",
                             year=2027, dates={s: date(2027, 1 + i, 1)
                                               for i, s in enumerate(Stage)})
        db.commit()
        # A motion ballot needs no tellers: it is not sealed.
        ballot = create_ballot(db, admin, assembly, "motion", None, BALLOT,
                               BallotRules(seats=1),
                               [{"title": "键盘加装电梯", "cost": 1_000_000, "unit": "区住建委"},
                                {"title": "键盘口袋公园", "cost": 800_000, "unit": "区园林局"}])
        db.commit()
        open_ballot(db, admin, ballot)
        db.commit()
        return {"cycle": cycle.id, "ballot": ballot.id}


def settle(page) -> None:
    """Let the page finish loading (its favicon too): leaving a page while a request is in
    flight cancels the request, which the watched page reports as a failure."""
    page.wait_for_load_state("networkidle")


def goto(page, url) -> None:
    if page.url != "about:blank":
        settle(page)
    page.goto(url)


def follow(page) -> None:
    """Enter on a link or a submit button: a new page loads."""
    settle(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def focused(page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_shown(page) -> dict:
    now = focused(page)
    assert now["visible"], f"no visible focus on {now}"
    return now


def press(page, key: str) -> dict:
    """Press a key; a link or button that takes the focus must show it."""
    page.keyboard.press(key)
    now = focused(page)
    if now["tag"] in ("a", "button", "summary") or now["type"] == "submit":
        assert now["visible"], f"{key} reached {now} with no visible focus"
    return now


def tab_to(page, wanted, *, key: str = "Tab", limit: int = 40) -> dict:
    """Tab (or Shift+Tab) until the focused element satisfies `wanted`."""
    for _ in range(limit):
        now = press(page, key)
        if wanted(now):
            return now
    raise AssertionError(f"{key} never reached the element; last focused: {focused(page)}")


def by_id(ident):
    return lambda el: el["id"] == ident


def skip_to_content(page) -> None:
    """The first Tab reaches the skip link, shown when focused; Enter moves into the page."""
    now = press(page, "Tab")
    assert now["tag"] == "a" and now["text"] == "跳到正文", now
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"


def sign_in(page, live_server, username) -> None:
    goto(page, live_server + "/account/login")
    skip_to_content(page)
    assert press(page, "Tab")["id"] == "username"
    page.keyboard.type(username)
    assert press(page, "Tab")["id"] == "password"
    page.keyboard.type("a typo")
    assert press(page, "Shift+Tab")["id"] == "username"  # back, and forward again
    assert press(page, "Tab")["id"] == "password"
    page.keyboard.press("Control+A")
    page.keyboard.type(PASSWORD)
    remember = press(page, "Tab")
    assert remember["type"] == "checkbox", remember
    page.keyboard.press("Space")
    expect(page.get_by_label("在此设备上保持登录")).to_be_checked()
    button = press(page, "Tab")
    assert button["tag"] == "button" and button["text"] == "登录", button
    follow(page)
    assert page.url == live_server + "/"


def test_sign_in_and_propose_a_project_by_keyboard(watched, live_server, seeded):
    page = watched()
    sign_in(page, live_server, "keyboard-resident")
    # The signed-in resident's name in the header is a link that shows its focus too.
    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == "键盘居民")

    goto(page, f"{live_server}/resident/cycles/{seeded['cycle']}/propose")
    expect(page.get_by_role("heading", level=1, name="提出项目建议")).to_be_visible()
    skip_to_content(page)
    tab_to(page, by_id("title"))
    # Typing a title asks for similar proposals; the answer is awaited before leaving.
    with page.expect_response(lambda r: "/proposals/similar" in r.url) as similar:
        page.keyboard.type("键盘小区加装无障碍坡道")
    similar.value.finished()
    assert press(page, "Tab")["id"] == "description"
    page.keyboard.type("单元门口台阶太高，轮椅和婴儿车上不去。")
    assert press(page, "Tab")["id"] == "category"  # left empty on purpose
    # The community is chosen from the list: its street first (static/js/places.js), both
    # set already to where the resident lives.
    assert press(page, "Tab")["id"] == "community-street"
    assert page.locator("#community-street option:checked").inner_text() == "长江街道"
    assert press(page, "Tab")["id"] == "community"
    assert page.locator("#community").input_value() == "键盘社区"
    assert press(page, "Tab")["id"] == "beneficiaries"
    follow(page)  # Enter in a text field submits the form

    # Refused: the summary at the top takes the focus and is an alert; its link leads to
    # the empty field, and everything typed is still there.
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("请更正以下 1 个问题")
    expect(summary).to_be_focused()
    now = assert_focus_shown(page)
    assert now["role"] == "alert" and "error-summary" in now["klass"], now
    link = press(page, "Tab")
    assert link["tag"] == "a" and "类别" in link["text"], link
    page.keyboard.press("Enter")
    now = focused(page)
    assert now["id"] == "category", now
    assert now["visible"], now
    assert page.get_by_label("名称").input_value() == "键盘小区加装无障碍坡道"
    assert page.get_by_label("社区").input_value() == "键盘社区"

    # ArrowDown picks the first category; Tab on to the checkbox, Space ticks it.
    page.keyboard.press("ArrowDown")
    chosen = page.get_by_label("类别").input_value()
    assert chosen != ""
    label = page.get_by_label("类别").evaluate("s => s.options[s.selectedIndex].text")
    tab_to(page, lambda el: el["type"] == "checkbox")
    page.keyboard.press("Space")
    expect(page.get_by_label("公开显示我的姓名")).to_be_checked()
    button = press(page, "Tab")
    assert button["tag"] == "button" and button["text"] == "提交建议", button
    follow(page)
    page.wait_for_url("**/proposals/*")
    expect(page.get_by_role("heading", level=1, name="键盘小区加装无障碍坡道")).to_be_visible()
    expect(page.get_by_text("感谢您的建议！")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(label)
    expect(page.get_by_role("main")).to_contain_text("键盘居民")  # named, as ticked


def test_a_delegate_marks_reviews_and_casts_a_ballot_by_keyboard(watched, live_server,
                                                                 seeded):
    page = watched()
    sign_in(page, live_server, "keyboard-delegate0")
    goto(page, live_server + "/delegate/")
    skip_to_content(page)
    tab_to(page, lambda el: el["tag"] == "a" and el["text"] == BALLOT)
    follow(page)
    page.wait_for_url(f"**/delegate/ballots/{seeded['ballot']}")
    expect(page.get_by_role("heading", name="您的选票")).to_be_visible()

    # Into the first group: Space marks the focused radio (赞成).
    first = tab_to(page, lambda el: el["type"] == "radio")
    assert first["text"] == "yes" and first["name"] == f"option-{option_ids(page)[0]}"
    page.keyboard.press("Space")
    group1 = page.get_by_role("group", name="1. 键盘加装电梯")
    expect(group1.get_by_label("赞成")).to_be_checked()
    # Tab leaves the group for the next one; ArrowDown moves the mark along it (反对).
    second = press(page, "Tab")
    assert second["type"] == "radio" and second["name"] != first["name"], second
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    group2 = page.get_by_role("group", name="2. 键盘口袋公园")
    expect(group2.get_by_label("反对")).to_be_checked()
    expect(group2.get_by_label("赞成")).not_to_be_checked()
    expect(group1.get_by_label("赞成")).to_be_checked()
    review = tab_to(page, lambda el: el["type"] == "submit")
    assert review["text"] == "核对我的选票", review
    follow(page)

    expect(page.get_by_role("heading", name="核对您的选票")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="键盘加装电梯")).to_contain_text("赞成")
    expect(page.get_by_role("row").filter(has_text="键盘口袋公园")).to_contain_text("反对")
    skip_to_content(page)
    tab_to(page, lambda el: el["tag"] == "button" and el["text"] == "投出选票")
    follow(page)
    expect(page.get_by_role("heading", name="您的投票已记录")).to_be_visible()
    receipt = page.locator("#receipt").inner_text()
    assert len(receipt) == 12 and receipt.count("-") == 2


def option_ids(page) -> list[int]:
    names = page.locator("input[type=radio]").evaluate_all(
        "els => [...new Set(els.map(e => e.name))]")
    return [int(n.split("-", 1)[1]) for n in names]
