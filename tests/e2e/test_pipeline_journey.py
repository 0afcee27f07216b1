"""A real browser, the whole pipeline as its users go through it, one browser context each.

In Chinese on a desktop: a resident registers and proposes a project with a photo, a
neighbour co-signs and comments; an official takes two similar proposals into one candidate,
adds a second candidate, declines a third proposal with a public reason, sets the budget and
seats and submits the shortlist (the admin's page first says the cycle cannot move on
without it); the admin moves the cycle to the ballot; the official creates the ballot from
the shortlist and opens it sealed for three tellers; three delegates check in with the hall
code, vote and keep their receipts; two tellers open the box; the result is published, its
chart drawn and a receipt found in the bulletin; the admin moves the cycle to
implementation; the official starts the adopted project and plans its milestones; the
responsible unit's official reports them reached, which completes the project; the admin
moves the cycle to evaluation, which opens the project's rating round; the resident rates
it; the public reads the cycle report with its charts.

Then, shorter: a resident registers and proposes in English, and a delegate checks in and
votes on a 375 × 812 phone through the folded menu.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.auth.passwords import hash_password
from app.db import get_session
from app.implementation.support import today
from proposals.collection.services import ProposalDraft, submit_proposal
from proposals.cycles.services import create_cycle
from proposals.cycles.stages import Stage
from tests.functional.builders import community_place, live_in, png_bytes
from votes.casting import create_ballot, open_ballot
from votes.people import Assembly, Role, add_member, find_user, register_user
from votes.rules import BallotRules, ThresholdBase

pytestmark = pytest.mark.e2e

PASSWORD = "journey password"
CYCLE = "2027年度全程测试民生实事项目"
EN_CYCLE = "2028年度全程测试（外文界面）"
UNIT = "区住建委"
TELLERS = ["全程监票人甲", "全程监票人乙", "全程监票人丙"]
# At least 12 characters each, or the browser itself refuses the form (minlength).
PHRASES = ["甲监票人的全程测试开箱口令", "second journey teller phrase",
           "third journey teller phrase"]
DELEGATES = ["全程代表一", "全程代表二", "全程代表三"]
PHONE = {"width": 375, "height": 812}
PHOTO = {"name": "楼道.png", "mimeType": "image/png", "buffer": png_bytes()}

# What the seeded neighbours proposed: one like the resident's, one for the second candidate
# and one the official declines.
SIMILAR = "小区老楼加装电梯的建议"
PARK = "建设社区口袋公园"
GARAGE = "修建地下立体停车库"


@pytest.fixture(scope="module")
def journey(live_app):
    """The assembly, its people and a collecting cycle, as the admin would have set them up."""
    with live_app.app_context():
        db = get_session()
        day = today()

        def make(username, name, *roles, unit=None):
            user = register_user(db, username=username, display_name=name,
                                 password_hash=hash_password(PASSWORD), roles=roles)
            user.unit = unit
            return user

        admin = make("e2e-journey-admin", "全程管理员", Role.ADMIN)
        make("e2e-journey-clerk", "全程工作人员", Role.OFFICIAL)
        make("e2e-journey-unit", "住建委联络员", Role.OFFICIAL, unit=UNIT)
        for i, name in enumerate(TELLERS, start=1):
            make(f"e2e-journey-teller{i}", name, Role.OFFICIAL)
        neighbour = make("e2e-journey-neighbour", "全程邻居", Role.RESIDENT)
        make("e2e-journey-cosigner", "全程附议居民", Role.RESIDENT)
        assembly = Assembly(kind="congress", name="全程区人大", area="全程区",
                            term_start=day - timedelta(days=800),
                            term_end=day + timedelta(days=1500))
        db.add(assembly)
        db.flush()
        for i, name in enumerate(DELEGATES, start=1):
            delegate = make(f"e2e-journey-delegate{i}", name, Role.DELEGATE)
            add_member(db, assembly, delegate, admin, joined_on=day - timedelta(days=700))
        # The implementation stage began a month ago, so the project may start then and its
        # progress be reported today; evaluation is due in four months.
        offsets = {Stage.COLLECTION: -120, Stage.SHORTLIST: -90, Stage.BALLOT: -60,
                   Stage.IMPLEMENTATION: -30, Stage.EVALUATION: 120, Stage.CLOSED: 180}
        cycle = create_cycle(db, admin, assembly=assembly, title=CYCLE, year=2027,
                             dates={s: day + timedelta(days=n) for s, n in offsets.items()})
        seeded = {}
        for title, category in ((SIMILAR, "housing"), (PARK, "environment"),
                                (GARAGE, "transport")):
            seeded[title] = submit_proposal(db, neighbour, cycle, ProposalDraft(
                title=title, description=f"{title}：居民反映多年。", category=category,
                community=community_place(db, "和平社区"))).id
        create_cycle(db, admin, assembly=assembly, title=EN_CYCLE, year=2028,
                     dates={s: day + timedelta(days=n + 400) for s, n in offsets.items()})

        # The phone journey's own ballot: one motion in an assembly of one delegate.
        phone_assembly = Assembly(kind="congress", name="全程手机区人大", area="手机区",
                                  term_start=day - timedelta(days=800),
                                  term_end=day + timedelta(days=1500))
        db.add(phone_assembly)
        db.flush()
        add_member(db, phone_assembly, make("e2e-journey-phone", "手机代表", Role.DELEGATE),
                   admin, joined_on=day - timedelta(days=700))
        phone_clerk = make("e2e-journey-phone-clerk", "手机会场工作人员", Role.OFFICIAL)
        db.commit()
        phone_ballot = create_ballot(
            db, phone_clerk, phone_assembly, "motion", None, "全程手机票决",
            BallotRules(seats=1, threshold_base=ThresholdBase.PRESENT),
            [{"title": "社区食堂", "cost": 500_000, "unit": "区民政局"}])
        db.commit()
        open_ballot(db, phone_clerk, phone_ballot)
        db.commit()
        return {"cycle": cycle.id, "seeded": seeded, "phone_ballot": phone_ballot.id,
                "day": day}


# --- what every person does first ---------------------------------------------------------------

def sign_in(page, server, username):
    page.goto(server + "/account/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".flash.success")).to_contain_text("欢迎")


def person(watched, server, username, **kwargs):
    page = watched(**kwargs)
    sign_in(page, server, username)
    return page


def flash(page):
    return page.locator(".flashes")


def advance(admin, server, cycle_id, stage):
    """The admin moves the cycle on from its own page, confirms on the page that says what
    the move does, and is told where it now stands."""
    admin.goto(f"{server}/admin/cycles/{cycle_id}")
    admin.get_by_role("link", name=f"进入：{stage}…").click()
    admin.get_by_label("我已阅读将会发生的事项，确认继续。").check()
    admin.get_by_role("button", name=f"进入：{stage}").click()
    expect(flash(admin)).to_contain_text(f"{CYCLE} 已进入：{stage}。")


# --- 1. collection ------------------------------------------------------------------------------

def register(page, server, username, name, *, english=False):
    page.goto(server + "/")
    page.get_by_role("link", name="Register" if english else "注册", exact=True).click()
    labels = (("Name shown to others", "Username", "Password", "Repeat password",
               "Create account") if english else
              ("显示姓名", "用户名", "密码", "再次输入密码", "注册账户"))
    page.get_by_label(labels[0]).fill(name)
    page.get_by_label(labels[1], exact=True).fill(username)
    page.get_by_label(labels[2], exact=True).fill(PASSWORD)
    page.get_by_label(labels[3]).fill(PASSWORD)
    page.locator("#mobile").fill("138 0013 8000")  # confirmed later by its texted code
    page.locator("#consent").check()
    page.get_by_role("button", name=labels[4]).click()
    page.wait_for_url(server + "/account/mobile")


def propose_with_photo(page, server, cycle_title, title, fields, button):
    """Find the cycle among the cycles, open its proposal form, fill it in with a photo."""
    page.get_by_role("navigation").get_by_role("link", name=fields["cycles"]).click()
    page.get_by_role("link", name=cycle_title).click()
    page.get_by_role("link", name=fields["propose"]).click()
    page.get_by_label(fields["title"], exact=True).fill(title)
    page.get_by_label(fields["description"]).fill(fields["text"])
    page.get_by_label(fields["category"]).select_option("housing")
    # The community from the list of places: its street first (static/js/places.js).
    page.get_by_label(fields["street"], exact=True).select_option(label="长江街道")
    page.get_by_label(fields["community"], exact=True).select_option("和平社区")
    page.get_by_label(fields["photos"]).set_input_files([PHOTO])
    page.get_by_role("button", name=button).click()
    page.wait_for_url("**/proposals/*")


def step_collection(watched, server, journey):
    resident = watched()
    register(resident, server, "e2e-journey-resident", "全程居民")
    expect(flash(resident)).to_contain_text("账户已创建，您现在可以提出项目建议了。")
    title = "为和平社区老楼加装电梯"
    propose_with_photo(resident, server, CYCLE, title, {
        "cycles": "年度项目", "propose": "提出项目建议", "title": "名称",
        "description": "具体需求和理由", "text": "六层老楼没有电梯，老人上下楼很困难。",
        "category": "类别", "street": "街道", "community": "社区", "photos": "照片（选填）",
    }, "提交建议")
    expect(flash(resident)).to_contain_text("感谢您的建议！")
    expect(resident.get_by_role("heading", level=1)).to_have_text(title)
    expect(resident.locator(".proposal .badge")).to_have_text("已提交")
    photo = resident.get_by_role("img", name="建议的第 1 张照片")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 1  # the PNG, served
    proposal_url = resident.url
    proposal_id = int(proposal_url.rstrip("/").rsplit("/", 1)[1])

    cosigner = person(watched, server, "e2e-journey-cosigner")
    cosigner.goto(proposal_url)
    cosigner.get_by_role("button", name="附议").click()
    expect(flash(cosigner)).to_contain_text("感谢您的附议。")
    expect(cosigner.locator("#cosign-count")).to_have_text("1")
    cosigner.get_by_label("您的评论").fill("同意！我家楼里也有很多老人。")
    cosigner.get_by_role("button", name="发表评论").click()
    expect(flash(cosigner)).to_contain_text("评论已发表。")
    expect(cosigner.get_by_role("heading", name="讨论（1）")).to_be_visible()
    expect(cosigner.locator("#discussion")).to_contain_text("我家楼里也有很多老人")
    return resident, proposal_id


# --- 2. shortlist -------------------------------------------------------------------------------

def new_candidate(clerk, proposal_title, title, numbers, unit, cost, day):
    """From a proposal's screening page: accept it into a new candidate project."""
    clerk.get_by_role("link", name=proposal_title).click()
    clerk.get_by_role("link", name="采纳并新建候选项目").click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text("新建候选项目")
    clerk.get_by_label("名称", exact=True).fill(title)
    clerk.get_by_label("责任单位").fill(unit)
    clerk.get_by_label("估算投资（万元）").fill(cost)
    clerk.get_by_label("资金来源").fill("区级财政")
    clerk.get_by_label("预计完成时间").fill((day + timedelta(days=90)).isoformat())
    clerk.get_by_label("来源建议（编号）").fill(numbers)
    clerk.get_by_role("button", name="保存候选项目").click()
    expect(flash(clerk)).to_contain_text("候选项目已保存。")
    expect(clerk.locator("tr", has_text=title)).to_contain_text(unit)


