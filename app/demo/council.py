"""Demo of 和平社区居民议事会: residents' topics through meetings, votes, tasks and ratings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from proposals.council import loop, meetings
from proposals.council import services as councils
from proposals.council.models import Council, Topic
from proposals.council.topics import raise_topic
from votes.casting import cast_ballot
from votes.people import Assembly, find_user

NAME = "和平社区居民议事会"
COMMUNITY = "和平社区"
ROOM = "和平社区党群服务中心二楼会议室"

# key: (raised on, raiser, category, title, description)
TOPICS = {
    "lamps": ("2026-08-20", "resident03", "public_safety", "3号楼至5号楼路灯不亮",
              "3号楼到5号楼之间的路灯坏了一个多月，晚上老人孩子出行不安全。"),
    "dogs": ("2026-08-28", "resident11", "environment", "小区宠物粪便无人清理",
             "草坪和步道上常有宠物粪便，希望倡导文明养犬并设置便袋箱。"),
    "gym": ("2026-09-02", "resident07", "culture_sports", "中心花园健身器材损坏",
            "中心花园的太空漫步机和扭腰器坏了，存在安全隐患。"),
    "charging": ("2026-09-20", "resident15", "public_safety", "电动自行车充电桩不够用",
                 "现有充电桩只有20个，很多人把电瓶拎回家充电，有火灾隐患。"),
    "hallways": ("2026-10-05", "resident22", "public_safety", "楼道堆放杂物堵塞消防通道",
                 "8号楼和9号楼楼道里堆满纸箱和旧家具，消防通道被堵。"),
    "bins": ("2026-10-08", "resident05", "environment", "垃圾分类投放点异味大",
             "西门垃圾投放点夏秋季节异味很重，附近住户不敢开窗。"),
    "parking": ("2026-11-12", "resident18", "transport", "晚间停车难、乱停车",
                "晚上车位不够，车辆停在消防通道和人行道上。"),
    "elderly": ("2026-11-20", "resident26", "elderly_care", "老年活动室开放时间太短",
                "活动室只在工作日上午开放，希望周末和下午也能开放。"),
}


def seed_council(session: Session, today: date) -> int:
    """Register the demo council and play its autumn; returns how many topics it raised.

    Idempotent: nothing is added once the council has topics. Services run with the day
    each step happened, so dates, deadlines and overdue flags read as if it had really run.
    """
    assembly = session.scalar(select(Assembly).filter_by(name=NAME))
    official = find_user(session, "official4")  # 长江街道办事处 looks after the council
    if assembly is None or official is None:
        return 0
    # Its members and residents are verified in 和平社区 by app/demo/places.py.
    council = session.scalar(select(Council).filter_by(name=NAME))
    if council is None:
        council = councils.register_council(session, official, assembly, community=COMMUNITY,
                                            size=9)
    if session.scalar(select(Topic.id).filter_by(council_id=council.id).limit(1)):
        session.flush()
        return 0
    _Autumn(session, council).play()
    session.flush()
    return len(TOPICS)


def _day(text: str) -> date:
    return date.fromisoformat(text)


class _Autumn:
    """The council's September to December, step by step in the order it happened."""

    def __init__(self, session: Session, council: Council) -> None:
        self.s = session
        self.council = council
        self.m = {i: find_user(session, f"council{i}") for i in range(1, 10)}
        self.chair = self.m[1]
        self.topics: dict[str, Topic] = {}

    def raise_(self, key: str) -> None:
        raised, who, category, title, description = TOPICS[key]
        self.topics[key] = raise_topic(self.s, find_user(self.s, who), self.council,
                                       title=title, description=description,
                                       category=category, today=_day(raised))

    def meeting(self, planned: str, held: str, keys: list[str], place: str = ROOM):
        found = meetings.plan_meeting(self.s, self.chair, self.council, held_on=_day(held),
                                      place=place, starts_at="19:00", today=_day(planned))
        for i, key in enumerate(keys):
            if self.topics[key].state != "scheduled":  # a reopened topic is already on it
                meetings.add_to_agenda(self.s, self.m[1 + i % 3], found, self.topics[key],
                                       _day(planned))
        return found

    def sit(self, meeting, present: list[int]) -> None:
        meetings.record_attendance(self.s, self.chair, meeting,
                                   {self.m[i].id for i in present}, meeting.held_on)

    def vote(self, meeting, key: str, motion: str, *, against: int = 0,
             secret: bool = True) -> None:
        item = next(i for i in meeting.items if i.topic_id == self.topics[key].id)
        ballot = meetings.put_motion(self.s, self.chair, item, motion, today=meeting.held_on,
                                     secret=secret)
        option = ballot.options[0].id
        present = meetings.present_members(self.s, meeting)
        for n, member in enumerate(present):
            mark = "no" if n >= len(present) - against else "yes"
            cast_ballot(self.s, ballot.id, member, {option: mark})
        meetings.close_motion(self.s, self.chair, item, meeting.held_on)

    def task(self, key: str, on: str, title: str, due: str, *, member: int | None = None,
             party: str | None = None, done: str | None = None, outcome: str = ""):
        action = loop.add_action_item(self.s, self.chair, self.topics[key], title=title,
                                      due_on=_day(due), today=_day(on),
                                      assignee=self.m[member] if member else None,
                                      outside_party=party)
        if done:
            doer = self.m[member] if member else self.chair
            loop.complete_action_item(self.s, doer, action, outcome, _day(done))

    def report(self, key: str, on: str, result: str) -> None:
        loop.report_back(self.s, self.chair, self.topics[key], result, _day(on))

    def rate(self, key: str, on: str, rating: str, comment: str = "") -> None:
        topic = self.topics[key]
        loop.rate_topic(self.s, topic.raised_by, topic, rating, comment, _day(on))

    def minutes(self, meeting, on: str, text: str) -> None:
        meetings.save_minutes(self.s, self.chair, meeting, text)
        meetings.approve_minutes(self.s, self.chair, meeting, _day(on))

    def play(self) -> None:
        for key in ("lamps", "dogs", "gym"):
            self.raise_(key)
        first = self.meeting("2026-09-05", "2026-09-15", ["lamps", "dogs", "gym"])
        self.sit(first, [1, 2, 3, 4, 5, 6, 7])
        self.vote(first, "lamps",
                  "由议事会联系物业更换灯具、联系供电公司检修线路，月底前恢复照明。")
        self.vote(first, "dogs", "设置宠物便袋箱，发出文明养犬倡议，由志愿者巡查一个月。",
                  against=1)
        self.vote(first, "gym", "请物业在十月十日前维修中心花园健身器材。")
        self.task("lamps", "2026-09-15", "联系物业更换损坏灯具", "2026-09-25", member=3,
                  done="2026-09-22", outcome="物业已更换12盏灯具。")
        self.task("lamps", "2026-09-15", "检修3至5号楼地下供电线路", "2026-09-30",
                  party="供电公司", done="2026-09-28", outcome="供电公司已更换老化电缆。")
        self.task("dogs", "2026-09-15", "设置宠物便袋箱并张贴倡议", "2026-09-30", member=5,
                  done="2026-09-29", outcome="设置便袋箱6处，张贴倡议书20份。")
        self.task("gym", "2026-09-15", "维修损坏的健身器材", "2026-10-10", party="和美物业公司",
                  done="2026-10-12", outcome="物业已焊接修复太空漫步机和扭腰器。")
        self.minutes(first, "2026-09-16", "应到9人，实到7人，符合法定人数。会议审议3个议题，"
                     "均表决通过，并明确了分工和时限。")
        self.raise_("charging")
        self.report("lamps", "2026-10-08", "12盏路灯已全部恢复照明，供电线路已检修。")
        self.rate("lamps", "2026-10-10", "satisfied", "晚上亮堂多了，谢谢！")
        self.report("dogs", "2026-10-09", "已设置便袋箱6处，志愿者巡查一个月，情况明显好转。")
        self.rate("dogs", "2026-10-11", "basically_satisfied", "好多了，个别时段还有。")
        for key in ("hallways", "bins"):
            self.raise_(key)
        second = self.meeting("2026-10-10", "2026-10-20", ["charging", "hallways", "bins"])
        self.report("gym", "2026-10-15", "物业已修复太空漫步机和扭腰器。")
        self.rate("gym", "2026-10-18", "dissatisfied", "修过以后还是晃，孩子玩很危险，建议换新的。")
        self.sit(second, [1, 2, 3, 4, 5, 6, 8])
        self.vote(second, "charging", "新增40个充电端口：请供电公司评估增容，"
                  "议事会统计需求户数。", secret=False)
        self.vote(second, "hallways", "组织8、9号楼楼道集中清理，物业加强日常巡查。")
        bins = next(i for i in second.items if i.topic_id == self.topics["bins"].id)
        meetings.defer_item(self.s, self.chair, bins, "需先请街道环卫所现场查看后再议。",
                            second.held_on)
        self.vote(second, "gym", "向区体育局申请更换整套健身路径，旧器材先停用。")
        self.task("charging", "2026-10-20", "统计有电动自行车的住户", "2026-11-05", member=2,
                  done="2026-11-03", outcome="共186户，需新增约40个端口。")
        self.task("charging", "2026-10-20", "评估增容并出具方案", "2026-11-10", party="供电公司")
        self.task("hallways", "2026-10-20", "组织楼道集中清理", "2026-11-01", member=4,
                  done="2026-10-30", outcome="清理出杂物3车，楼道已畅通。")
        self.task("gym", "2026-10-20", "申请更换健身路径", "2026-12-20", party="区体育局")
        self.minutes(second, "2026-10-21", "应到9人，实到7人，符合法定人数。审议4个议题，"
                     "3项表决通过，1项暂缓。")
        meetings.save_minutes(self.s, self.chair, second, "应到9人，实到7人（7号、9号成员请假），"
                              "符合法定人数。审议4个议题，3项表决通过，1项暂缓。",
                              reason="补记请假成员")
        self.report("hallways", "2026-11-02", "8、9号楼楼道已清理完毕，物业每周巡查。")
        self.raise_("parking")
        third = self.meeting("2026-11-22", "2026-12-08", ["parking", "bins"])
        self.raise_("elderly")
        meetings.comment_on_agenda(self.s, find_user(self.s, "resident09"), third,
                                   "停车问题建议先摸清夜间车辆数，再考虑错时共享车位。",
                                   _day("2026-11-24"))
