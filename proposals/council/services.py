"""Council services: councils and their terms, members and convenor, and council elections."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from proposals.collection.services import clean_text
from proposals.council.models import Council, CouncilTerm
from proposals.council.rules import CONVENOR_TITLE, quorum
from votes import casting, closing
from votes.ballots import Ballot, BallotStatus
from votes.base import DomainError, utcnow
from votes.closing import adopted_option_ids
from votes.people import Assembly, AssemblyKind, Membership, Role, User, roster
from votes.places import Level, Place, require_community
from votes.residence import is_verified_in, verified_residents
from votes.rules import BallotRules, Majority, ThresholdBase
from votes.tally_methods import Method

ELECTION = "election"
MOTION = "motion"
NAME_MAX = 120


def require_official(actor: User) -> None:
    if not actor.has_role(Role.OFFICIAL):
        raise DomainError("officials_only")


# --- councils, terms, members ---------------------------------------------------------------


def register_council(
    session: Session, actor: User, assembly: Assembly, *, community: Place | str, size: int,
    quorum_num: int = 1, quorum_den: int = 2,
) -> Council:
    """Keep an existing council assembly as a council of a community on the list of places
    (a Place, or its name); its members are the first term."""
    require_official(actor)
    if assembly.kind != AssemblyKind.COUNCIL:
        raise DomainError("not_a_council")
    place = require_community(session, community)
    if session.scalar(select(Council.id).where(
            (Council.place_id == place.id) | (Council.name == assembly.name))):
        raise DomainError("council_exists")
    if not isinstance(size, int) or size < 1:
        raise DomainError("out_of_range", field="size", max=99)
    try:
        quorum(0, 0, quorum_num, quorum_den)  # the pure rule is the one judge of a fraction
    except ValueError:
        raise DomainError("invalid_choice", field="quorum") from None
    council = Council(name=assembly.name, place=place, community=place.name,
                      area=assembly.area, size=size,
                      quorum_num=quorum_num, quorum_den=quorum_den)
    session.add(council)
    session.flush()
    session.add(CouncilTerm(council_id=council.id, assembly_id=assembly.id, seats=size,
                            seated_at=utcnow(), created_by_id=actor.id))
    session.flush()
    return council


def terms(session: Session, council: Council) -> list[CouncilTerm]:
    """Every term, the newest first."""
    return list(session.scalars(
        select(CouncilTerm).join(Assembly, Assembly.id == CouncilTerm.assembly_id)
        .where(CouncilTerm.council_id == council.id)
        .order_by(Assembly.term_start.desc(), CouncilTerm.id.desc())))


def current_term(session: Session, council: Council, on: date) -> CouncilTerm | None:
    """The seated term whose dates cover `on`; the later one where an election overlaps."""
    return session.scalar(
        select(CouncilTerm).join(Assembly, Assembly.id == CouncilTerm.assembly_id)
        .where(CouncilTerm.council_id == council.id, CouncilTerm.seated_at.is_not(None),
               Assembly.term_start <= on, Assembly.term_end >= on)
        .order_by(Assembly.term_start.desc(), CouncilTerm.id.desc()).limit(1))


def members(session: Session, council: Council, on: date) -> list[User]:
    term = current_term(session, council, on)
    return [] if term is None else roster(session, term.assembly_id, on)


def convenor(session: Session, assembly_id: int, on: date) -> User | None:
    return session.scalar(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.assembly_id == assembly_id, Membership.title == CONVENOR_TITLE,
               Membership.joined_on <= on,
               Membership.left_on.is_(None) | (Membership.left_on >= on))
        .order_by(Membership.id).limit(1))


def is_member(session: Session, user: User, assembly_id: int, on: date) -> bool:
    return any(u.id == user.id for u in roster(session, assembly_id, on))


def require_convenor(session: Session, actor: User, assembly_id: int, on: date) -> None:
    chair = convenor(session, assembly_id, on)
    if chair is None or chair.id != actor.id:
        raise DomainError("convenor_only")


def councils_of(session: Session, user: User, on: date) -> list[Council]:
    """The councils in whose current term the user sits."""
    found = []
    for council in session.scalars(select(Council).order_by(Council.id)):
        term = current_term(session, council, on)
        if term is not None and is_member(session, user, term.assembly_id, on):
            found.append(council)
    return found


def on_place_renamed(place: Place, *, session: Session, **_) -> None:
    """votes.places.place_renamed: a renamed community's council keeps its new name."""
    if place.level == Level.COMMUNITY.value:
        session.execute(update(Council).where(Council.place_id == place.id)
                        .values(community=place.name)
                        .execution_options(synchronize_session="fetch"))


# --- elections ------------------------------------------------------------------------------


def electorate(session: Session, council: Council) -> list[User]:
    """The community's verified residents (居民登记), in a stable order: the register, not
    what anyone typed into a profile, says who lives there."""
    return verified_residents(session, council.place)