def step_shortlist(watched, server, journey, proposal_id):
    cycle_id, seeded, day = journey["cycle"], journey["seeded"], journey["day"]
    admin = person(watched, server, "e2e-journey-admin")
    advance(admin, server, cycle_id, "项目初定")

    clerk = person(watched, server, "e2e-journey-clerk")
    clerk.get_by_role("link", name="工作人员工作台").click()
    clerk.get_by_role("row", name=re.escape(CYCLE)).get_by_role("link", name="项目初审").click()
    screening = clerk.url
    expect(clerk.get_by_role("row").filter(has_text="为和平社区老楼加装电梯")
           .locator("td.num")).to_have_text("1")  # the neighbour's co-sign
    # The resident's proposal and the similar one become one candidate.
    new_candidate(clerk, "为和平社区老楼加装电梯", "和平社区老楼加装电梯",
                  f"{proposal_id}, {seeded[SIMILAR]}", UNIT, "120", day)
    clerk.goto(screening)
    new_candidate(clerk, PARK, "社区口袋公园", str(seeded[PARK]), "区园林局", "80", day)
    clerk.goto(screening)
    clerk.get_by_role("link", name=GARAGE).click()
    clerk.get_by_label("不予采纳的依据").select_option("over_budget")
    clerk.get_by_label("公开理由").fill("地下车库投资超过本年度财力，已转交区交通委研究。")
    clerk.get_by_role("button", name="以此理由不予采纳").click()
    expect(flash(clerk)).to_contain_text("已不予采纳，理由已公开。")
    expect(clerk.get_by_text("超出财力 — 地下车库投资超过本年度财力")).to_be_visible()

    # Before the shortlist is submitted, the admin cannot move the cycle to its ballot.
    admin.goto(f"{server}/admin/cycles/{cycle_id}")
    expect(admin.get_by_text("进入“项目票决”之前，还需要：")).to_be_visible()
    expect(admin.get_by_text("项目初定名单尚未提交代表机构")).to_be_visible()
    expect(admin.get_by_role("button", name="进入：项目票决")).to_have_count(0)

    clerk.goto(screening)
    clerk.get_by_role("link", name="预算与提交").first.click()
    clerk.get_by_label("预算（万元）").fill("150")
    clerk.get_by_label("拟票决项目数").fill("1")
    clerk.get_by_role("button", name="保存", exact=True).click()
    expect(flash(clerk)).to_contain_text("已保存。")
    budget = clerk.locator(".budget")
    expect(budget).to_contain_text("150 万元")
    expect(budget).to_contain_text("200 万元")  # both candidates together
    clerk.get_by_role("button", name="将候选名单提交代表机构").click()
    expect(flash(clerk)).to_contain_text("候选名单已提交代表机构并锁定。")

    # The public sees the reason the garage was not taken up, and the resident's proposal
    # shortlisted.
    clerk.goto(f"{server}/proposals/{seeded[GARAGE]}")
    expect(clerk.get_by_text("未予采纳：超出财力")).to_be_visible()
    for merged in (proposal_id, seeded[SIMILAR]):
        clerk.goto(f"{server}/proposals/{merged}")
        expect(clerk.locator(".proposal .badge")).to_have_text("已列入候选")
        expect(clerk.get_by_text("已列入候选项目 和平社区老楼加装电梯")).to_be_visible()

    advance(admin, server, cycle_id, "项目票决")
    return admin, clerk


