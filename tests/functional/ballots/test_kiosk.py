"""Hall tablets: a delegate's whole turn on a tablet, and what the tablet keeps afterwards."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.ballots.kiosk import COOKIE, RECEIPT, TURN
from app.caching import CACHED
from tests.functional.ballots.kiosk_steps import cards_of, enrolled, hidden, marks_form, vote
from tests.functional.builders import new_ballot, unlock_all
from votes import tablets
from votes.ballots import BallotRosterEntry, VoterRecord
from votes.closing import close_ballot


@pytest.fixture
def ballot(db, official, assembly, delegates):
    return new_ballot(db, official, assembly)


def test_an_enrolled_tablet_keeps_a_signed_cookie_and_shows_the_welcome_screen(
        english, client, db, official, ballot):
    assert "This device is not a hall tablet yet" in client.get("/hall").text
    tablet, code = tablets.enrol_tablet(db, official, ballot, "第3排左")
    db.commit()
    answer = client.post("/hall/enrol", data={"code": code})
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie and "Path=/hall" in cookie and "Max-Age=" in cookie
    db.refresh(tablet)
    assert tablet.claimed and tablet.enrol_code_hash is None
    assert code.replace("-", "") not in cookie  # the token, not the code, and only its hash kept
    welcome = client.get("/hall")
    assert welcome.status_code == 200 and welcome.headers["Cache-Control"] == "no-store"
    assert ballot.title in welcome.text and "第3排左" in welcome.text
    assert "Enter your delegate number and the code on your hall card." in welcome.text
    # The code worked once: a second device cannot claim the same tablet.
    other = client.application.test_client()
    assert other.post("/hall/enrol", data={"code": code}).status_code == 422


def test_a_delegate_votes_on_the_tablet_and_the_tablet_forgets_them(
        english, client, db, official, ballot, delegates):
    enrolled(client, db, official, ballot)
    card = cards_of(db, official, ballot)[delegates[1].id]
    started = client.post("/hall/identify", data={"number": str(card.number), "code": card.code})
    assert started.status_code == 303 and started.headers["Location"] == "/hall/ballot"
    page = client.get("/hall/ballot")
    assert page.headers["Cache-Control"] == "no-store"
    assert delegates[1].display_name in page.text and 'name="option-' in page.text
    review, receipt = vote(client, ballot, card, "yes", "no", started=True)
    code = re.search(r'id="receipt-code">([A-Z0-9-]+)<', review.text).group(1)
    assert receipt.headers["Cache-Control"] == "no-store"
    assert re.search(r'id="receipt">([A-Z0-9-]+)<', receipt.text).group(1) == code
    assert "data-return-after" in receipt.text and "kiosk.js" in receipt.text
    assert db.get(VoterRecord, (ballot.id, delegates[1].id)) is not None
    with client.session_transaction() as kept:
        assert TURN not in kept and kept[RECEIPT]["tracker"] == code
        assert delegates[1].id not in kept[RECEIPT].values()  # the receipt, no longer who

    done = client.post("/hall/done")
    assert done.status_code == 303 and done.headers["Location"] == "/hall"
    with client.session_transaction() as kept:
        assert TURN not in kept and RECEIPT not in kept
    # Back and reload: the receipt and the ballot pages lead to the welcome screen only.
    for path in ("/hall/receipt", "/hall/ballot"):
        again = client.get(path)
        assert again.status_code == 303 and again.headers["Location"] == "/hall"
    welcome = client.get("/hall").text
    assert code not in welcome and delegates[1].display_name not in welcome


def test_a_form_posted_again_after_the_turn_is_refused_in_plain_words(
        english, client, db, official, ballot, delegates):
    enrolled(client, db, official, ballot)
    cards = cards_of(db, official, ballot)
    review, _receipt = vote(client, ballot, cards[delegates[0].id], "yes")
    client.post("/hall/done")
    form = {**marks_form(ballot, "yes"), "receipt": hidden(review.text, "receipt"),
            "receipt_seal": hidden(review.text, "receipt_seal")}
    for path in ("/hall/cast", "/hall/review", "/hall/ballot"):
        replay = client.post(path, data=form)
        assert replay.status_code == 409 and replay.headers["Cache-Control"] == "no-store"
        assert "turn at the tablet has ended" in replay.text
        assert hidden(review.text, "receipt") not in replay.text
    cast = db.scalars(select(VoterRecord.user_id).where(VoterRecord.ballot_id == ballot.id)).all()
    assert cast == [delegates[0].id]


def test_leaving_without_voting_ends_the_turn_and_spends_the_card(
        english, client, db, official, ballot, delegates):
    tablet = enrolled(client, db, official, ballot)
    card = cards_of(db, official, ballot)[delegates[2].id]
    client.post("/hall/identify", data={"number": str(card.number), "code": card.code})
    db.refresh(tablet)
    assert tablet.turn_hash is not None
    left = client.post("/hall/done", follow_redirects=True)
    assert "You left without voting" in left.text
    db.refresh(tablet)
    assert tablet.turn_hash is None
    assert client.post("/hall/review", data=marks_form(ballot, "yes")).status_code == 409
    again = client.post("/hall/identify", data={"number": str(card.number), "code": card.code})
    assert again.status_code == 422 and "works only once" in again.text


def test_identifying_checks_the_delegate_in_with_nobody_at_the_desk(
        client, db, official, ballot, delegates):
    enrolled(client, db, official, ballot)
    card = cards_of(db, official, ballot)[delegates[3].id]
    client.post("/hall/identify", data={"number": str(card.number), "code": card.code})
    entry = db.scalar(select(BallotRosterEntry).where(
        BallotRosterEntry.ballot_id == ballot.id, BallotRosterEntry.user_id == delegates[3].id)
        .execution_options(populate_existing=True))
    assert entry.present and entry.checked_in_by_id is None


def test_no_kiosk_page_is_ever_kept_by_the_page_cache(app):
    kiosk = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.startswith("/hall")}
    assert kiosk >= {"public.hall", "public.hall_ballot", "public.hall_receipt"}
    assert not kiosk & CACHED


def test_a_device_someone_is_signed_in_on_is_not_a_tablet(
        english, client, db, login, official, ballot, delegates):
    enrolled(client, db, official, ballot)
    card = cards_of(db, official, ballot)[delegates[0].id]
    login(delegates[0])
    page = client.get("/hall")
    assert page.status_code == 409 and "Someone is signed in on this device" in page.text
    refused = client.post("/hall/identify", data={"number": str(card.number), "code": card.code})
    assert refused.status_code == 409
    assert db.get(VoterRecord, (ballot.id, delegates[0].id)) is None


def test_a_revoked_tablet_stops_at_once(english, client, db, official, ballot, delegates):
    tablet = enrolled(client, db, official, ballot)
    card = cards_of(db, official, ballot)[delegates[0].id]
    client.post("/hall/identify", data={"number": str(card.number), "code": card.code})
    tablets.revoke_tablet(db, official, tablet.id, ballot)
    db.commit()
    assert client.post("/hall/review", data=marks_form(ballot, "yes")).status_code == 409
    page = client.get("/hall").text
    assert "This device is not a hall tablet yet" in page and "revoked" in page


def test_between_ballots_the_tablet_is_enrolled_for_the_next(
        english, client, db, official, assembly, ballot, delegates):
    first = enrolled(client, db, official, ballot)
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    db.commit()
    page = client.get("/hall").text
    assert "Voting has ended." in page and 'name="number"' not in page
    assert "Enrol this tablet for another ballot" in page
    following = new_ballot(db, official, assembly)
    second = enrolled(client, db, official, following, label="第3排左")
    assert second.id != first.id
    assert following.title in client.get("/hall").text and 'name="number"' in client.get(
        "/hall").text
