"""Fill the database with a deterministic Chinese demo: accounts, assemblies, cycles, proposals."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.passwords import hash_password
from app.demo.ballots import seed_ballots
from app.demo.council import seed_council
from app.demo.data import (
    CHANNEL_WEIGHTS,
    CONGRESS,
    COUNCIL,
    CYCLES,
    DECLINES,
    DELEGATE_REPLIES,
    DISTRICT,
    GIVEN_FIRST,
    GIVEN_SECOND,
    HOME,
    OFFICIAL_REPLIES,
    OFFICIALS,
    PLACES,
    RESIDENT_COMMENTS,
    SURNAMES,
    TEMPLATES,
    UNITS,
)
from app.demo.evaluation import seed_evaluation
from app.demo.places import seed_places
from app.demo.projects import DEMO_TODAY, seed_projects
from app.demo.requests import seed_requests
from proposals.collection.models import Channel, Comment, Cosign, Follow, Proposal, ProposalStatus
from proposals.collection.text import search_document
from proposals.cycles.models import Cycle
from proposals.cycles.services import advance_cycle, create_cycle
from proposals.cycles.stages import ORDER, Stage, next_stage
from proposals.shortlist.models import Candidate, CandidateSource
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
from votes.places import require_community


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

    verified = seed_places(session)  # before anyone votes, rates or raises a topic
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
        if ORDER.index(stage) >= ORDER.index(Stage.BALLOT):
            seeder.shortlist(cycle, dates, officials[0], council=is_council)

    ballots = seed_ballots(session)
    made = seed_projects(session, today=DEMO_TODAY)
    rated = seed_evaluation(session, DEMO_TODAY)
    council = seed_council(session, DEMO_TODAY)
    requests = seed_requests(session)
    extras = [(verified, "residents verified"), (ballots, "ballots"),
              (made, "projects under way"), (rated, "projects rated"),
              (council, "council steps"), (requests, "requests")]
    return seeder.summary() + "".join(f" {n} {what}." for n, what in extras if n)


class _Pools:
    """Who proposes online, and who enters proposals arriving by each other channel."""

    def __init__(self, online, visit, liaison, hotline) -> None:
        self.online = online
        self.entry = {Channel.VISIT: visit, Channel.LIAISON_STATION: liaison,
                      Channel.HOTLINE: hotline}


DEMO_CONFIRMED = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)  # when the demo's numbers were confirmed


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
        if user.mobile_confirmed_at is None:
            # One person, one account: each demo account has its own confirmed number, in
            # a made-up block (199 0000 xxxx) that reaches nobody.
            user.mobile = f"1990000{self.present['accounts']:04d}"
            user.mobile_confirmed_at = DEMO_CONFIRMED
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
        # the year had really run; a cycle someone moved further is left where it is. Each
        # stage's work (proposals, shortlist, ballot, projects, ratings) is written after
        # the moves, so the moves skip the check that it is done.
        while ORDER.index(Stage(cycle.stage)) < ORDER.index(stage):
            target = next_stage(Stage(cycle.stage))
            advance_cycle(self.session, cycle, actor, target.value, check_work=False,
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
                # Where, by key: the community's record (app/demo/places.py made it).
                place = require_community(self.session, row["community"])
                created.append(Proposal(cycle=cycle, search_text=search_text, place=place,
                                        **row))
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

    def shortlist(self, cycle: Cycle, dates: dict[Stage, date], official: User, *,
                  council: bool) -> None:
        """Candidates for the accepted proposals, a budget that fits the adopted ones, and a
        submitted shortlist, for cycles that have reached the ballot."""
        self.present["candidates"] += 1
        if self.session.scalar(select(Candidate.id).filter_by(cycle_id=cycle.id)) is not None:
            return
        proposals = self.session.scalars(select(Proposal).filter_by(cycle_id=cycle.id)
                                         .order_by(Proposal.id)).all()
        chosen = [p for p in proposals if p.status in (ProposalStatus.ACCEPTED.value,
                                                         ProposalStatus.ADOPTED.value)]
        costs = {}
        for proposal in chosen:
            rng = random.Random(f"candidate/{cycle.title}/{proposal.title}")
            cost = rng.randint(3, 40) * (10_000 if council else 500_000)
            costs[proposal.id] = cost
            candidate = Candidate(
                cycle_id=cycle.id, title=proposal.title, description=proposal.description,
                responsible_unit=UNITS[proposal.category] if not council else "社区居委会",
                estimated_cost=cost, funding_source="社区公益金" if council else "区级财政",
                policy_basis="" if council else "《滨江区民生实事项目票决制实施办法》",
                feasibility="已完成现场踏勘，具备实施条件。",
                expected_completion=dates[Stage.EVALUATION] - timedelta(days=30),
                location=f"{proposal.street}{proposal.community}", created_by_id=official.id,
                created_at=datetime.combine(dates[Stage.SHORTLIST], time(2, 0), UTC))
            candidate.sources.append(CandidateSource(proposal_id=proposal.id))
            self.session.add(candidate)
            self.created["candidates"] += 1
        for proposal in proposals:  # a merged proposal points at what it joined
            if proposal.status == ProposalStatus.MERGED.value and chosen:
                proposal.merged_into_id = chosen[proposal.id % len(chosen)].id
        adopted = [costs[p.id] for p in chosen if p.status == ProposalStatus.ADOPTED.value]
        cycle.seats = len(adopted) or max(1, len(chosen) - 3)
        planned = sum(adopted) or sum(sorted(costs.values())[: cycle.seats])
        cycle.budget = -(-planned * 11 // 10 // 100_000) * 100_000  # 10% headroom, whole 10万
        cycle.shortlist_submitted_at = datetime.combine(
            dates[Stage.BALLOT] - timedelta(days=14), time(2, 0), UTC)
        cycle.shortlist_submitted_by_id = official.id
        self.session.flush()

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


def _declined(title: str) -> dict:
    ground, reason = DECLINES[sum(map(ord, title)) % len(DECLINES)]  # stable per title
    return {"decline_ground": ground, "decline_reason": reason}