# --- 3. ballot ----------------------------------------------------------------------------------

def vote(watched, server, username, code, marks):
    """A delegate checks in with the hall's code, marks each candidate, reviews and casts."""
    page = person(watched, server, username)
    page.get_by_role("link", name="代表工作台").click()
    page.get_by_role("link", name=f"{CYCLE}代表票决").click()
    page.get_by_label("会场显示的签到码").fill(code)
    page.get_by_role("button", name="签到").click()
    expect(flash(page)).to_contain_text("您已签到。")
    for position, (candidate, mark) in enumerate(marks, start=1):
        page.get_by_role("group", name=f"{position}. {candidate}").get_by_label(mark).check()
    page.get_by_role("button", name="核对我的选票").click()
    expect(page.get_by_role("heading", name="核对您的选票")).to_be_visible()
    page.get_by_role("button", name="投出选票").click()
    expect(page.get_by_role("heading", name="您的投票已记录")).to_be_visible()
    receipt = page.locator("#receipt").inner_text()
    return receipt


def step_ballot(watched, server, journey, clerk):
    cycle_id = journey["cycle"]
    clerk.goto(f"{server}/cycles/{cycle_id}")
    clerk.get_by_role("link", name="票决管理").click()
    expect(clerk.get_by_label("拟票决项目数")).to_have_value("1")
    clerk.get_by_label("计算基数").select_option(label="出席代表")
    clerk.get_by_role("button", name="创建票决").click()
    expect(flash(clerk)).to_contain_text("票决已创建，请核对后开始投票。")
    expect(clerk.get_by_role("heading", level=1)).to_have_text(f"{CYCLE}代表票决")
    desk = clerk.url
    for row, (name, phrase) in enumerate(zip(TELLERS, PHRASES, strict=True), start=1):
        clerk.get_by_label(f"监票人 {row}", exact=True).select_option(label=name)
        clerk.locator(f"#passphrase-{row}").fill(phrase)
        clerk.locator(f"#repeat-{row}").fill(phrase)
    clerk.get_by_label("开启票箱所需监票人人数").select_option("2")
    clerk.get_by_role("button", name="开始投票").click()
    expect(flash(clerk)).to_contain_text("票箱已为监票人密封")
    code = clerk.locator(".hall-code .code").inner_text().strip()
    assert code

    elevator, park = "和平社区老楼加装电梯", "社区口袋公园"
    receipts = [
        vote(watched, server, "e2e-journey-delegate1", code, [(elevator, "赞成"), (park, "赞成")]),
        vote(watched, server, "e2e-journey-delegate2", code, [(elevator, "赞成"), (park, "反对")]),
        vote(watched, server, "e2e-journey-delegate3", code, [(elevator, "赞成"), (park, "弃权")]),
    ]

    clerk.goto(desk)
    expect(clerk.get_by_text("已投票：3 / 3")).to_be_visible()
    clerk.get_by_label(TELLERS[0]).fill(PHRASES[0])
    clerk.get_by_label(TELLERS[2]).fill(PHRASES[2])
    clerk.get_by_role("button", name="结束投票并计票").click()
    expect(flash(clerk)).to_contain_text("监票人已开启票箱，投票已结束并完成计票。")
    clerk.get_by_role("link", name="公布结果和计票公告…").click()
    expect(clerk.locator("#not-voted")).to_contain_text("名单上的所有人都已投票")
    clerk.get_by_label("我已阅读将会发生的事项，确认继续。").check()
    clerk.get_by_role("button", name="公布结果和计票公告").click()
    expect(flash(clerk)).to_contain_text("结果和计票公告已公布，获得通过的建议已标记。")

    public = watched()
    public.goto(f"{server}/cycles/{cycle_id}")
    public.get_by_role("link", name=f"{CYCLE}代表票决").click()
    expect(public.get_by_text("应到代表 3 名 · 出席 3 名 · 投票 3 张")).to_be_visible()
    expect(public.locator("#chart-result .main-svg").first).to_be_visible(timeout=10000)
    table = public.get_by_role("table", name="各候选项目得票情况")
    expect(table.get_by_role("row", name=re.compile(elevator))).to_contain_text("已票决通过")
    expect(table.get_by_role("row", name=re.compile(elevator))).to_contain_text("3")
    expect(table.get_by_role("row", name=re.compile(park))).to_contain_text("未获通过")
    public.get_by_label("回执码").fill(receipts[0])
    public.get_by_role("button", name="查询").click()
    expect(public.locator("#receipt .notice")).to_contain_text(
        f"在公告中找到： {elevator}：赞成；{park}：赞成")
    return public


