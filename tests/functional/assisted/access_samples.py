"""Sample values for the access test: one entry staff made for a resident."""

from proposals.assisted.models import AssistedEntry
from votes.people import Role


def add_samples(db, base) -> dict:
    resident = base["make_user"](Role.RESIDENT, name="代录居民")
    entry = AssistedEntry(kind="cosign", resident_id=resident.id,
                          entered_by_id=base["admin"].id, proposal_id=base["proposal_id"])
    db.add(entry)
    db.flush()
    return {"entry_id": entry.id}