def create_election(
    session: Session, actor: User, council: Council, *, title: str, term_start: date,
    term_end: date, candidates: Sequence[User], quorum_num: int = 1, quorum_den: int = 2,
) -> CouncilTerm:
    """A new term's Assembly with a draft approval ballot: seats = council size, secret."""
    casting.begin_write(session)
    require_official(actor)
    if term_end <= term_start:
        raise DomainError("dates_out_of_order")
    pending = session.scalar(select(CouncilTerm.id).where(
        CouncilTerm.council_id == council.id, CouncilTerm.seated_at.is_(None)))
    if pending is not None:
        raise DomainError("election_pending")
    people = list({u.id: u for u in candidates}.values())
    for person in people:
        if not is_verified_in(session, person, council.place):
            raise DomainError("candidate_not_resident", name=person.display_name,
                              community=council.community)
    if len(people) < council.size:
        raise DomainError("too_few_candidates", seats=council.size)
    if session.scalar(select(Assembly.id).filter_by(name=council.name, term_start=term_start)):
        raise DomainError("term_exists")
    assembly = Assembly(kind=AssemblyKind.COUNCIL.value, name=council.name, area=council.area,
                        term_start=term_start, term_end=term_end)
    session.add(assembly)
    session.flush()
    term = CouncilTerm(council_id=council.id, assembly_id=assembly.id, seats=council.size,
                       created_by_id=actor.id)
    session.add(term)
    session.flush()
    # 过半数: elected with more than half of the ballots cast, as in residents' committee law.
    rules = BallotRules(method=Method.Y, threshold_base=ThresholdBase.CAST,
                        majority=Majority.SIMPLE, seats=council.size,
                        max_selections=council.size, quorum_num=quorum_num,
                        quorum_den=quorum_den, secret=True)
    ballot = casting.create_ballot(
        session, actor, assembly, ELECTION, term.id, clean_text(title, "title", 200), rules,
        [{"title": p.display_name, "ref_id": p.id} for p in people])
    term.election_ballot_id = ballot.id
    session.flush()
    return term


def election_ballot(session: Session, term: CouncilTerm) -> Ballot:
    ballot = session.get(Ballot, term.election_ballot_id) if term.election_ballot_id else None
    if ballot is None:
        raise DomainError("no_election")
    return ballot


def open_election(session: Session, actor: User, term: CouncilTerm, on: date) -> Ballot:
    """Open the vote to the community's registered residents, frozen now."""
    casting.begin_write(session)
    require_official(actor)
    voters = electorate(session, term.council)
    if not voters:
        raise DomainError("no_electorate", community=term.council.community)
    return casting.open_ballot(session, actor, election_ballot(session, term), on=on,
                               voters=voters)


def close_election(session: Session, actor: User, term: CouncilTerm) -> dict:
    """Count and publish at once: the community sees its result and bulletin together."""
    casting.begin_write(session)
    require_official(actor)
    ballot = election_ballot(session, term)
    result = closing.close_ballot(session, actor, ballot)
    closing.publish_ballot(session, actor, ballot)
    return result


def seat_elected(session: Session, actor: User, term: CouncilTerm) -> list[Membership]:
    """The elected become the term's members; the previous term's seats end the day before."""
    casting.begin_write(session)
    require_official(actor)
    if term.seated_at is not None:
        raise DomainError("already_seated")
    ballot = election_ballot(session, term)
    if ballot.status != BallotStatus.PUBLISHED:
        raise DomainError("not_published")
    result = closing.ballot_result(session, ballot)
    if not result["valid"]:
        raise DomainError("election_void")
    elected_options = adopted_option_ids(session, ballot)
    # A tie at the last seat is never broken here: it waits for a lawful resolution.
    if result["tie_pending"] and len(elected_options) == len(result["adopted"]):
        raise DomainError("election_tied")
    refs = {o.id: o.ref_id for o in ballot.options}
    elected = [session.get(User, refs[i]) for i in elected_options]
    if not elected:
        raise DomainError("nobody_elected")
    start = term.assembly.term_start
    for old in terms(session, term.council):
        if old.id == term.id:
            continue
        for seat in session.scalars(select(Membership).where(
                Membership.assembly_id == old.assembly_id,
                Membership.left_on.is_(None) | (Membership.left_on >= start))):
            seat.left_on = max(seat.joined_on, start - timedelta(days=1))
    seats = []
    for person in elected:
        seat = Membership(assembly_id=term.assembly_id, user_id=person.id, joined_on=start)
        session.add(seat)
        person.grant(Role.DELEGATE)
        seats.append(seat)
    term.seated_at = utcnow()
    session.flush()
    return seats


def designate_convenor(session: Session, actor: User, term: CouncilTerm, user: User) -> None:
    """Give one member the title 召集人 in this term; whoever held it loses it."""
    require_official(actor)
    seats = session.scalars(select(Membership).where(
        Membership.assembly_id == term.assembly_id)).all()
    if not any(s.user_id == user.id for s in seats):
        raise DomainError("members_only")
    for seat in seats:
        if seat.user_id == user.id:
            seat.title = CONVENOR_TITLE
        elif seat.title == CONVENOR_TITLE:
            seat.title = None
    session.flush()