# --- 4. implementation --------------------------------------------------------------------------

def step_implementation(watched, server, journey, admin, clerk):
    day = journey["day"]
    advance(admin, server, journey["cycle"], "项目实施")
    clerk.get_by_role("link", name="工作人员工作台").click()
    clerk.get_by_role("link", name="项目实施工作台").click()
    awaiting = clerk.get_by_role("row", name=re.compile("和平社区老楼加装电梯"))
    expect(awaiting).to_contain_text(UNIT)
    expect(clerk.get_by_role("row", name=re.compile("社区口袋公园"))).to_have_count(0)
    awaiting.get_by_role("link", name="启动项目").click()
    expect(clerk.get_by_label("开工日期")).to_have_value((day - timedelta(days=30)).isoformat())
    clerk.get_by_role("button", name="启动项目").click()
    expect(flash(clerk)).to_contain_text("项目已启动，请接着设置实施节点。")
    for n, (title, offset) in enumerate((("完成加装电梯设计与审批", 20),
                                         ("电梯安装完成并通过验收", 60)), start=1):
        row = clerk.get_by_role("group", name=f"节点 {n}")
        row.get_by_label("节点").fill(title)
        row.get_by_label("计划完成日期").fill((day + timedelta(days=offset)).isoformat())
        row.get_by_label("权重").fill("50")
    clerk.get_by_role("button", name="保存节点").click()
    expect(flash(clerk)).to_contain_text("节点已保存。")

    unit = person(watched, server, "e2e-journey-unit")
    unit.get_by_role("link", name="工作人员工作台").click()
    unit.get_by_role("link", name="项目实施工作台").click()
    expect(unit.get_by_text(f"您的单位：{UNIT}")).to_be_visible()
    for milestone, words in (("1. 完成加装电梯设计与审批", "设计方案已通过审批。"),
                             ("2. 电梯安装完成并通过验收", "电梯已安装完成并通过验收。")):
        card = unit.locator(".project-card", has_text="和平社区老楼加装电梯")
        card.get_by_role("link", name="报告进度").click()
        unit.get_by_label("完成情况").fill(words)
        unit.get_by_label("完成的节点").select_option(label=milestone)
        unit.get_by_role("button", name="发布报告").click()
        expect(flash(unit)).to_contain_text("报告已发布。")
        latest = unit.locator("article.report").first
        expect(latest).to_contain_text(words)
        expect(latest).to_contain_text(f"完成节点：{milestone.split(' ', 1)[1]}")
        project_url = unit.url.split("#", 1)[0]
        unit.goto(f"{server}/official/projects")
    unit.goto(project_url)
    expect(unit.get_by_role("heading", name="进度报告（2）")).to_be_visible()
    expect(unit.locator(".badge.status").first).to_have_text("已完成")
    return project_url


