"""Builders shared by the functional tests: plain values and helpers, imported by name.

The fixtures built on them (a cycle, people in every role, an adopted candidate, a project,
a completed project, seated delegates, ...) live in tests/functional/conftest.py.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select

from proposals.council import services as councils
from proposals.cycles.stages import Stage
from proposals.evaluation import rating
from votes import places
from votes.ballots import BallotKeyShare
from votes.base import DomainError
from votes.casting import cast_ballot, create_ballot, open_ballot, sealing_required
from votes.people import Assembly, Role, add_member, find_user, register_user
from votes.places import Place
from votes.residence import Residency
from votes.rules import BallotRules

# --- cycles: the cycle fixture's stage dates --------------------------------------------------

DATES = {s: date(2027, 1 + 2 * i, 1) for i, s in enumerate(Stage)}

# --- implementation: the adopted candidate's unit and the project's dates ---------------------

UNIT = "区住建委"
# The cycle fixture's implementation stage runs from 2027-07-01 to 2027-09-01.
START, TARGET = date(2027, 7, 1), date(2027, 10, 31)

# --- evaluation -------------------------------------------------------------------------------

DONE = date(2027, 9, 15)  # every milestone reached; the cycle is under evaluation by then
DAY = date(2027, 9, 20)  # the day raters rate
# A day a round opened on DONE may close: it has been open the minimum (14 days) by then.
CLOSE_DAY = date(2027, 10, 1)


def rate_all(db, project, people, levels, comment=None) -> None:
    for person, level in zip(people, levels, strict=True):
        rating.rate(db, person, project, level, comment, today=DAY)
    db.commit()


# --- ballots ----------------------------------------------------------------------------------

VOTING_DAY = date(2027, 3, 1)


def seat_delegates(db, assembly, admin, make_user, count, *, joined_on=date(2024, 1, 1)):
    people = [make_user(name=f"代表{i:02d}") for i in range(count)]
    for person in people:
        add_member(db, assembly, person, admin, joined_on=joined_on)
    db.commit()
    return people


TELLER_PASSPHRASE = "监票人的口令 correct staple"


def sealing_tellers(db, count: int = 3):
    """(teller, passphrase) pairs: officials who hold the shares of a sealed ballot's key."""
    pairs = []
    for i in range(1, count + 1):
        teller = find_user(db, f"teller{i}") or register_user(
            db, username=f"teller{i}", display_name=f"监票人{i}", password_hash="!",
            roles=(Role.OFFICIAL,))
        pairs.append((teller, TELLER_PASSPHRASE))
    return pairs


def tellers_for(db, ballot):
    """What open_ballot needs for this ballot: tellers if it must be sealed, else none."""
    return sealing_tellers(db) if sealing_required(db, ballot) else ()


def unlock_all(db, ballot) -> dict[int, str]:
    """Every teller's passphrase of a sealed ballot (empty for one that is not sealed)."""
    return {teller_id: TELLER_PASSPHRASE for teller_id in db.scalars(
        select(BallotKeyShare.teller_id).where(BallotKeyShare.ballot_id == ballot.id))}


def new_ballot(db, official, assembly, *, rules=None, options=3, opened=True, costs=None):
    specs = [{"title": f"民生项目{i + 1}", "cost": (costs or [0] * options)[i],
              "unit": "区住建局", "ref_id": 100 + i} for i in range(options)]
    ballot = create_ballot(db, official, assembly, "cycle", 7, "2027年度民生实事项目票决",
                           rules or BallotRules(), specs)
    if opened:
        open_ballot(db, official, ballot, on=VOTING_DAY, tellers=tellers_for(db, ballot))
    db.commit()
    return ballot


def option_ids(ballot):
    return [o.id for o in ballot.options]


def cast_all(db, ballot, voters, choices_for):
    """Cast for each voter, committing each like a request; returns the trackers in order."""
    trackers = []
    for i, voter in enumerate(voters):
        trackers.append(cast_ballot(db, ballot.id, voter, choices_for(i)))
        db.commit()
    return trackers


def refused(expected, call, /, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == expected, caught.value.params
    return caught.value


# --- council ----------------------------------------------------------------------------------

COMMUNITY = "和平社区"


def community_place(db, name: str = COMMUNITY, street: str = "长江街道"):
    """The community as a record (votes/places.py), under 测试区 and `street`, made once."""
    found = places.community_named(db, name)
    if found is not None:
        return found
    district = places.by_code(db, "T") or Place(level="district", code="T", name="测试区")
    db.add(district)
    db.flush()
    above = db.scalar(select(Place).where(Place.parent_id == district.id,
                                          Place.name == street))
    if above is None:
        above = Place(level="street", code=f"T{district.id}-{street}", name=street,
                      parent=district)
        db.add(above)
        db.flush()
    found = Place(level="community", code=f"T-{name}", name=name, parent=above)
    db.add(found)
    db.flush()
    return found


def live_in(db, user, community: str = COMMUNITY):
    """The person is a verified resident of `community` (as if seen at its counter)."""
    place = community_place(db, community)
    db.add(Residency(user_id=user.id, place_id=place.id, method="counter",
                     evidence="居民身份证、户口簿"))
    user.community, user.place = community, place
    db.flush()
    return user


def seat_council(db, make_user, admin, *, seats: int = 3, start: date = date(2024, 1, 1),
                 end: date = date(2026, 12, 31), community: str = COMMUNITY,
                 name: str = "和平社区居民议事会") -> SimpleNamespace:
    """A council assembly with `seats` members (the first its convenor), registered."""
    assembly = Assembly(kind="council", name=name, area=f"测试区长江街道{community}",
                        term_start=start, term_end=end)
    db.add(assembly)
    db.flush()
    members = []
    for i in range(seats):
        member = make_user(Role.RESIDENT, name=f"议事会成员{i + 1}")
        live_in(db, member, community)
        add_member(db, assembly, member, admin, joined_on=start,
                   title="召集人" if i == 0 else None)
        members.append(member)
    council = councils.register_council(db, admin, assembly, community=community, size=seats)
    db.commit()
    return SimpleNamespace(council=council, assembly=assembly, members=members,
                           convenor=members[0], term=council.terms[0])


def png_bytes() -> bytes:
    """A real 1×1 PNG (stored photos are decoded, so a bare signature will not do)."""
    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


# --- query counts ----------------------------------------------------------------------------


@contextmanager
def statements_on(connection) -> Iterator[list[str]]:
    """The SQL statements run on `connection` inside the block, in order."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)
