"""The demo's places and register: 滨江区, its four streets and twelve communities, the
street officials who keep their registers, and the residents verified at the counter."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.demo.data import DISTRICT, HOME, PLACES
from votes import places
from votes.people import find_user
from votes.places import PlaceRow
from votes.residence import live_residency, verify_at_counter

# Demo codes start with 9, which no province's statistical code does.
DISTRICT_CODE = "900101"
KEEPERS = {"长江街道": "official4", "黄河街道": "official5"}
# Everyone the council and its cycles count on lives in 和平社区 and is verified there;
# resident31…resident40 are not, so the tour can show what verifying changes.
VERIFIED = [f"council{i}" for i in range(1, 10)] + [f"resident{i:02}" for i in range(1, 31)]


def seed_places(session: Session) -> int:
    """Add the places and verifications that are missing; returns how many people were
    verified now."""
    admin = find_user(session, "admin")
    if admin is None:
        return 0
    rows = [] if places.by_code(session, DISTRICT_CODE) else [
        PlaceRow("district", DISTRICT_CODE, DISTRICT)]
    streets: dict[str, str] = {}
    for street, community in PLACES:
        code = streets.setdefault(street, f"{DISTRICT_CODE}{len(streets) + 1:03}")
        if places.by_code(session, code) is None and all(r.code != code for r in rows):
            rows.append(PlaceRow("street", code, street, DISTRICT_CODE))
        n = sum(1 for s, _ in PLACES[:PLACES.index((street, community)) + 1] if s == street)
        community_code = f"{code}{n:03}"
        if places.by_code(session, community_code) is None:
            rows.append(PlaceRow("community", community_code, community, code))
    if rows:
        places.add_places(session, admin, rows)
    for street, username in KEEPERS.items():
        official = find_user(session, username)
        if official is not None:
            places.name_keeper(session, admin, official, places.by_code(session,
                                                                        streets[street]))
    home = places.community_named(session, HOME[1])
    keeper = find_user(session, KEEPERS[HOME[0]])
    verified = 0
    for number, username in enumerate(VERIFIED, start=1):
        person = find_user(session, username)
        if person is None or live_residency(session, person.id) is not None:
            continue
        verify_at_counter(session, keeper, person, home, evidence="居民身份证、户口簿",
                          address=f"{number % 12 + 1}号楼{number % 3 + 1}单元{number % 6 + 1}01")
        verified += 1
    session.flush()
    return verified
