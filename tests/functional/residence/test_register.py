"""The register of residents over HTTP: the sybil attempts refused, the counter, household
codes, moving, and the admin's places."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from proposals.council import services as councils
from proposals.council.models import Topic
from proposals.evaluation.models import Rating
from tests.functional.builders import community_place, live_in, seat_council
from votes.base import DomainError, utcnow
from votes.people import Role, find_user
from votes.places import Place, PlaceKeeper, community_named
from votes.residence import (
    HouseholdCode,
    RegisterEntry,
    Residency,
    issue_household_codes,
    live_residency,
)

TERM = {"term_start": date(2027, 1, 1), "term_end": date(2029, 12, 31)}
REGISTER = {"password": "a long enough password", "confirm": "a long enough password",
            "consent": "y", "mobile": "13800138000"}


@pytest.fixture
def keeper(db, make_user):
    """An official named for 长江街道, so keeper of 和平社区's register."""
    official = make_user(Role.OFFICIAL, name="社区工作人员")
    home = community_place(db, "和平社区")
    db.add(PlaceKeeper(user_id=official.id, place_id=home.parent_id))
    db.commit()
    return official


def test_fresh_accounts_that_type_a_community_get_no_vote_no_rating_and_no_topic(
        app, client, db, login, make_user, admin, official, completed, residents):
    seated = seat_council(db, make_user, admin, community="幸福社区", name="幸福社区居民议事会")
    neighbours = [live_in(db, make_user(Role.RESIDENT), "幸福社区") for _ in range(3)]
    db.commit()
    for n in range(3):  # three new accounts, each claiming 幸福社区
        fresh = app.test_client()
        fresh.post("/account/register", data={"username": f"sybil{n}", "display_name": "新人",
                                              "community": "幸福社区", **REGISTER})
    sybils = [find_user(db, f"sybil{n}") for n in range(3)]
    assert all(s is not None and s.community == "幸福社区" for s in sybils)

    term = councils.create_election(db, official, seated.council, title="选举",
                                    candidates=neighbours, **TERM)
    ballot = councils.open_election(db, official, term, date(2027, 1, 5))
    db.commit()
    assert ballot.entitled == len(neighbours) + len(seated.members)  # 6, not 9

    login(sybils[0], REGISTER["password"])
    client.get("/lang/en")
    before = db.scalar(select(func.count(Rating.id)))
    page = client.post(f"/resident/evaluation/{completed.id}", data={"level": "dissatisfied"},
                       follow_redirects=True).text
    assert "verified residents can rate it" in page
    assert db.scalar(select(func.count(Rating.id))) == before

    form = client.get(f"/resident/councils/{seated.council.id}/topics/new").text
    assert "Only verified residents of 幸福社区 raise topics in its council" in form
    assert "How to get verified as a resident" in form
    client.post(f"/resident/councils/{seated.council.id}/topics/new", data={
        "title": "路灯", "description": "不亮", "category": "other", "cycle_id": "0"})
    assert db.scalar(select(func.count(Topic.id))) == 0


def test_an_official_verifies_at_the_counter_and_only_for_the_registers_they_keep(
        client, db, login, make_user, keeper, official):
    person = make_user(Role.RESIDENT, name="李阿姨", username="li.ayi")
    home = community_named(db, "和平社区")
    login(official)  # an official, but keeper of no register
    client.get("/lang/en")
    sent_back = client.get(f"/official/register/{home.id}", follow_redirects=True)
    assert sent_back.request.path == "/official/register"
    assert "You do not keep the register of 和平社区" in sent_back.text
    assert "You keep no community’s register" in sent_back.text
    assert "li.ayi" not in sent_back.text
    refused = client.post(f"/official/register/{home.id}/verify", data={
        "person": "li.ayi", "evidence": "居民身份证"})
    assert refused.headers["Location"] == "/official/register"
    assert live_residency(db, person.id) is None
    client.post("/account/logout")

    login(keeper)
    client.get("/lang/en")
    assert "和平社区" in client.get("/official/register").text
    typed = {"person": "li.ayi", "evidence": "身份证 110105195001011234", "address": "3号楼501"}
    page = client.post(f"/official/register/{home.id}/verify", data=typed).text
    assert "never its number" in page and 'value="3号楼501"' in page  # kept as typed
    assert live_residency(db, person.id) is None

    page = client.post(f"/official/register/{home.id}/verify", data={
        **typed, "evidence": "居民身份证、户口簿"}, follow_redirects=True).text
    assert "李阿姨 is verified as a resident of 和平社区." in page
    found = live_residency(db, person.id)
    assert (found.place_id, found.method, found.evidence, found.verified_by_id) == (
        home.id, "counter", "居民身份证、户口簿", keeper.id)
    assert "110105195001011234" not in page
    log = db.scalars(select(RegisterEntry.action).where(RegisterEntry.user_id == person.id))
    assert list(log) == ["verified"]

    # Verified elsewhere: the desk asks to end that first, and then does.
    other = community_place(db, "幸福社区")
    db.commit()
    page = client.post(f"/official/register/{other.id}/verify", data={
        "person": "li.ayi", "evidence": "居民身份证"}).text
    assert "Confirm that they moved" in page
    client.post(f"/official/register/{other.id}/verify", data={
        "person": "li.ayi", "evidence": "居民身份证", "end_other": "y"})
    db.expire_all()
    assert live_residency(db, person.id).place_id == other.id
    ended = db.scalar(select(Residency).where(Residency.user_id == person.id,
                                              Residency.ended_at.is_not(None)))
    assert ended.place_id == home.id and ended.ended_by_id == keeper.id


