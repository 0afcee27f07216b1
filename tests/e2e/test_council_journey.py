"""A real browser: a resident council runs a topic from raising to rating.

A resident raises a topic; the convenor plans a meeting, puts the topic on its agenda,
records attendance and puts a motion to the vote; the members present vote; the convenor
closes the vote (carried), gives a member a task, the member marks it done, the convenor
reports back; the resident rates the handling; the public ledger shows the whole of it.
"""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from app.auth.passwords import hash_password
from app.db import get_session
from app.implementation.support import today
from proposals.council.services import register_council
from tests.functional.builders import live_in
from votes.people import Assembly, Role, add_member, register_user

pytestmark = pytest.mark.e2e

PASSWORD = "council journey password"
COMMUNITY = "旅程社区"
COUNCIL = "旅程社区居民议事会"
MEMBERS = ("旅程召集人", "旅程成员乙", "旅程成员丙")
TOPIC = "旅程小区东门路灯不亮"
MOTION = "由议事会联系物业，一周内修复东门路灯。"
TASK = "督促物业更换东门灯具"
DONE = "物业已更换东门全部灯具。"
REPORT = "东门路灯已全部修复，夜间照明恢复正常。"


@pytest.fixture(scope="module")
def council_id(live_app):
    """A council of three seated today (the first its convenor), like builders.seat_council,
    and a resident of its community."""
    with live_app.app_context():
        db = get_session()
        admin = register_user(db, username="council-journey-admin", display_name="旅程管理员",
                              password_hash=hash_password(PASSWORD),
                              roles=(Role.ADMIN, Role.OFFICIAL))
        assembly = Assembly(kind="council", name=COUNCIL, area=f"旅程区长江街道{COMMUNITY}",
                            term_start=date(2024, 1, 1), term_end=date(2099, 12, 31))
        db.add(assembly)
        db.flush()
        for i, name in enumerate(MEMBERS):
            # Elected members are residents who hold the delegate role (seat_elected).
            member = register_user(db, username=f"council-journey-member{i}", display_name=name,
                                   password_hash=hash_password(PASSWORD),
                                   roles=(Role.RESIDENT, Role.DELEGATE))
            live_in(db, member, COMMUNITY)
            add_member(db, assembly, member, admin, joined_on=date(2024, 1, 1),
                       title="召集人" if i == 0 else None)
        resident = register_user(db, username="council-journey-resident",
                                 display_name="旅程居民", password_hash=hash_password(PASSWORD),
                                 roles=(Role.RESIDENT,))
        live_in(db, resident, COMMUNITY)
        council = register_council(db, admin, assembly, community=COMMUNITY, size=len(MEMBERS))
        db.commit()
        return council.id