# --- 5. evaluation ------------------------------------------------------------------------------

def verified_at_the_counter(app, username):
    """The resident shows their papers at 和平社区's service station (居民登记): only a
    verified resident rates as a resident."""
    with app.app_context():
        db = get_session()
        live_in(db, find_user(db, username), "和平社区")
        db.commit()


def step_evaluation(watched, server, journey, admin, resident, public):
    cycle_id = journey["cycle"]
    advance(admin, server, cycle_id, "项目评价")
    resident.get_by_role("navigation").get_by_role("link", name="评价项目").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("评价已完成项目")
    resident.get_by_role("link", name="和平社区老楼加装电梯").click()
    expect(resident.get_by_role("heading", level=1)).to_have_text("评价：和平社区老楼加装电梯")
    resident.get_by_label("满意", exact=True).check()
    resident.get_by_role("button", name="保存我的评价").click()
    expect(flash(resident)).to_contain_text("感谢您的评价！")
    expect(resident.locator(".project-card", has_text="和平社区老楼加装电梯")
           ).to_contain_text("我的评价：满意")

    public.goto(f"{server}/cycles/{cycle_id}")
    public.get_by_role("link", name="年度报告").click()
    expect(public.get_by_role("heading", level=1)).to_have_text(f"{CYCLE}报告")
    public.locator(".chart.chart-drawn").first.wait_for(timeout=10000)
    expect(public.locator("#chart-funnel .main-svg").first).to_be_visible()
    expect(public.locator("#chart-progress .main-svg").first).to_be_visible()
    drawn = public.locator(".chart.chart-drawn")
    expect(drawn).to_have_count(public.locator(".chart").count())
    assert public.locator(".chart-unavailable").count() == 0
    progress = public.get_by_role("table", name="各项目进度")
    expect(progress.get_by_role("row", name=re.compile("和平社区老楼加装电梯"))
           ).to_contain_text("100")
    # The resident's rating is in the residents' satisfaction chart and its table.
    expect(public.locator("#chart-satisfaction-resident .main-svg").first).to_be_visible()
    satisfaction = public.get_by_role("table", name="各项目居民满意率（百分比）")
    expect(satisfaction.get_by_role("row", name=re.compile("和平社区老楼加装电梯"))
           ).to_contain_text("100")


