"""Submitting proposals: online by residents, on behalf through the offline channels, photos."""

import pytest
from sqlalchemy import func, select

from proposals.collection.models import Follow, PhotoBlob, Proposal, ProposalPhoto
from proposals.collection.photos import MAX_PHOTO_BYTES
from proposals.collection.services import ProposalDraft, submit_proposal
from tests.functional.builders import community_place, png_bytes, refused


@pytest.fixture(autouse=True)
def home(db):
    """The community the forms choose, on the list of places (测试区 长江街道)."""
    place = community_place(db, "和平社区")
    db.commit()
    return place


def form(**overrides):
    data = {"title": "社区增设老年食堂", "description": "附近没有助餐点，独居老人吃饭难。",
            "category": "elderly_care", "community": "和平社区", "beneficiaries": "300"}
    data.update(overrides)
    return data


def test_a_resident_submits_a_proposal_and_sees_it_with_its_status(
    client, db, login, resident, cycle
):
    login(resident)
    response = client.post(f"/resident/cycles/{cycle.id}/propose", data=form())
    assert response.status_code == 302
    created = db.scalar(select(Proposal).where(Proposal.title == "社区增设老年食堂"))
    assert (created.channel, created.proposer_id, created.entered_by_id) == (
        "online", resident.id, resident.id)
    # The community by key; its street and district follow from the record.
    assert (created.place.name, created.street, created.district) == (
        "和平社区", "长江街道", "测试区")
    assert created.beneficiaries == 300 and created.status == "submitted"
    assert db.get(Follow, (created.id, resident.id)) is not None  # told of its news
    page = client.get(response.headers["Location"]).text
    assert "社区增设老年食堂" in page and "网上征集" in page and "王秀英" in page
    mine = client.get("/resident/").text
    assert "社区增设老年食堂" in mine and "已提交" in mine


def test_a_rejected_form_keeps_what_was_typed_and_says_why(client, db, login, resident, cycle):
    login(resident)
    client.get("/lang/en")
    long_title = "长" * 81
    response = client.post(f"/resident/cycles/{cycle.id}/propose",
                           data=form(title=long_title, description="", beneficiaries="-5"))
    assert response.status_code == 200
    page = response.text
    assert f'value="{long_title}"' in page  # typed text kept
    assert 'value="和平社区"' in page
    assert page.count('aria-invalid="true"') == 3  # title, description, beneficiaries
    assert "At most 80 characters; you typed 81." in page
    assert db.scalar(select(func.count(Proposal.id))) == 0


def test_the_form_offers_the_communities_of_the_list_under_their_streets(
        client, db, login, resident, cycle):
    community_place(db, "湖光社区", "黄河街道")
    community_place(db, "幸福社区")
    db.commit()
    login(resident)
    client.get("/lang/en")
    page = client.get(f"/resident/cycles/{cycle.id}/propose").text
    assert ('<optgroup label="长江街道"><option selected value="和平社区">和平社区</option>'
            '<option value="幸福社区">幸福社区</option></optgroup>') in page  # theirs chosen
    assert '<optgroup label="黄河街道"><option value="湖光社区">湖光社区</option></optgroup>' \
        in page
    assert 'name="street"' not in page and 'name="district"' not in page
    typed = client.post(f"/resident/cycles/{cycle.id}/propose", data=form(community="月亮社区"))
    assert typed.status_code == 200 and "Choose one of the options listed" in typed.text
    assert db.scalar(select(func.count(Proposal.id))) == 0


def test_a_community_not_on_the_list_is_refused_by_the_service(db, resident, official, cycle):
    refused("unknown_community", submit_proposal, db, resident, cycle, ProposalDraft(
        title="路灯", description="不亮", category="public_safety", community="月亮社区"))
    street = community_place(db).parent
    refused("place_not_a_community", submit_proposal, db, official, cycle, ProposalDraft(
        title="路灯", description="不亮", category="public_safety", community=street,
        channel="visit", proposer_name="刘阿姨"))
    assert db.scalar(select(func.count(Proposal.id))) == 0


def test_blank_spaces_are_not_a_title(client, db, login, resident, cycle):
    login(resident)
    response = client.post(f"/resident/cycles/{cycle.id}/propose", data=form(title="   "))
    assert response.status_code == 200
    assert db.scalar(select(func.count(Proposal.id))) == 0


def test_markup_in_a_proposal_is_shown_as_text(client, db, login, resident, cycle):
    login(resident)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(f"/resident/cycles/{cycle.id}/propose",
                data=form(title=payload[:80], description=payload))
    created = db.scalar(select(Proposal))
    assert created.title == payload[:80]  # stored as typed
    for page in (client.get(f"/proposals/{created.id}").text, client.get("/proposals").text):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert" in page


