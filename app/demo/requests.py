"""Demo of 接诉即办: three units, and a November of requests in every state of the loop.

Who does what in the demo: official6 (区12345热线中心) dispatches; official3 (区住建委),
official4 (长江街道办事处) and official5 (黄河街道办事处) sign for and answer; residents raise
and rate (resident01 has a reply to rate; resident02 a request awaiting dispatch).

chinesecalendar 1.11 knows the working days up to 2026 only, so from late December 2026 a
deadline runs into 2027 and would be refused: the demo enters a 2027 arrangement of its own,
labelled as invented in its reference (admin → Requests: working-day calendar). It is demo
data only: a real site enters the State Council's notice, or upgrades the library.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from proposals.requests import calendar, clock, services
from proposals.requests.clock import TZ
from proposals.requests.models import HolidayArrangement, Request, Unit
from votes.people import find_user

UNITS = (("区住建委", "official3"), ("长江街道办事处", "official4"),
         ("黄河街道办事处", "official5"))
DISPATCHER = "official6"


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


# (raised at, requester or None for a hotline caller, category, community, urgency, title,
#  description, unit or None, the steps after dispatch: (step, hours after dispatch, text))
REQUESTS = (
    (at(10, 26), "resident05", "housing", "幸福社区", "normal", "7号楼外墙瓷砖脱落",
     "7号楼东侧外墙有瓷砖松动脱落，下面是人行道，很危险。", "区住建委",
     (("sign", 2, ""), ("reply", 60, "已拉设警戒线并清除松动瓷砖，外墙修缮纳入明年计划。"),
      ("rate", 80, "satisfied"))),
    (at(11, 2), "resident08", "environment", "和平社区", "normal", "夜间空调外机噪音扰民",
     "对面商铺的空调外机整夜运转，噪音很大，影响休息。", "长江街道办事处",
     (("sign", 1, ""), ("reply", 50, "已约谈商铺，加装减振垫并调整运行时间。"),
      ("rate", 70, "basically_satisfied"))),
    (at(11, 3, 14), "resident12", "public_safety", "光明社区", "urgent", "井盖缺失",
     "光明路与新华街路口的井盖不见了，晚上看不清。", "黄河街道办事处",
     (("sign", 1, ""), ("reply", 6, "已临时围挡并当天补装井盖。"), ("rate", 30, "satisfied"))),
    (at(11, 5), "resident16", "transport", "团结社区", "normal", "共享单车堵塞盲道",
     "团结社区东门外的盲道被共享单车占满。", "黄河街道办事处",
     (("sign", 3, ""), ("reply", 120, "已通知运营企业清理，并划定停放区。"),
      ("rate", 130, "unsatisfied"))),
    (at(11, 9), "resident20", "housing", "江滨社区", "normal", "楼顶漏水",
     "顶楼住户家里每逢下雨就漏水，物业一直没修。", "区住建委",
     (("sign", 30, ""), ("reply", 200, "已督促物业使用维修资金修复防水层。"),
      ("rate", 210, "basically_satisfied"))),
    (at(11, 12), "resident24", "elderly_care", "和平社区", "normal", "独居老人多日未见",
     "楼下独居的王大爷两天没出门了，敲门没人应。", "长江街道办事处",
     (("sign", 1, ""), ("reply", 4, "社区工作者和民警已入户，老人身体不适已送医，家属已联系。"),
      ("rate", 24, "satisfied"))),
    (at(11, 17), "resident01", "environment", "和平社区", "normal", "垃圾清运不及时",
     "西门垃圾桶每天满溢，清运车下午才来。", "长江街道办事处",
     (("sign", 2, ""), ("reply", 70, "已协调环卫部门增加上午一次清运。"))),
    (at(11, 20), "resident28", "housing", "新民社区", "normal", "单元门禁损坏",
     "3单元门禁坏了一周，外来人员随意进出。", "区住建委",
     (("sign", 4, ""), ("pause", 20, "需居民提供门禁报修记录，居民周末在家。"))),
    (at(11, 24), "resident31", "transport", "新华社区", "normal", "路口信号灯时间过短",
     "新华路口行人绿灯只有15秒，老人过不去。", "黄河街道办事处", ()),
    (at(11, 24, 15), None, "public_safety", "春晖社区", "urgent", "电动车楼道充电",
     "12345来电：春晖社区5号楼有人在楼道里给电动车充电。", "区住建委",
     (("sign", 1, ""),)),
    (at(11, 25), "resident02", "culture_sports", "和平社区", "normal", "篮球场灯光不亮",
     "社区篮球场的照明灯坏了，晚上无法活动。", None, ()),
    (at(11, 26, 8), "resident35", "health", "翠苑社区", "normal", "社区卫生站周末不开门",
     "卫生站周末关门，老人开药不方便。", None, ()),
    (at(11, 26, 10), "resident09", "environment", "安居社区", "urgent", "河道发现死鱼",
     "安居社区旁的小河里有很多死鱼，有异味。", None, ()),
)


DEMO_YEAR = 2027
DEMO_REFERENCE = "演示用安排（非官方）"


def _days(first: str, last: str | None = None) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last or first)
    return [start + timedelta(n) for n in range((end - start).days + 1)]


# Plausible, invented: New Year, Spring Festival (Feb 6, 2027), Qingming, Labour Day, Dragon
# Boat, Mid-autumn, National Day; the make-up workdays are weekend days around them.
DEMO_DAYS_OFF = (_days("2027-01-01", "2027-01-03") + _days("2027-02-05", "2027-02-13")
                 + _days("2027-04-03", "2027-04-05") + _days("2027-05-01", "2027-05-05")
                 + _days("2027-06-09") + _days("2027-09-15") + _days("2027-10-01", "2027-10-07"))
DEMO_MAKE_UP_DAYS = _days("2027-01-31") + _days("2027-02-20") + _days("2027-04-25") \
    + _days("2027-05-08") + _days("2027-09-26") + _days("2027-10-09")


def seed_holidays(session: Session, admin) -> bool:
    """The demo's 2027 arrangement, once, while the installed library does not know 2027."""
    if clock.in_library(DEMO_YEAR) or session.get(HolidayArrangement, DEMO_YEAR) is not None:
        return False
    calendar.enter_arrangement(session, admin, year=DEMO_YEAR, days_off=DEMO_DAYS_OFF,
                               make_up_days=DEMO_MAKE_UP_DAYS, reference=DEMO_REFERENCE,
                               now=at(11, 20))
    return True


