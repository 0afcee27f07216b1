"""Electing a council: candidates and voters from the community, void results, seating."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from proposals.council import services as councils
from tests.functional.builders import COMMUNITY, community_place, live_in, seat_council
from votes import casting, closing, ledger
from votes.ballots import BallotRosterEntry
from votes.base import DomainError
from votes.people import Role, User, find_user
from votes.residence import move
from votes.rules import BallotRules

TERM = {"term_start": date(2027, 1, 1), "term_end": date(2029, 12, 31)}


@pytest.fixture
def community(db, make_user, admin):
    old = seat_council(db, make_user, admin)
    neighbours = []
    for i in range(4):
        person = make_user(Role.RESIDENT, name=f"邻居{i}")
        live_in(db, person, COMMUNITY)
        neighbours.append(person)
    db.commit()
    return old, neighbours


def refused(code: str, call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as error:
        call(*args, **kwargs)
    assert error.value.code == code
    return error.value


def test_candidates_must_be_residents_of_the_community_and_fill_the_seats(
        db, admin, official, make_user, community):
    old, neighbours = community
    stranger = make_user(Role.RESIDENT, name="外社区居民")
    refused("officials_only", councils.create_election, db, old.convenor, old.council,
            title="选举", candidates=neighbours, **TERM)
    error = refused("candidate_not_resident", councils.create_election, db, official,
                    old.council, title="选举", candidates=[*neighbours, stranger], **TERM)
    assert error.params == {"name": "外社区居民", "community": COMMUNITY}
    refused("too_few_candidates", councils.create_election, db, official, old.council,
            title="选举", candidates=neighbours[:2], **TERM)
    refused("dates_out_of_order", councils.create_election, db, official, old.council,
            title="选举", candidates=neighbours, term_start=date(2027, 1, 1),
            term_end=date(2026, 1, 1))
    term = councils.create_election(db, official, old.council, title="选举",
                                    candidates=neighbours, **TERM)
    rules = councils.election_ballot(db, term).rules
    assert (rules.method.value, rules.seats, rules.max_selections, rules.secret,
            rules.threshold_base.value) == ("Y", 3, 3, True, "cast")
    refused("election_pending", councils.create_election, db, official, old.council,
            title="又一次", candidates=neighbours, term_start=date(2030, 1, 1),
            term_end=date(2032, 1, 1))


def test_a_void_election_seats_nobody_and_the_old_council_stays(
        db, official, community):
    old, neighbours = community
    term = councils.create_election(db, official, old.council, title="选举",
                                    candidates=neighbours, **TERM)
    refused("not_published", councils.seat_elected, db, official, term)
    councils.open_election(db, official, term, date(2026, 12, 1))
    ballot = councils.election_ballot(db, term)
    cast = casting.cast_ballot(db, ballot.id, neighbours[0], {ballot.options[0].id: "yes"})
    assert cast
    result = councils.close_election(db, official, term)
    assert result["reason"] == "quorum_not_met"  # 1 of 7 registered residents voted
    refused("election_void", councils.seat_elected, db, official, term)
    assert councils.current_term(db, old.council, date(2027, 6, 1)) is None
    assert councils.current_term(db, old.council, date(2026, 6, 1)).id == old.term.id


def test_a_tie_at_the_last_seat_waits_for_its_lawful_resolution(db, official, community):
    old, neighbours = community
    a, b, c, d = neighbours
    term = councils.create_election(db, official, old.council, title="选举",
                                    candidates=neighbours, **TERM)
    councils.open_election(db, official, term, date(2026, 12, 1))
    ballot = councils.election_ballot(db, term)
    option = {o.ref_id: o.id for o in ballot.options}
    for voter, ticks in zip(neighbours, ([a, b, c], [a, b, d], [a, c, d], [b, c, d]),
                            strict=True):
        casting.cast_ballot(db, ballot.id, voter, {option[p.id]: "yes" for p in ticks})
    result = councils.close_election(db, official, term)
    assert sorted(result["tie_pending"]) == sorted(option.values())  # 3 votes each, 3 seats
    refused("election_tied", councils.seat_elected, db, official, term)
    closing.resolve_tie(db, official, ballot, [option[a.id], option[b.id], option[c.id]],
                        "依据选举办法当场抽签确定")
    seats = councils.seat_elected(db, official, term)
    assert {s.user_id for s in seats} == {a.id, b.id, c.id}
    assert all(p.has_role(Role.DELEGATE) for p in (a, b, c))
    refused("already_seated", councils.seat_elected, db, official, term)
    councils.designate_convenor(db, official, term, b)
    assert councils.convenor(db, term.assembly_id, TERM["term_start"]).id == b.id
    refused("members_only", councils.designate_convenor, db, official, term, d)


def test_a_council_without_registered_residents_cannot_open_its_election(
        db, official, make_user, admin):
    seated = seat_council(db, make_user, admin, community="幸福社区", name="幸福社区居民议事会")
    people = []
    for _ in range(3):
        person = make_user(Role.RESIDENT)
        live_in(db, person, "幸福社区")
        people.append(person)
    term = councils.create_election(db, official, seated.council, title="选举",
                                    candidates=people, **TERM)
    community_place(db, "和平社区")
    for person in [*people, *seated.members]:
        move(db, person, "和平社区")  # they moved away: their verification here ends
    db.flush()
    refused("no_electorate", councils.open_election, db, official, term, date(2026, 12, 1))


def test_open_ballot_takes_an_explicit_roster(db, official, make_user, assembly):
    voters = [make_user(Role.RESIDENT) for _ in range(3)]
    gone = make_user(Role.RESIDENT)
    gone.active = False
    ballot = casting.create_ballot(db, official, assembly, "election", None, "样例",
                                   BallotRules(), [{"title": "甲"}])
    casting.open_ballot(db, official, ballot, on=date(2026, 1, 1),
                        voters=[voters[2], voters[0], voters[1], voters[0], gone])
    roster = db.scalars(select(BallotRosterEntry.user_id).where(
        BallotRosterEntry.ballot_id == ballot.id)).all()
    assert sorted(roster) == sorted(u.id for u in voters) and ballot.entitled == 3
    opened = [e for e in ledger.entries(db, ballot.id) if e["kind"] == "opened"][0]
    assert opened["payload"]["roster_source"] == "explicit"
    assert opened["payload"]["roster_hash"] == casting.roster_hash([u.id for u in voters])
    empty = casting.create_ballot(db, official, assembly, "election", None, "空",
                                  BallotRules(), [{"title": "甲"}])
    refused("empty_roster", casting.open_ballot, db, official, empty, voters=[gone])


def test_registration_records_the_community_chosen_from_the_places(client, db):
    community_place(db, "和平社区")
    db.commit()
    assert '<option value="和平社区">和平社区</option>' in client.get("/account/register").text
    client.post("/account/register", data={
        "username": "wang.heping", "display_name": "王和平", "community": "和平社区",
        "password": "a long enough password", "confirm": "a long enough password",
        "consent": "y", "mobile": "13800138000"})
    client.post("/account/logout")
    client.post("/account/register", data={
        "username": "li.nowhere", "display_name": "李", "community": "",
        "password": "a long enough password", "confirm": "a long enough password",
        "consent": "y", "mobile": "13800138000"})
    db.expire_all()
    assert find_user(db, "wang.heping").community == "和平社区"
    assert find_user(db, "li.nowhere").community is None
    assert isinstance(find_user(db, "li.nowhere"), User)


def test_a_tie_at_the_last_seat_can_go_to_a_runoff_whose_winner_is_seated(
        db, official, community):
    old, neighbours = community
    a, b, c, d = neighbours
    term = councils.create_election(db, official, old.council, title="选举",
                                    candidates=neighbours, **TERM)
    councils.open_election(db, official, term, date(2026, 12, 1))
    ballot = councils.election_ballot(db, term)
    option = {o.ref_id: o.id for o in ballot.options}
    for voter, ticks in zip(neighbours, ([a, b, c], [a, b, d], [a, c, d], [b, c, d]),
                            strict=True):
        casting.cast_ballot(db, ballot.id, voter, {option[p.id]: "yes" for p in ticks})
    councils.close_election(db, official, term)
    runoff = closing.start_runoff(db, official, ballot)
    casting.open_ballot(db, official, runoff)  # the same residents vote again
    second = {o.ref_id: o.id for o in runoff.options}
    for voter, ticks in zip(neighbours, ([a, b, c], [a, b, d], [a, b, c], [b, c, d]),
                            strict=True):
        casting.cast_ballot(db, runoff.id, voter, {second[p.id]: "yes" for p in ticks})
    closing.close_ballot(db, official, runoff)
    refused("election_tied", councils.seat_elected, db, official, term)  # not published yet
    closing.publish_ballot(db, official, runoff)
    seats = councils.seat_elected(db, official, term)
    assert {s.user_id for s in seats} == {a.id, b.id, c.id}  # 3, 4, 3 and 2 votes