def test_a_photo_is_stored_outside_static_and_served_safely(client, db, login, resident, cycle,
                                                           app, tmp_path):
    login(resident)
    response = client.post(
        f"/resident/cycles/{cycle.id}/propose",
        data={**form(), "photos": [(__import__("io").BytesIO(png_bytes()), "楼道.png")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    photo = db.scalar(select(ProposalPhoto))
    assert photo.content_type == "image/png" and photo.original_name == "楼道.png"
    # Kept in the database, in the proposal's transaction: no file anywhere.
    assert db.get(PhotoBlob, photo.key).data == png_bytes()
    assert not (tmp_path / "uploads" / photo.key).exists()
    served = client.get(f"/photos/{photo.key}")
    assert served.status_code == 200 and served.data == png_bytes()
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert client.get("/photos/../../secret_key").status_code == 404
    assert client.get("/photos/notakey.png").status_code == 404


def test_a_disguised_or_oversized_photo_is_refused_and_nothing_is_kept(
    client, db, login, resident, cycle, tmp_path
):
    import io

    login(resident)
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    refused = client.post(f"/resident/cycles/{cycle.id}/propose",
                          data={**form(), "photos": [(fake, "cat.jpg")]},
                          content_type="multipart/form-data")
    assert refused.status_code == 200
    assert "cat.jpg 不是 JPEG、PNG 或 WebP 格式的照片" in refused.text
    assert 'value="社区增设老年食堂"' in refused.text
    big = io.BytesIO(png_bytes() + b"\0" * MAX_PHOTO_BYTES)
    too_big = client.post(f"/resident/cycles/{cycle.id}/propose",
                          data={**form(), "photos": [(big, "big.png")]},
                          content_type="multipart/form-data")
    assert "big.png 超过 5 MB" in too_big.text
    assert db.scalar(select(func.count(Proposal.id))) == 0
    uploads = tmp_path / "uploads"
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_nothing_can_be_proposed_outside_collection(client, db, login, resident, cycle, admin):
    from proposals.cycles.services import advance_cycle

    advance_cycle(db, cycle, admin, "shortlist", check_work=False)  # no proposal yet
    db.commit()
    login(resident)
    response = client.post(f"/resident/cycles/{cycle.id}/propose", data=form(),
                           follow_redirects=True)
    assert "当前不在项目征集阶段" in response.text
    assert db.scalar(select(func.count(Proposal.id))) == 0


def test_an_official_enters_a_hotline_call_for_a_named_resident(client, db, login, official,
                                                                resident, cycle):
    login(official)
    response = client.post(f"/official/cycles/{cycle.id}/enter", data=form(
        channel="hotline", proposer_name="刘阿姨", proposer_username=resident.username,
        received_on="2026-11-15"))
    assert response.status_code == 302
    created = db.scalar(select(Proposal))
    assert (created.channel, created.entered_by_id, created.proposer_name,
            created.proposer_id) == ("hotline", official.id, "刘阿姨", resident.id)
    page = client.get(f"/proposals/{created.id}").text
    assert "12345 热线" in page and "张建国" in page and "刘阿姨" in page
    client.post("/account/logout")
    login(resident)
    assert "由 张建国 代为录入（12345 热线）" in client.get("/resident/").text


def test_a_delegate_enters_from_the_liaison_station_but_not_the_hotline(
    client, db, login, delegate, cycle
):
    login(delegate)
    page = client.post(f"/official/cycles/{cycle.id}/enter",
                       data=form(channel="hotline", proposer_name="赵大爷"))
    assert page.status_code == 200
    assert "您的角色不能通过此渠道录入建议" in page.text
    accepted = client.post(f"/official/cycles/{cycle.id}/enter",
                           data=form(channel="liaison_station", proposer_name="赵大爷"))
    assert accepted.status_code == 302
    assert db.scalar(select(Proposal.channel)) == "liaison_station"


def test_residents_cannot_enter_on_behalf(client, login, resident, cycle):
    login(resident)
    response = client.post(f"/official/cycles/{cycle.id}/enter",
                           data=form(channel="visit", proposer_name="某人"))
    assert response.status_code == 403


def test_a_photo_uploaded_through_one_app_server_is_served_by_another(
        client, db, login, resident, cycle, app, tmp_path):
    from app import create_app
    from tests.conftest import environ_for

    login(resident)
    client.post(f"/resident/cycles/{cycle.id}/propose",
                data={**form(), "photos": [(__import__("io").BytesIO(png_bytes()), "a.png")]},
                content_type="multipart/form-data")
    photo = db.scalar(select(ProposalPhoto))
    # A second server: its own instance folder, the same database.
    other = create_app(environ=environ_for(tmp_path / "second-server"))
    other.extensions["yishi.sessionmaker"] = app.extensions["yishi.sessionmaker"]
    other.extensions["yishi.writer_sessionmaker"] = app.extensions["yishi.writer_sessionmaker"]
    served = other.test_client().get(f"/photos/{photo.key}")
    assert served.status_code == 200 and served.data == png_bytes()


def test_photos_kept_as_files_stay_served_and_the_file_store_still_works(
        client, db, login, resident, cycle, app, tmp_path):
    app.config["PHOTO_STORE"] = "files"
    login(resident)
    client.post(f"/resident/cycles/{cycle.id}/propose",
                data={**form(), "photos": [(__import__("io").BytesIO(png_bytes()), "b.png")]},
                content_type="multipart/form-data")
    photo = db.scalar(select(ProposalPhoto))
    assert (tmp_path / "uploads" / photo.key).read_bytes() == png_bytes()
    assert db.get(PhotoBlob, photo.key) is None
    # Switched to the database later: the photo kept as a file is still found.
    app.config["PHOTO_STORE"] = "database"
    served = client.get(f"/photos/{photo.key}")
    assert served.status_code == 200 and served.data == png_bytes()