def test_the_whole_pipeline_in_chinese(watched, live_server, live_app, journey):
    resident, proposal_id = step_collection(watched, live_server, journey)
    admin, clerk = step_shortlist(watched, live_server, journey, proposal_id)
    public = step_ballot(watched, live_server, journey, clerk)
    # The resident's proposal is now marked adopted.
    resident.goto(f"{live_server}/proposals/{proposal_id}")
    expect(resident.locator(".proposal .badge")).to_have_text("已票决通过")
    step_implementation(watched, live_server, journey, admin, clerk)
    verified_at_the_counter(live_app, "e2e-journey-resident")
    step_evaluation(watched, live_server, journey, admin, resident, public)


# --- the shorter journeys -----------------------------------------------------------------------

def test_a_resident_registers_and_proposes_in_english(watched, live_server, journey):
    page = watched()  # a Chinese browser; the resident switches the language
    page.goto(live_server + "/")
    page.get_by_role("link", name="English", exact=True).click()
    expect(page.get_by_role("link", name="中文", exact=True)).to_be_visible()
    register(page, live_server, "e2e-journey-english", "Journey Resident", english=True)
    expect(flash(page)).to_contain_text("Your account is ready. You can now propose projects.")
    title = "Lift for the old block on Changjiang Street"
    propose_with_photo(page, live_server, EN_CYCLE, title, {
        "cycles": "Cycles", "propose": "Propose a project", "title": "Title",
        "description": "What is needed, and why", "text": "Six floors and no lift.",
        "category": "Category", "street": "Street", "community": "Community",
        "photos": "Photos (optional)",
    }, "Submit proposal")
    expect(flash(page)).to_contain_text("Thank you. Your proposal is submitted")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".proposal .badge")).to_have_text("Submitted")
    expect(page.get_by_role("img", name="Photo 1 of the proposal")).to_be_visible()
    page.get_by_role("navigation").get_by_role("link", name="My proposals").click()
    expect(page.get_by_role("link", name=title)).to_be_visible()