def seed_requests(session: Session) -> int:
    """The units and the requests, once: nothing is added while any request exists."""
    admin = find_user(session, "admin")
    dispatcher = find_user(session, DISPATCHER)
    if admin is None or dispatcher is None:
        return 0
    seed_holidays(session, admin)
    units = {}
    for name, username in UNITS:
        unit = session.scalar(select(Unit).filter_by(name=name))
        if unit is None:
            unit = services.add_unit(session, admin, name=name,
                                     official=find_user(session, username))
        units[name] = unit
    if session.scalar(select(func.count()).select_from(Request)):
        return 0
    for raised, who, category, community, urgency, title, text, unit_name, steps in REQUESTS:
        requester = find_user(session, who) if who else None
        draft = services.Draft(title=title, description=text, category=category,
                               community=community, urgency=urgency)
        if requester is None:
            item = services.raise_request(session, dispatcher, draft, channel="hotline",
                                          now=raised)
        else:
            item = services.raise_request(session, requester, draft, channel="online",
                                          now=raised)
        if unit_name is None:
            continue
        unit = units[unit_name]
        dispatched = raised + timedelta(minutes=40)
        services.dispatch(session, dispatcher, item, unit, note="", now=dispatched)
        for step, hours, value in steps:
            moment = dispatched + timedelta(hours=hours)
            if step == "sign":
                services.sign(session, unit.official, item, now=moment)
            elif step == "reply":
                services.reply(session, unit.official, item, text=value, now=moment)
            elif step == "pause":
                services.pause(session, unit.official, item, reason=value, now=moment)
            else:
                services.rate(session, requester, item, rating=value, comment="",
                              now=moment)
    # The limits missed by the demo's today are on the supervision list.
    services.record_missed_limits(session, at(11, 26, 18))
    return len(REQUESTS)