def sign_in(watched, live_server, username):
    page = watched()
    goto(page, live_server + "/account/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    click(page.get_by_role("button", name="登录"))
    page.wait_for_url(live_server + "/")
    return page


def settle(page):
    """Let the page finish loading (its favicon too): leaving a page while a request is in
    flight cancels the request, which the watched page reports as a failure."""
    page.wait_for_load_state("networkidle")


def click(locator):
    settle(locator.page)
    locator.click()


def goto(page, url):
    if page.url != "about:blank":
        settle(page)
    page.goto(url)


def flash(page, text):
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def main_text(page) -> str:
    return page.get_by_role("main").inner_text()


def cast_yes(page):
    """On the motion's ballot page: yes, review, cast; the receipt is shown."""
    expect(page.get_by_role("heading", name="您的选票")).to_be_visible()
    expect(page.get_by_text("请对动议投赞成、反对或弃权票")).to_be_visible()
    assert "代表" not in main_text(page)  # a motion of council members
    page.get_by_role("group", name=f"1. {MOTION}").get_by_label("赞成").check()
    click(page.get_by_role("button", name="核对我的选票"))
    expect(page.get_by_role("row").filter(has_text=MOTION)).to_contain_text("赞成")
    click(page.get_by_role("button", name="投出选票"))
    expect(page.get_by_role("heading", name="您的投票已记录")).to_be_visible()


def test_a_topic_goes_from_raising_to_rating(watched, live_server, live_app, council_id):
    with live_app.test_request_context():
        day = today()

    # --- a resident finds the council and raises a topic ---
    resident = sign_in(watched, live_server, "council-journey-resident")
    click(resident.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="居民议事会", exact=True))
    click(resident.get_by_role("link", name=COUNCIL))
    expect(resident.get_by_role("heading", level=1, name=COUNCIL)).to_be_visible()
    expect(resident.get_by_text("成员（3 名）")).to_be_visible()
    click(resident.get_by_role("link", name="提出议题"))
    resident.get_by_label("议题", exact=True).fill(TOPIC)
    resident.get_by_label("具体事项").fill("东门到3号楼之间的路灯坏了两周，老人夜里出门不安全。")
    resident.get_by_label("类别").select_option("public_safety")
    click(resident.get_by_role("button", name="提交议题"))
    resident.wait_for_url("**/council-topics/*")
    flash(resident, "您的议题已受理")
    expect(resident.get_by_role("heading", level=1, name=TOPIC)).to_be_visible()
    expect(resident.get_by_role("main").locator(".badge").first).to_have_text("已受理")
    topic_url = resident.url

    # --- the convenor's desk speaks of council members, and plans a meeting ---
    convenor = sign_in(watched, live_server, "council-journey-member0")
    click(convenor.get_by_role("link", name="议事会成员工作台"))
    expect(convenor.get_by_role("heading", level=1, name="议事会成员工作台")).to_be_visible()
    desk = main_text(convenor)
    assert "代表" not in desk, desk  # members of a council, never delegates
    assert "召集人" in desk
    waiting = convenor.get_by_role("heading", name="待列入议程的议题").locator(
        "xpath=following-sibling::*[1]")
    expect(waiting.get_by_role("link", name=TOPIC)).to_be_visible()
    click(convenor.get_by_role("link", name="安排会议"))
    convenor.get_by_label("日期").fill(day.isoformat())
    convenor.get_by_label("时间（选填）").fill("19:30")
    convenor.get_by_label("地点").fill("旅程社区党群服务中心")
    click(convenor.get_by_role("button", name="安排会议"))
    convenor.wait_for_url("**/delegate/council/meetings/*")
    flash(convenor, "会议已安排")
    meeting_url = convenor.url
    assert "代表" not in main_text(convenor)

    # --- the topic goes on the agenda; the attendance shows a quorum ---
    convenor.get_by_label("议题", exact=True).select_option(label=TOPIC)
    click(convenor.get_by_role("button", name="列入议程"))
    flash(convenor, "议题已列入议程。")
    item = convenor.locator("section.agenda-item").filter(has_text=TOPIC)
    expect(item.get_by_role("link", name=TOPIC)).to_be_visible()
    expect(item).to_contain_text("已列入议程")
    present = convenor.get_by_role("group", name="出席成员")
    present.get_by_label(MEMBERS[0], exact=True).check()
    present.get_by_label(MEMBERS[1], exact=True).check()
    click(convenor.get_by_role("button", name="登记出席情况"))
    flash(convenor, "出席情况已登记。")
    expect(convenor.get_by_text("应到 3 人，实到 2 人（须达到 2 人）")).to_contain_text(
        "已达到法定人数")

    # --- a motion is put to the vote among the members present ---
    item.get_by_label("表决事项").fill(MOTION)
    click(item.get_by_role("button", name="提请表决"))
    flash(convenor, "事项已付诸表决，出席成员现在可以投票。")
    expect(item).to_contain_text("已投票：0 / 2")
    click(item.get_by_role("link", name="投票"))
    cast_yes(convenor)

    # --- the second member present votes from their desk ---
    member = sign_in(watched, live_server, "council-journey-member1")
    click(member.get_by_role("link", name="议事会成员工作台"))
    expect(member.get_by_role("heading", name="可参加的投票")).to_be_visible()
    assert "代表" not in main_text(member)
    click(member.get_by_role("link", name=f"{TOPIC}（动议）"))
    cast_yes(member)
    click(member.get_by_role("link", name="议事会成员工作台").first)
    expect(member.get_by_role("listitem").filter(has_text=f"{TOPIC}（动议）")).to_contain_text(
        "您已投票")

    # --- the convenor closes the vote: carried ---
    goto(convenor, meeting_url)
    item = convenor.locator("section.agenda-item").filter(has_text=TOPIC)
    expect(item).to_contain_text("已投票：2 / 2")
    click(item.get_by_role("button", name="结束表决并计票"))
    flash(convenor, "表决已结束，已完成计票并公布结果。")
    expect(item).to_contain_text("表决通过")
    expect(item).to_contain_text("已议决")

    # --- the work is split up: a task for the second member, done, reported back ---
    click(item.get_by_role("link", name="分解任务"))
    expect(convenor.get_by_role("heading", level=1)).to_contain_text(TOPIC)
    convenor.get_by_label("任务", exact=True).fill(TASK)
    convenor.get_by_label("成员", exact=True).select_option(label=MEMBERS[1])
    convenor.get_by_label("完成期限").fill((day + timedelta(days=7)).isoformat())
    click(convenor.get_by_role("button", name="添加任务"))
    flash(convenor, "任务已添加。")
    expect(convenor.get_by_role("heading", level=1)).to_contain_text("办理中")
    expect(convenor.get_by_role("row").filter(has_text=TASK)).to_contain_text(MEMBERS[1])
    expect(convenor.get_by_text("还有 1 项任务未完成，请先完成。")).to_be_visible()
    topic_desk_url = convenor.url

    click(member.get_by_role("link", name="议事会成员工作台").first)
    tasks = member.get_by_role("heading", name="我的任务").locator("xpath=following-sibling::*[1]")
    click(tasks.get_by_role("link", name=TASK))
    member.get_by_label("完成情况").fill(DONE)
    click(member.get_by_role("button", name="标记完成"))
    flash(member, "任务已标记为完成。")
    expect(member.get_by_role("row").filter(has_text=TASK)).to_contain_text("已完成")

    goto(convenor, topic_desk_url)
    convenor.get_by_label("向居民反馈的内容").fill(REPORT)
    click(convenor.get_by_role("button", name="反馈结果"))
    flash(convenor, "已将结果反馈给居民，并请其评价。")
    expect(convenor.get_by_role("heading", level=1)).to_contain_text("已反馈")

    # --- the resident reads the report back and rates the handling ---
    goto(resident, topic_url)
    expect(resident.get_by_role("heading", name="反馈结果")).to_be_visible()
    expect(resident.get_by_text(REPORT, exact=True)).to_be_visible()
    expect(resident.get_by_role("row").filter(has_text=TASK)).to_contain_text("已完成")
    rating = resident.get_by_role("group", name="您对议题的办理情况是否满意？")
    rating.get_by_label("满意", exact=True).check()
    click(resident.get_by_role("button", name="提交评价"))
    flash(resident, "感谢您的评价，该议题已办结。")
    expect(resident.get_by_role("main").locator(".badge").first).to_have_text("已办结")
    expect(resident.get_by_role("heading", name="评价议题办理情况")).to_have_count(0)
    history = resident.get_by_role("heading", name="办理记录").locator(
        "xpath=following-sibling::ol[1]").get_by_role("listitem")
    steps = [text.split()[0] for text in history.all_inner_texts()]
    assert steps == ["提出并受理", "列入议程", "已表决", "开始办理", "已反馈", "已评价",
                     "已办结"], steps

    # --- anyone reads the ledger: the topic, its result and its rating ---
    public = watched()
    goto(public, f"{live_server}/councils/{council_id}")
    decision = public.get_by_role("row").filter(has_text=TOPIC)
    expect(decision).to_contain_text("表决通过")
    expect(decision).to_contain_text(MOTION)
    click(public.get_by_role("link", name="台账"))
    public.wait_for_url(f"**/councils/{council_id}/ledger")
    expect(public.get_by_role("heading", level=1, name="议事会台账")).to_be_visible()
    row = public.get_by_role("row").filter(has_text=TOPIC)
    expect(row).to_have_count(1)
    headers = public.get_by_role("columnheader").all_inner_texts()
    cells = dict(zip(headers, [row.get_by_role("cell").nth(0).inner_text(),
                               row.get_by_role("rowheader").inner_text(),
                               *row.get_by_role("cell").all_inner_texts()[1:]], strict=True))
    assert cells["议题"] == TOPIC
    assert cells["提出人"] == "旅程居民"
    assert cells["状态"] == "已办结"
    assert cells["负责人"] == MEMBERS[1]
    assert cells["办理结果"] == REPORT
    assert cells["评价"] == "满意"