def test_a_delegate_checks_in_and_votes_on_a_phone(watched, live_server, journey):
    desk = person(watched, live_server, "e2e-journey-phone-clerk")
    desk.goto(f"{live_server}/official/ballots/{journey['phone_ballot']}")
    code = desk.locator(".hall-code .code").inner_text().strip()

    phone = person(watched, live_server, "e2e-journey-phone", viewport=PHONE)
    desk_link = phone.get_by_role("link", name="代表工作台")
    expect(desk_link).to_be_hidden()  # folded away on a phone
    menu = phone.get_by_role("button", name="菜单")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    desk_link.click()
    phone.get_by_role("link", name="全程手机票决").click()
    expect(phone.get_by_text("投票前必须先签到")).to_be_visible()
    phone.get_by_label("会场显示的签到码").fill(code.lower())
    phone.get_by_role("button", name="签到").click()
    expect(flash(phone)).to_contain_text("您已签到。")
    phone.get_by_role("group", name="1. 社区食堂").get_by_label("赞成").check()
    phone.get_by_role("button", name="核对我的选票").click()
    phone.get_by_role("button", name="投出选票").click()
    expect(phone.get_by_role("heading", name="您的投票已记录")).to_be_visible()
    assert len(phone.locator("#receipt").inner_text()) == 12
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    desk.reload()
    expect(desk.get_by_text("已投票：1 / 1")).to_be_visible()
