"""The account's page of notice choices, over HTTP."""

from __future__ import annotations

from proposals.notices.models import NoticePreference


def test_a_person_chooses_a_daily_digest_on_their_account(client, login, db, person):
    reader = person(locale="en")
    login(reader)
    page = client.get("/account/notices", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert reader.email in html and '<option selected value="each">' in html

    answer = client.post("/account/notices", data={"email": "digest", "sms": "off"},
                         follow_redirects=True)
    assert answer.status_code == 200
    assert '<option selected value="digest">' in answer.get_data(as_text=True)
    chosen = db.get(NoticePreference, reader.id, populate_existing=True)
    assert (chosen.email, chosen.sms) == ("digest", "off")
    assert "/account/notices" in client.get("/account/profile").get_data(as_text=True)


def test_emails_cannot_be_chosen_without_an_address_and_nothing_is_saved(
        client, login, db, person):
    reader = person(email=None)
    login(reader)
    answer = client.post("/account/notices", data={"email": "each", "sms": "off"})
    assert answer.status_code == 200
    assert "请先在账户中填写电子邮箱，再选择邮件通知。" in answer.get_data(as_text=True)
    assert db.get(NoticePreference, reader.id) is None


def test_a_choice_not_offered_is_refused(client, login, db, person):
    login(person())
    answer = client.post("/account/notices", data={"email": "hourly", "sms": "off"})
    assert answer.status_code == 200
    assert db.query(NoticePreference).count() == 0


def test_the_page_is_for_signed_in_people_only(client):
    assert client.get("/account/notices").status_code in (302, 401, 403)
