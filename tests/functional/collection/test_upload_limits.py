"""Upload limits: a full set of photos fits, an oversized request is a clear 413, never a 500."""

import io
import random

import pytest
from PIL import Image
from sqlalchemy import func, select

from proposals.collection.models import PhotoBlob, Proposal, ProposalPhoto
from proposals.collection.photos import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_PROPOSAL
from proposals.implementation.models import ProgressReport

PHOTO_BYTES = 4_500_000  # a phone photo of 4.5 MB: under the per-photo limit
TEXT = {"title": "社区增设老年食堂", "description": "附近没有助餐点，独居老人吃饭难。",
        "category": "elderly_care", "community": "和平社区"}


@pytest.fixture(scope="module")
def phone_photo() -> bytes:
    """A real JPEG of noise (which does not compress), padded after its end to 4.5 MB."""
    noise = random.Random(16).randbytes(1100 * 1100 * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (1100, 1100), noise).save(out, "JPEG", quality=95)
    data = out.getvalue()
    assert len(data) < PHOTO_BYTES
    return data + b"\0" * (PHOTO_BYTES - len(data))


def oversized(app) -> io.BytesIO:
    return io.BytesIO(b"\xff\xd8\xff" + b"\0" * app.config["MAX_CONTENT_LENGTH"])


def nothing_saved(db, tmp_path) -> bool:
    uploads = tmp_path / "uploads"
    return (db.scalar(select(func.count(Proposal.id))) == 0
            and (not uploads.exists() or list(uploads.iterdir()) == []))


def test_the_request_limit_fits_a_full_set_of_photos_and_the_text(app):
    assert app.config["MAX_CONTENT_LENGTH"] > MAX_PHOTOS_PER_PROPOSAL * MAX_PHOTO_BYTES


def test_the_form_states_the_limits_and_takes_four_photos_of_four_and_a_half_mb(
    client, db, login, resident, cycle, phone_photo, tmp_path
):
    assert MAX_PHOTOS_PER_PROPOSAL == 4 and PHOTO_BYTES <= MAX_PHOTO_BYTES
    login(resident)
    url = f"/resident/cycles/{cycle.id}/propose"
    form = client.get(url).text
    assert "最多 4 张照片，JPEG、PNG 或 WebP 格式，每张不超过 5 MB，合计不超过 20 MB。" in form
    assert "js/uploads.js" in form
    photos = [(io.BytesIO(phone_photo), f"楼道{n}.jpg") for n in range(4)]
    response = client.post(url, data={**TEXT, "photos": photos},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    created = db.scalar(select(Proposal).where(Proposal.title == TEXT["title"]))
    assert len(created.photos) == 4
    assert {p.content_type for p in created.photos} == {"image/jpeg"}
    kept = db.scalars(select(PhotoBlob).where(PhotoBlob.key.in_([p.key for p in created.photos])))
    assert len(list(kept)) == 4


def test_the_report_form_states_the_same_limits(client, login, unit_official, project, clock):
    login(unit_official)
    client.get("/lang/en")
    form = client.get(f"/official/projects/{project.id}/report").text
    assert "at most 5 MB each and 20 MB together" in form


@pytest.mark.parametrize("csrf", [False, True], ids=["form-reads-body", "csrf-reads-body"])
def test_a_signed_in_resident_over_the_limit_gets_a_413_in_chinese_and_nothing_is_saved(
    app, client, db, login, resident, cycle, tmp_path, csrf
):
    login(resident)
    # With CSRF on, as in production, the body is first read by the CSRF check.
    app.config["WTF_CSRF_ENABLED"] = csrf
    response = client.post(f"/resident/cycles/{cycle.id}/propose",
                           data={**TEXT, "photos": [(oversized(app), "大.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    page = response.text
    assert "上传文件过大" in page
    assert "没有保存任何内容" in page
    assert "每份表单最多可附 4 张照片，每张不超过 5 MB，合计不超过 20 MB。" in page
    assert "“返回”按钮" in page and "您填写的内容仍在表单中" in page
    assert "返回表单" in page and "js/uploads.js" in page
    assert "退出登录" in page  # the signed-in page, its logout form and all
    assert nothing_saved(db, tmp_path)


def test_the_413_page_speaks_english_to_an_english_reader(app, client, db, login, resident,
                                                         cycle, tmp_path):
    login(resident)
    client.get("/lang/en")
    response = client.post(f"/resident/cycles/{cycle.id}/propose",
                           data={**TEXT, "photos": [(oversized(app), "big.jpg")]},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    page = response.text
    assert "The upload is too large" in page and "nothing was saved" in page
    assert "up to 4 photos, at most 5 MB each and 20 MB together" in page
    assert "Back button: what you typed is still in the form" in page
    assert nothing_saved(db, tmp_path)


@pytest.mark.parametrize("csrf", [False, True], ids=["form-reads-body", "csrf-reads-body"])
def test_an_anonymous_request_over_the_limit_is_a_413_too(app, client, db, tmp_path, csrf):
    app.config["WTF_CSRF_ENABLED"] = csrf
    response = client.post("/account/login", content_type="multipart/form-data",
                           data={"username": "x", "password": "y",
                                 "photo": [(oversized(app), "big.jpg")]})
    assert response.status_code == 413
    assert "没有保存任何内容" in response.text


def test_a_json_body_over_the_limit_is_a_413_not_a_500(app, client, login, resident):
    login(resident)
    response = client.post("/account/login", data=b"[" + b"0," * 12_000_000 + b"0]",
                           content_type="application/json")
    assert response.status_code == 413


def test_a_progress_report_over_the_limit_is_a_413_and_saves_nothing(
    app, client, db, login, unit_official, project, clock
):
    login(unit_official)
    response = client.post(f"/official/projects/{project.id}/report",
                           content_type="multipart/form-data",
                           data={"reported_on": "2027-08-01", "body": "现场照片。",
                                 "milestone_id": "0",
                                 "photos": [(oversized(app), "site.jpg")]})
    assert response.status_code == 413
    assert "每份表单最多可附 4 张照片" in response.text
    assert db.scalar(select(func.count(ProgressReport.id))) == 0
    assert db.scalar(select(func.count(ProposalPhoto.id))) == 0
