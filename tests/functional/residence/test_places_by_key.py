"""Every table points at its place by key; the names beside the key follow the record."""

from __future__ import annotations

from sqlalchemy import select

from proposals.requests import services as requests
from tests.functional.builders import community_place, refused, seat_council
from tests.functional.requests.samples import MOMENT
from votes.people import Role, User
from votes.places import Place, rename_place, set_home


def _request(db, person, community):
    return requests.raise_request(db, person, requests.Draft(
        title="路灯不亮", description="晚上很黑。", category="public_safety",
        community=community), channel="online", now=MOMENT)


def test_renaming_a_community_renames_the_proposals_requests_council_and_accounts_there(
        client, db, login, admin, resident, make_user, propose):
    home = community_place(db, "和平社区")
    elsewhere = community_place(db, "幸福社区")
    here, there = propose(resident), propose(resident, title="别处的建议", community="幸福社区")
    asked, other = _request(db, resident, "和平社区"), _request(db, resident, "幸福社区")
    seated = seat_council(db, make_user, admin)
    stranger = make_user(Role.RESIDENT)
    set_home(db, stranger, "幸福社区")
    db.commit()
    login(admin)
    client.post(f"/admin/places/{home.id}/rename", data={"name": "和平新村社区"})
    db.expire_all()
    assert db.get(Place, home.id).name == "和平新村社区"
    for row in (here, asked, seated.council):
        assert (row.place_id, row.community) == (home.id, "和平新村社区")
    assert db.get(User, resident.id).community == "和平新村社区"
    # Rows elsewhere keep their own community's name.
    for row in (there, other):
        assert (row.place_id, row.community) == (elsewhere.id, "幸福社区")
    assert db.get(User, stranger.id).community == "幸福社区"
    # The proposals' list finds it by its new name.
    client.get("/lang/en")
    assert "老旧小区加装电梯" in client.get("/proposals?community=和平新村社区").text


def test_renaming_a_street_or_the_district_renames_the_proposals_labels(
        db, admin, resident, propose):
    lake = community_place(db, "湖光社区", "黄河街道")
    proposal = propose(resident, community="湖光社区")
    rename_place(db, admin, lake.parent, "黄河新街道")
    rename_place(db, admin, lake.parent.parent, "测试新区")
    db.refresh(proposal)
    assert (proposal.district, proposal.street, proposal.community) == (
        "测试新区", "黄河新街道", "湖光社区")
    # A proposal in another street keeps its street.
    other = propose(resident, title="长江街道的建议", community="和平社区")
    assert other.street == "长江街道" and other.district == "测试新区"


def test_an_account_says_where_it_lives_by_key(client, db):
    home = community_place(db, "和平社区")
    db.commit()
    client.get("/lang/en")
    page = client.get("/account/register").text
    assert ('<optgroup label="长江街道"><option value="和平社区">和平社区</option>'
            '</optgroup>') in page
    client.post("/account/register", data={
        "username": "liming", "display_name": "李明", "email": "", "mobile": "13800138000",
        "password": "long enough pw", "confirm": "long enough pw", "consent": "y",
        "community": "和平社区"})
    person = db.scalar(select(User).where(User.username == "liming"))
    assert (person.place_id, person.community) == (home.id, "和平社区")
    refused("unknown_community", set_home, db, person, "月亮社区")
    set_home(db, person, None)
    assert (person.place_id, person.community) == (None, None)
