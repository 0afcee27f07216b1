"""Sample values for the access test: a community, a verification in it, a household code."""

from datetime import timedelta

from tests.functional.builders import community_place, live_in
from votes.base import utcnow
from votes.people import Role
from votes.places import PlaceKeeper
from votes.residence import HouseholdCode, live_residency


def add_samples(db, base) -> dict:
    admin, make_user = base["admin"], base["make_user"]
    home = community_place(db)
    person = live_in(db, make_user(Role.RESIDENT, name="登记居民"))
    db.add(PlaceKeeper(user_id=admin.id, place_id=home.id))
    code = HouseholdCode(place_id=home.id, address="1号楼101", code_hash="0" * 64,
                         issued_by_id=admin.id, expires_at=utcnow() + timedelta(days=90))
    db.add(code)
    db.flush()
    return {"place_id": home.id, "residency_id": live_residency(db, person.id).id,
            "code_id": code.id}
