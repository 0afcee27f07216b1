"""Fill the database with a deterministic Chinese demo: accounts, assemblies, cycles, proposals."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.passwords import hash_password
from proposals.cycles import advance_cycle, create_cycle
from proposals.models import (
    Category,
    Channel,
    Comment,
    Cosign,
    Cycle,
    Follow,
    Proposal,
    ProposalStatus,
)
from proposals.stages import ORDER, Stage, next_stage
from proposals.text import search_document
from votes.people import (
    Assembly,
    AssemblyKind,
    Membership,
    Role,
    User,
    add_member,
    find_user,
    register_user,
)

CONGRESS = ("滨江区第十八届人民代表大会", "滨江区", date(2022, 1, 10), date(2027, 1, 31))
COUNCIL = ("和平社区居民议事会", "滨江区长江街道和平社区", date(2023, 1, 1), date(2027, 12, 31))
DISTRICT = "滨江区"
HOME = ("长江街道", "和平社区")  # where the resident council sits
PLACES = tuple(
    (street, community)
    for street, communities in {
        "长江街道": "和平社区 幸福社区 江滨社区", "黄河街道": "光明社区 团结社区 新华社区",
        "珠江街道": "春晖社区 新民社区 翠苑社区", "淮河街道": "安居社区 东风社区 锦绣社区",
    }.items()
    for community in communities.split()
)

OFFICIALS = (  # username, name, unit
    ("official1", "张建国", "区发改委"), ("official2", "李秀英", "区财政局"),
    ("official3", "王志强", "区住建委"), ("official4", "刘丽华", "长江街道办事处"),
    ("official5", "陈海燕", "黄河街道办事处"), ("official6", "赵明", "区12345热线中心"),
)
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN_FIRST = "建志国海春晓文玉秀明小永宏德俊淑桂丽红雪子思欣雨嘉浩宇梓佳秋冬新振立成慧"
GIVEN_SECOND = "华平军英芳兰梅强林刚峰辉敏静燕杰涛明鹏琳婷颖轩涵然宁洁波斌云霞飞亮红"

# Planned dates per stage. The district ballots at the congress session in January and
# rates projects at year end; the council works on a shorter, community-sized rhythm.
CYCLES = (  # council?, title, year, stage reached, planned dates in Stage order
    (False, "2024年度滨江区民生实事项目", 2024, Stage.CLOSED,
     ("2023-08-01", "2023-10-16", "2024-01-09", "2024-02-01", "2024-11-15", "2025-01-20")),
    (False, "2025年度滨江区民生实事项目", 2025, Stage.CLOSED,
     ("2024-08-01", "2024-10-15", "2025-01-08", "2025-02-03", "2025-11-14", "2026-01-16")),
    (False, "2026年度滨江区民生实事项目", 2026, Stage.EVALUATION,
     ("2025-08-01", "2025-10-15", "2026-01-07", "2026-02-02", "2026-11-16", "2027-01-20")),
    (False, "2027年度滨江区民生实事项目", 2027, Stage.COLLECTION,
     ("2026-09-01", "2026-12-01", "2027-01-12", "2027-02-01", "2027-11-15", "2028-01-20")),
    (True, "和平社区2026年度议事项目", 2026, Stage.IMPLEMENTATION,
     ("2025-10-08", "2025-11-17", "2025-12-15", "2026-01-12", "2026-12-01", "2026-12-31")),
    (True, "和平社区2026年度公共收益使用议事", 2026, Stage.BALLOT,
     ("2026-09-14", "2026-10-19", "2026-11-23", "2026-12-14", "2027-05-10", "2027-06-30")),
    (True, "和平社区2027年度议事项目", 2027, Stage.SHORTLIST,
     ("2026-10-08", "2026-11-16", "2026-12-14", "2027-01-11", "2027-12-01", "2027-12-31")),
)

# {c} is the community, {s} the street; a council only hears {c}-sized matters.
TEMPLATES: dict[Category, tuple[tuple[str, str], ...]] = {
    Category.EDUCATION: (
        ("{c}小学生课后托管服务", "双职工家庭放学后接送难，孩子三点半后无人看管。"
         "建议在社区党群服务中心开设托管班，请退休教师辅导作业。"),
        ("{s}中心幼儿园扩班增加普惠学位", "{s}新建小区陆续入住，适龄儿童入园排队严重。"
         "建议扩建中心幼儿园，增加普惠性学位。"),
        ("{c}婴幼儿托育服务点", "辖区0—3岁婴幼儿较多，家长普遍反映“托育难、托育贵”。"
         "建议建设普惠托育点，提供半日托和临时托。"),
        ("{s}小学门口护学岗和接送等候区", "上下学高峰家长聚集、车辆乱停，存在安全隐患。"
         "建议设置护学岗和接送等候区。"),
        ("{c}“四点半课堂”和社区图书角", "放学后和假期孩子缺少学习场所。"
         "建议利用社区活动室开设四点半课堂，配备图书角和志愿者。"),
        ("{s}社区老年学校教学点", "老年人学书法、学用智能手机的需求旺盛，区老年大学名额紧张。"
         "建议在街道设立教学点。"),
    ),
    Category.HEALTH: (
        ("{c}社区卫生服务站延时服务", "上班族下班后看病配药不便。"
         "建议社区卫生服务站工作日延长至晚八点，周末开设半天门诊。"),
        ("{s}社区卫生服务中心增设儿科门诊", "孩子发烧感冒都要跑区医院，排队时间长。"
         "建议社区卫生服务中心增设儿科门诊。"),
        ("{c}家庭医生签约上门服务", "失能、高龄老人行动不便，难以到医院复诊。"
         "建议家庭医生团队定期上门随访、开具长处方。"),
        ("{c}公共场所配置AED除颤器", "广场和健身场所人流密集，急救设备不足。"
         "建议配置AED并培训一批急救志愿者。"),
        ("{s}心理健康服务站", "青少年和独居老人的心理问题日益突出。"
         "建议设立心理健康服务站，提供免费咨询和危机干预。"),
        ("{c}慢性病患者免费健康体检", "辖区高血压、糖尿病患者多。"
         "建议每年组织一次免费体检，由社区医生提供用药指导。"),
    ),
    Category.ELDERLY_CARE: (
        ("{c}社区嵌入式养老服务中心", "{c}60岁以上老人占三成以上，子女白天上班无人照料。"
         "建议建设嵌入式养老服务中心，提供日托、助餐和康复服务。"),
        ("{c}社区食堂老年助餐点", "独居和高龄老人做饭难、吃饭难。"
         "建议开设社区食堂助餐点，对80岁以上老人给予用餐补贴。"),
        ("{c}独居老人智能安全监护设备", "独居老人在家突发疾病无人知晓。"
         "建议安装烟感、紧急呼叫和用水监测设备，联动网格员。"),
        ("{c}老年人居家适老化改造", "老人在卫生间、楼梯处跌倒时有发生。"
         "建议为困难老人家庭加装扶手、防滑地面和夜间感应灯。"),
        ("{s}日间照料中心增设助浴服务", "失能老人在家洗澡困难。"
         "建议日间照料中心增设助浴间，并提供上门助浴服务。"),
        ("{c}“时间银行”互助养老", "低龄老人有余力、高龄老人缺照料。"
         "建议推行时间银行，志愿服务时长可存储兑换，鼓励邻里互助。"),
    ),
    Category.TRANSPORT: (
        ("{c}周边单位停车场错时共享", "小区车位严重不足，夜间车辆挤占消防通道。"
         "建议协调周边单位停车场夜间向居民错时开放。"),
        ("{c}新能源汽车充电桩", "小区新能源汽车逐年增多，充电桩远远不够。"
         "建议在公共停车区域建设一批慢充桩。"),
        ("{s}社区微循环公交线路", "{s}部分小区离地铁站较远，老人出行不便。"
         "建议开通微循环公交，连接地铁站、医院和菜市场。"),
        ("{s}主干道增设人行横道信号灯", "主干道车速快，老人和学生过马路危险。"
         "建议在学校和菜市场附近增设人行横道和信号灯。"),
        ("{c}出入口破损道路修复", "小区出入口道路坑洼积水，雨天出行困难。"
         "建议修复破损路面并完善排水。"),
        ("{s}地铁站非机动车停放点", "地铁站口共享单车乱停乱放，堵塞盲道。"
         "建议施划非机动车停放区，安排专人定时整理。"),
    ),
    Category.ENVIRONMENT: (
        ("{c}口袋公园建设", "{c}周边缺少休闲绿地，居民散步只能走马路。"
         "建议利用闲置地块建设口袋公园，配备座椅和儿童游乐设施。"),
        ("{c}垃圾分类亭升级改造", "垃圾桶露天摆放，夏季异味大、蚊蝇多。"
         "建议改造为带洗手池和除臭设备的分类亭。"),
        ("{s}餐饮油烟污染集中整治", "沿街餐饮店油烟直排，低楼层居民不敢开窗。"
         "建议督促安装油烟净化设施并定期检测。"),
        ("{s}滨江生态修复和滨水步道", "江边岸线杂草丛生、步道断头。"
         "建议开展生态修复，贯通滨水步道，增设照明和休息设施。"),
        ("{c}雨污分流改造", "雨天污水管道溢流，小区内异味明显。建议实施雨污分流改造。"),
        ("{c}绿地补植和立体绿化", "小区绿地被踩踏、种菜，黄土裸露。"
         "建议补植绿化，在围墙、车棚等处开展立体绿化。"),
    ),
    Category.HOUSING: (
        ("{c}老旧小区加装电梯", "{c}多栋六层住宅无电梯，高龄老人上下楼困难。"
         "建议按“一楼一策”推进加装电梯，做好低层住户协商。"),
        ("{c}屋面防水和外墙保温改造", "上世纪九十年代建成的楼房屋顶漏水、外墙脱落。"
         "建议纳入老旧小区改造，实施屋面防水和外墙保温。"),
        ("{c}二次供水设施改造", "高峰期高层住户水压不足，水箱老化存在水质隐患。"
         "建议改造二次供水设施，移交供水企业统一管理。"),
        ("{c}楼道照明和单元门禁更新", "楼道灯经常不亮，单元门禁损坏，外来人员随意进出。"
         "建议更新声控照明和智能门禁。"),
        ("{c}无障碍通道和坡道改造", "单元门口台阶高，轮椅、童车进出困难。"
         "建议增设无障碍坡道和扶手。"),
        ("{c}老旧燃气管道更新", "小区燃气管道使用超过二十年，锈蚀严重。"
         "建议开展更新改造，消除安全隐患。"),
    ),
    Category.CULTURE_SPORTS: (
        ("{c}全民健身路径器材更新", "小区健身器材老化生锈，有的已经损坏。"
         "建议更新器材，增加适合老年人的康复器材。"),
        ("{s}社区文化活动中心提档升级", "文化活动中心面积小、设施旧，排练要排队。"
         "建议改造提升，增设排练厅和多功能室。"),
        ("{c}笼式多功能运动场", "青少年缺少打球场地。"
         "建议利用闲置空地建设笼式多功能运动场，篮球、足球兼用。"),
        ("{s}24小时城市书房", "周边没有公共图书馆，孩子和老人看书不方便。"
         "建议建设城市书房，打造“15分钟阅读圈”。"),
        ("{c}文化广场改造", "广场舞与居民休息时间冲突，噪音投诉多。"
         "建议改造广场、设置隔音绿化带并约定活动时段。"),
        ("{s}学校体育场地错时向社区开放", "学校操场周末和假期闲置，居民缺少锻炼场地。"
         "建议在保证安全的前提下错时开放。"),
    ),
    Category.EMPLOYMENT: (
        ("{s}零工驿站", "灵活就业人员在路边等活，风吹日晒。"
         "建议设立零工驿站，提供岗位信息、休息场所和技能培训。"),
        ("{c}家门口就业服务站", "失业人员和“4050”人员找工作难。"
         "建议在社区设立就业服务站，提供岗位推荐和政策咨询。"),
        ("{s}高校毕业生就业见习基地", "高校毕业生就业压力大。"
         "建议联合辖区企业建立见习基地，给予见习补贴。"),
        ("{c}灵活就业人员技能培训", "家政、养老护理岗位缺人，居民缺少技能证书。"
         "建议开设免费技能培训并推荐就业。"),
        ("{s}创业孵化空间", "退役军人和大学生创业缺少低成本场地。"
         "建议利用闲置楼宇建设孵化空间，提供场地和创业指导。"),
        ("{c}残疾人辅助性就业工场", "辖区智力、精神残疾人就业困难。"
         "建议建设辅助性就业工场，让残疾人就近就业、融入社会。"),
    ),
    Category.FOOD_SAFETY: (
        ("{s}菜市场食品快检室", "居民担心蔬菜农药残留。"
         "建议在菜市场设立快检室，每日公示检测结果，居民可免费送检。"),
        ("{s}农贸市场标准化改造", "农贸市场地面湿滑、排水不畅，生熟不分。"
         "建议实施标准化改造，规范分区经营。"),
        ("{s}校园周边食品安全整治", "学校周边小摊贩售卖“三无”零食。"
         "建议开展专项整治，加强日常巡查。"),
        ("{c}餐饮店“明厨亮灶”改造", "小餐馆后厨卫生难以监督。"
         "建议推行明厨亮灶，后厨视频向顾客公开。"),
        ("{s}小吃街环境卫生整治", "夜市小吃街垃圾、污水随意倾倒。"
         "建议统一设置隔油池和垃圾收集点，落实门前三包。"),
        ("{c}社区食堂食材溯源", "助餐点食材来源不清，老人吃得不放心。"
         "建议建立食材溯源和留样制度，定期公示。"),
    ),
    Category.PUBLIC_SAFETY: (
        ("{c}背街小巷路灯改造", "{c}背街小巷路灯损坏多年，夜间漆黑，居民晚归不安全。"
         "建议更换节能LED路灯并纳入日常维护。"),
        ("{c}消防通道整治", "消防通道长期被私家车占用，消防车进不来。"
         "建议施划标线、安装地桩并加强巡查。"),
        ("{c}电动自行车集中充电棚", "飞线充电、电瓶车进楼入户现象普遍，火灾隐患大。"
         "建议建设带智能断电功能的集中充电棚。"),
        ("{c}高空抛物监控设施", "高空抛物时有发生，威胁行人安全。建议安装仰拍监控并加强宣传。"),
        ("{s}易涝点排水改造", "每逢暴雨路口积水没过膝盖，车辆熄火、行人受困。"
         "建议改造排水管网，增设排涝泵站。"),
        ("{c}微型消防站建设", "老旧小区道路狭窄，消防车难以进入。"
         "建议建设微型消防站，配备器材并组建志愿消防队。"),
    ),
    Category.OTHER: (
        ("{c}便民服务驿站", "修鞋、配钥匙、修家电找不到地方。建议设立便民服务驿站，引进便民摊点。"),
        ("{c}党群服务中心政务代办点", "老人不会网上办事，跑窗口又不方便。"
         "建议设立代办点，帮办社保、医保等事项。"),
        ("{c}公共厕所新建和改造", "{c}周边公厕少且设施陈旧。"
         "建议新建一座公厕，改造现有公厕并增设无障碍厕位。"),
        ("{c}智能快递柜和快递驿站", "快递堆放在楼下，丢件、错拿时有发生。"
         "建议统一设置智能快递柜和快递驿站。"),
        ("{s}政务服务自助终端进社区", "查询社保、公积金要跑区政务中心。"
         "建议在社区投放自助终端，实现就近办。"),
        ("{c}文明养犬管理和宠物便民点", "遛狗不牵绳、宠物粪便随处可见，邻里矛盾多。"
         "建议设立宠物便民点，开展文明养犬宣传。"),
    ),
}
RESIDENT_COMMENTS = (
    "非常需要，我们楼里的老人每天都在盼。", "支持！建议施工时尽量避开早晚高峰。",
    "希望能尽快落实，也请考虑残疾人的需求。", "这个问题反映很多年了，希望这次能解决。",
    "赞成，但资金怎么分摊需要提前说清楚。",
)
OFFICIAL_REPLIES = (
    "已收到，我们将在项目初定阶段会同相关部门评估可行性和资金来源。",
    "感谢建议，街道已安排人员现场查看，结果将在本页公开。",
)
DELEGATE_REPLIES = (
    "我在代表联络站也听到不少居民反映同样的问题，会在票决时重点关注。",
    "建议把受益人数和预算测算得更细一些，便于代表比较。",
)

CHANNEL_WEIGHTS = {
    Channel.ONLINE: 45, Channel.VISIT: 20, Channel.LIAISON_STATION: 20, Channel.HOTLINE: 15,
}


def seed(session: Session, *, password: str) -> str:
    """Create whatever of the demo is missing (found by natural keys); flush, never commit."""
    rng = random.Random(2027)
    seeder = _Seeder(session, password)
    taken = {name for _, name, _ in OFFICIALS}
    names = iter(_unique_names(rng, 60 + 9 + 40 + 30, taken))

    account = seeder.account
    admin = account("admin", "系统管理员", Role.ADMIN, Role.OFFICIAL)
    officials = [account(u, f"{name}（{unit}）", Role.OFFICIAL) for u, name, unit in OFFICIALS]
    delegates = [account(f"delegate{i:02}", next(names), Role.DELEGATE) for i in range(1, 61)]
    council = [account(f"council{i}", next(names), Role.RESIDENT) for i in range(1, 10)]
    residents = [account(f"resident{i:02}", next(names), Role.RESIDENT) for i in range(1, 41)]
    callers = list(names)  # residents known by name only, e.g. 12345 callers without an account

    congress = seeder.assembly(AssemblyKind.CONGRESS, *CONGRESS)
    for i, delegate in enumerate(delegates):
        seeder.seat(congress, delegate, admin, title={0: "主任", 1: "副主任"}.get(i))
    resident_council = seeder.assembly(AssemblyKind.COUNCIL, *COUNCIL)
    for i, member in enumerate(council):
        seeder.seat(resident_council, member, admin, title="召集人" if i == 0 else None)

    for is_council, title, year, stage, iso_dates in CYCLES:
        dates = dict(zip(ORDER, map(date.fromisoformat, iso_dates), strict=True))
        assembly = resident_council if is_council else congress
        cycle = seeder.cycle(admin, assembly, title, year, dates, stage)
        if is_council:
            pools = _Pools(council + residents, council + [officials[3]], council, officials[5:])
        else:
            pools = _Pools(residents, officials[3:5] + delegates, delegates, officials[5:])
        count = rng.randint(15, 18) if is_council else rng.randint(26, 36)
        rows = _plan_proposals(rng, count, stage, dates, is_council, pools, callers)
        created = seeder.proposals(cycle, rows)
        seeder.discussion(created, residents, delegates + council, officials)

    return seeder.summary()


class _Pools:
    """Who proposes online, and who enters proposals arriving by each other channel."""

    def __init__(self, online, visit, liaison, hotline) -> None:
        self.online = online
        self.entry = {Channel.VISIT: visit, Channel.LIAISON_STATION: liaison,
                      Channel.HOTLINE: hotline}


class _Seeder:
    """Finds or creates each demo object by its natural key and counts what it created."""

    def __init__(self, session: Session, password: str) -> None:
        self.session = session
        self._password = password
        self._hash: str | None = None
        self.created: Counter[str] = Counter()
        self.present: Counter[str] = Counter()

    def account(self, username: str, display_name: str, *roles: Role) -> User:
        self.present["accounts"] += 1
        user = find_user(self.session, username)
        if user is None:
            if self._hash is None:  # argon2 is slow by design: one hash serves every account
                self._hash = hash_password(self._password)
            user = register_user(self.session, username=username, display_name=display_name,
                                 password_hash=self._hash, roles=roles)
            self.created["accounts"] += 1
        return user

    def assembly(
        self, kind: AssemblyKind, name: str, area: str, start: date, end: date
    ) -> Assembly:
        self.present["assemblies"] += 1
        assembly = self.session.scalar(select(Assembly).filter_by(name=name, term_start=start))
        if assembly is None:
            assembly = Assembly(kind=kind.value, name=name, area=area, term_start=start,
                                term_end=end)
            self.session.add(assembly)
            self.session.flush()
            self.created["assemblies"] += 1
        return assembly

    def seat(self, assembly: Assembly, user: User, actor: User, title: str | None) -> None:
        self.present["seats"] += 1
        seated = self.session.scalar(
            select(Membership.id).filter_by(assembly_id=assembly.id, user_id=user.id))
        if seated is None:
            add_member(self.session, assembly, user, actor, joined_on=assembly.term_start,
                       title=title)
            self.created["seats"] += 1

    def cycle(self, actor: User, assembly: Assembly, title: str, year: int,
              dates: dict[Stage, date], stage: Stage) -> Cycle:
        self.present["cycles"] += 1
        cycle = self.session.scalar(select(Cycle).filter_by(title=title))
        if cycle is None:
            cycle = create_cycle(self.session, actor, assembly=assembly, title=title, year=year,
                                 dates=dates)
            self.created["cycles"] += 1
        # One lawful move at a time, dated on the planned day, so the history reads as if
        # the year had really run; a cycle someone moved further is left where it is.
        while ORDER.index(Stage(cycle.stage)) < ORDER.index(stage):
            target = next_stage(Stage(cycle.stage))
            advance_cycle(self.session, cycle, actor, target.value,
                          now=datetime.combine(dates[target], time(1, 0), UTC))  # 09:00 in Beijing
            self.created["stage moves"] += 1
        return cycle

    def proposals(self, cycle: Cycle, rows: list[dict]) -> list[Proposal]:
        known = set(self.session.scalars(select(Proposal.title).filter_by(cycle_id=cycle.id)))
        created = []
        for row in rows:
            self.present["proposals"] += 1
            if row["title"] not in known:
                search_text = search_document(row["title"], row["description"])
                created.append(Proposal(cycle=cycle, search_text=search_text, **row))
                self.created["proposals"] += 1
        self.session.add_all(created)
        self.session.flush()
        return created

    def discussion(self, proposals: list[Proposal], residents: list[User],
                   speakers: list[User], officials: list[User]) -> None:
        """Co-signs, followers and a few comments on newly made proposals, so pages look alive.

        Only proposals created in this run get them, which keeps a second run a no-op; each
        draws from its own seeded generator so the main one stays in step across runs.
        """
        for proposal in proposals:
            rng = random.Random(f"{proposal.cycle.title}/{proposal.title}")
            supporters = [r for r in rng.sample(residents, rng.randint(0, 12))
                          if r.id != proposal.proposer_id]
            watchers = {r.id for r in supporters} | (
                {proposal.proposer_id} if proposal.proposer_id else set())
            self.session.add_all(Cosign(proposal_id=proposal.id, user_id=r.id,
                                        created_at=proposal.created_at) for r in supporters)
            self.session.add_all(Follow(proposal_id=proposal.id, user_id=u) for u in watchers)
            proposal.cosign_count = len(supporters)
            if rng.random() < 0.4:
                self._comments(rng, proposal, residents, speakers, officials)
        self.session.flush()

    def _comments(self, rng, proposal, residents, speakers, officials) -> None:
        first = Comment(proposal_id=proposal.id, author_id=rng.choice(residents).id,
                        body=rng.choice(RESIDENT_COMMENTS),
                        created_at=proposal.created_at + timedelta(days=1))
        self.session.add(first)
        self.session.flush()
        replies = [(rng.choice(officials), "official", OFFICIAL_REPLIES),
                   (rng.choice(speakers), "delegate", DELEGATE_REPLIES)]
        count = 1
        for i, (author, role, texts) in enumerate(replies[: rng.randint(0, 2)], start=2):
            self.session.add(Comment(
                proposal_id=proposal.id, parent_id=first.id, author_id=author.id,
                author_role=role if author.has_role(role) else None, body=rng.choice(texts),
                created_at=proposal.created_at + timedelta(days=i)))
            count += 1
        proposal.comment_count = count

    def summary(self) -> str:
        if not self.created:
            listed = ", ".join(f"{n} {what}" for what, n in self.present.items())
            return f"Demo data already present, nothing created ({listed})."
        listed = ", ".join(f"{self.created[what]} {what}" for what in
                           ("accounts", "assemblies", "seats", "cycles", "stage moves",
                            "proposals"))
        return f"Demo data created: {listed}."


def _unique_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        given = rng.choice(GIVEN_SECOND)
        if rng.random() < 0.8:  # most Chinese given names have two characters
            given = rng.choice(GIVEN_FIRST) + given
        name = rng.choice(SURNAMES) + given
        if name not in taken:
            taken.add(name)
            names.append(name)
    return names


def _statuses(rng: random.Random, stage: Stage, count: int, council: bool) -> list[str]:
    S = ProposalStatus
    if stage is Stage.COLLECTION:
        return [S.SUBMITTED.value] * count
    if stage is Stage.SHORTLIST:
        return [rng.choice((S.SUBMITTED, S.UNDER_REVIEW, S.UNDER_REVIEW)).value
                for _ in range(count)]
    # 差额票决: a few more candidates than projects the ballot adopts.
    adopted = 5 if council else 10
    candidates = adopted + 3
    if stage is Stage.BALLOT:
        head = [S.ACCEPTED] * candidates
    else:
        head = [S.ADOPTED] * adopted + [S.ACCEPTED] * (candidates - adopted)
    rest = [S.MERGED] * 3 + [S.DECLINED] * (count - candidates - 3)
    statuses = [s.value for s in head + rest]
    rng.shuffle(statuses)
    return statuses


def _plan_proposals(rng: random.Random, count: int, stage: Stage, dates: dict[Stage, date],
                    council: bool, pools: _Pools, callers: list[str]) -> list[dict]:
    usable = {cat: [t for t in templates if not council or "{s}" not in t[0]]
              for cat, templates in TEMPLATES.items()}
    # One per category first, so every cycle spans the whole range of needs.
    picked = [(cat, rng.choice(options)) for cat, options in usable.items()]
    rest = [(cat, t) for cat, options in usable.items() for t in options
            if (cat, t) not in picked]
    picked += rng.sample(rest, count - len(picked))
    rng.shuffle(picked)

    # Late in a window proposals thin out; keep them to its first three quarters.
    window = (dates[Stage.SHORTLIST] - dates[Stage.COLLECTION]).days * 3 // 4
    statuses = _statuses(rng, stage, count, council)
    channels, weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
    rows = []
    for (category, (title, description)), status in zip(picked, statuses, strict=True):
        street, community = HOME if council else rng.choice(PLACES)
        channel = rng.choices(channels, weights)[0]
        if channel is Channel.ONLINE:
            proposer = entered_by = rng.choice(pools.online)
        else:
            entered_by = rng.choice(pools.entry[channel])
            proposer = rng.choice(pools.online) if rng.random() < 0.5 else None
        name = proposer.display_name if proposer else rng.choice(callers)
        street_level = "{s}" in title
        reach = rng.randint(300, 3000) * 10 if street_level else rng.randint(5, 150) * 10
        # 00:00-13:59 UTC is office-to-evening hours in Beijing (UTC+8).
        created = datetime.combine(dates[Stage.COLLECTION], time(0, 0), UTC) + timedelta(
            days=rng.randrange(window), hours=rng.randint(0, 13), minutes=rng.randrange(60))
        rows.append(dict(
            title=title.format(s=street, c=community), category=category.value,
            description=description.format(s=street, c=community),
            district=DISTRICT, street=street, community=community, beneficiaries=reach,
            channel=channel.value, proposer=proposer, proposer_name=name,
            entered_by=entered_by, status=status, created_at=created,
            **(_declined(title) if status == ProposalStatus.DECLINED.value else {}),
        ))
    return rows


DECLINES = (  # ground, public reason
    ("over_budget", "所需资金超出本年度财力安排，建议纳入下一年度统筹考虑。"),
    ("not_government_duty", "该事项属于物业服务范围，已转交物业公司和业委会协商解决。"),
    ("planned_elsewhere", "该事项已列入区城市更新专项计划，将按计划推进。"),
    ("not_feasible", "现场不具备施工条件，相关部门将研究替代方案。"),
)


def _declined(title: str) -> dict:
    ground, reason = DECLINES[sum(map(ord, title)) % len(DECLINES)]  # stable per title
    return {"decline_ground": ground, "decline_reason": reason}
