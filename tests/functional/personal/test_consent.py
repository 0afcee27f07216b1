"""Registering asks for consent to the privacy notice, keeps its version and moment, and a
form refused for want of it keeps what was typed; the notice itself is public."""

from sqlalchemy import select

from proposals.personal.consent import NOTICE_VERSION
from votes.people import User

STRONG = "a long and unusual passphrase 42"


def form(**changes) -> dict:
    data = {"username": "newcomer", "display_name": "新来的居民", "email": "new@example.com",
            "mobile": "13800138000",
            "community": "", "password": STRONG, "confirm": STRONG, "consent": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_register_page_asks_for_consent_and_links_the_notice(client):
    page = client.get("/account/register")
    assert page.status_code == 200
    assert 'name="consent"' in page.text and 'type="checkbox"' in page.text
    assert 'href="/privacy"' in page.text


def test_without_consent_no_account_is_made_and_what_was_typed_stays(client, db):
    client.get("/lang/en")
    answer = client.post("/account/register", data=form(consent=None))
    assert answer.status_code == 200
    assert "read the privacy notice and tick that you agree" in answer.text
    assert 'value="newcomer"' in answer.text
    assert 'value="新来的居民"' in answer.text
    assert 'value="new@example.com"' in answer.text
    assert db.scalar(select(User).where(User.username == "newcomer")) is None


def test_consent_is_kept_with_its_version_and_moment(client, db):
    answer = client.post("/account/register", data=form())
    assert answer.status_code == 302
    user = db.scalar(select(User).where(User.username == "newcomer"))
    assert user.consent_version == NOTICE_VERSION
    assert user.consented_at is not None
    assert client.get("/account/profile").status_code == 200  # signed in


def test_the_privacy_notice_is_public_in_both_languages(client):
    for code in ("zh_Hans", "en"):
        client.get(f"/lang/{code}")
        page = client.get("/privacy")
        assert page.status_code == 200
        assert NOTICE_VERSION in page.text
        for target in ("/account/data", "/account/delete", "/account/profile"):
            assert f'href="{target}"' in page.text
    assert "Privacy notice" in page.text and "argon2id" in page.text


def test_every_page_links_the_notice(client):
    assert 'href="/privacy"' in client.get("/").text