def test_one_live_verification_per_person_is_kept_by_the_database(db, make_user):
    person = live_in(db, make_user(Role.RESIDENT))
    second = Residency(user_id=person.id, place_id=community_place(db, "幸福社区").id,
                       method="counter", evidence="身份证")
    with pytest.raises(Exception), db.begin_nested():  # noqa: B017 (IntegrityError, any driver)
        db.add(second)
        db.flush()
    entry = RegisterEntry(place_id=community_place(db).id, action="verified")
    db.add(entry)
    db.flush()
    entry.detail = "rewritten"
    with pytest.raises(DomainError):
        db.flush()
    db.rollback()


def test_a_household_code_verifies_its_reader_once(app, client, db, login, make_user, keeper):
    home = community_named(db, "和平社区")
    login(keeper)
    client.get("/lang/en")
    sheet = client.post(f"/official/register/{home.id}/codes",
                        data={"addresses": "3号楼2单元501\n\n5号楼1单元101\n"})
    assert sheet.headers["Cache-Control"] == "no-store"
    codes = re.findall(r'<span class="code" translate="no">([A-Z0-9-]+)</span>', sheet.text)
    assert len(codes) == 2 and sheet.text.count("<svg") == 2
    assert "3号楼2单元501" in sheet.text
    stored = db.scalars(select(HouseholdCode.code_hash)).all()
    assert len(stored) == 2 and not any(c.replace("-", "") in stored for c in codes)
    client.post("/account/logout")

    reader = make_user(Role.RESIDENT, name="张先生")
    login(reader)
    wrong = client.post("/resident/residence", data={"code": "ABCD-EFGH-JKMN"}).text
    assert "This code is not right." in wrong and live_residency(db, reader.id) is None
    done = client.post("/resident/residence", data={"code": codes[0].lower()},
                       follow_redirects=True).text
    assert "You are verified as a resident of 和平社区." in done
    found = live_residency(db, reader.id)
    assert (found.method, found.address, found.verified_by_id) == (
        "household_code", "3号楼2单元501", None)
    client.post("/account/logout")

    another = make_user(Role.RESIDENT)
    login(another)
    again = client.post("/resident/residence", data={"code": codes[0]}).text
    assert "This code has been used already." in again
    db.execute(HouseholdCode.__table__.update().values(expires_at=utcnow() - timedelta(days=1)))
    db.commit()
    late = client.post("/resident/residence", data={"code": codes[1]}).text
    assert "This code has expired." in late and live_residency(db, another.id) is None


def test_moving_on_the_account_page_ends_the_verification(client, db, login, resident):
    community_place(db, "幸福社区")
    db.commit()
    login(resident)
    client.get("/lang/en")
    assert "You are verified as a resident of 和平社区" in client.get("/resident/residence").text
    page = client.post("/account/profile", data={"display_name": resident.display_name,
                                                 "community": "幸福社区"},
                       follow_redirects=True).text
    assert "your verification as a resident of your former community has ended" in page
    db.expire_all()
    assert live_residency(db, resident.id) is None
    page = client.get("/resident/residence").text
    assert "Not verified" in page and "moved to another community" in page
    refused = client.post("/account/profile", data={"display_name": "x", "community": "火星"})
    assert refused.status_code == 200 and 'value="x"' in refused.text  # kept as typed
    db.expire_all()
    assert resident.community == "幸福社区" and resident.display_name == "王秀英"


def test_only_officials_keep_registers_and_strangers_are_refused(client, db, login, resident):
    home = community_named(db, "和平社区")
    login(resident)
    assert client.get(f"/official/register/{home.id}").status_code == 403  # not an official
    assert client.get("/admin/places").status_code == 403
    with pytest.raises(DomainError) as caught:
        issue_household_codes(db, resident, home, ["1号楼"])
    assert caught.value.code == "not_register_keeper"


PLACES_CSV = ("级别,代码,名称,上级代码\n区,900201,江南区,\n街道,900201001,东湖街道,900201\n"
              "社区,900201001001,湖光社区,900201001\n社区,900201001002,湖景社区,900201001\n")


def test_places_import_is_checked_whole(client, db, login, admin):
    community_place(db, "和平社区")
    db.commit()
    login(admin)
    client.get("/lang/en")
    bad = PLACES_CSV.replace("社区,900201001002,湖景社区,900201001",
                             "社区,900201001002,湖景社区,999") + "乡,X!,坏,900201\n"
    page = client.post("/admin/places/import", data={
        "file": (io.BytesIO(bad.encode()), "places.csv")},
        content_type="multipart/form-data").text
    assert "Nothing was imported" in page
    assert "No place has the code 999." in page and "is not a place code" in page
    assert db.scalar(select(func.count(Place.id)).where(Place.code.like("9002%"))) == 0

    page = client.post("/admin/places/import", data={
        "file": (io.BytesIO(PLACES_CSV.encode()), "places.csv")},
        content_type="multipart/form-data", follow_redirects=True).text
    assert "4 places added." in page
    lake = community_named(db, "湖光社区")
    assert lake.parent.name == "东湖街道" and lake.parent.parent.name == "江南区"
    again = client.post("/admin/places", data={"level": "community", "code": "900201001003",
                                               "name": "湖光社区", "parent_code": "900201001"})
    assert "There is already a place called 湖光社区 there." in again.text
    elsewhere = client.post("/admin/places", data={
        "level": "community", "code": "900201001004", "name": "和平社区",
        "parent_code": "900201001"}).text
    assert "There is already a community called 和平社区" in elsewhere
    assert 'value="900201001003"' in again.text


def test_renaming_a_community_carries_its_accounts(client, db, login, admin, resident):
    home = community_named(db, "和平社区")
    login(admin)
    client.post(f"/admin/places/{home.id}/rename", data={"name": "和平新村社区"})
    db.expire_all()
    assert db.get(Place, home.id).name == "和平新村社区"
    assert resident.community == "和平新村社区"
