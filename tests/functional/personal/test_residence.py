"""The register of residents in the personal-data rights: the download names where the
person is verified and on what; deleting the account ends that verification and keeps of
it only where and when."""

from tests.functional.personal.steps import delete_account, in_english
from tests.functional.personal.test_export import exported
from votes.residence import Residency, live_residency


def test_the_file_holds_the_verification(db, client, login, resident):
    db.get(Residency, live_residency(db, resident.id).id).address = "3号楼501"
    db.commit()
    login(resident)
    data, _text = exported(client)
    [entry] = data["residence"]
    assert entry["community"] == "和平社区" and entry["method"] == "counter"
    assert entry["address"] == "3号楼501" and entry["ended_at"] is None


def test_deleting_the_account_ends_its_verification_and_forgets_the_address(
        db, client, login, resident):
    db.get(Residency, live_residency(db, resident.id).id).address = "3号楼501"
    db.commit()
    login(resident)
    answer = delete_account(in_english(client))
    assert answer.status_code in (200, 302)
    db.expire_all()
    assert live_residency(db, resident.id) is None
    [row] = db.query(Residency).filter_by(user_id=resident.id).all()
    assert (row.address, row.evidence, row.end_reason) == (None, None, "account deleted")
    assert row.place.name == "和平社区" and row.verified_at is not None
