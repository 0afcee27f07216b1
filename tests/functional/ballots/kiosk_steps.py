"""Steps of a hall tablet's tests (test_kiosk*.py): enrol a tablet, hand out cards, vote."""

from __future__ import annotations

import re

from votes import tablets


def enrolled(client, db, official, ballot, label="第3排左"):
    """The test client becomes a tablet of `ballot`; returns the tablet's row."""
    tablet, code = tablets.enrol_tablet(db, official, ballot, label)
    db.commit()
    answer = client.post("/hall/enrol", data={"code": code})
    assert answer.status_code == 303, answer.text
    db.refresh(tablet)
    return tablet


def cards_of(db, official, ballot) -> dict[int, tablets.Card]:
    """Cards for everyone who has not voted, by user id."""
    cards = tablets.issue_cards(db, official, ballot)
    db.commit()
    return {card.user.id: card for card in cards}


def marks_form(ballot, *marks):
    return {f"option-{o.id}": mark for o, mark in zip(ballot.options, marks, strict=False)}


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def identify(client, card, code=None):
    return client.post("/hall/identify", data={"number": str(card.number),
                                               "code": code or card.code})


def vote(client, ballot, card, *marks, started=False):
    """A whole turn: identify (unless `started`), review, cast; returns (review page, receipt
    page)."""
    if not started:
        assert identify(client, card).status_code == 303
    form = marks_form(ballot, *marks)
    review = client.post("/hall/review", data=form)
    assert review.status_code == 200, review.text
    cast = client.post("/hall/cast", data={**form, "receipt": hidden(review.text, "receipt"),
                                           "receipt_seal": hidden(review.text, "receipt_seal")})
    assert cast.status_code == 303 and cast.headers["Location"] == "/hall/receipt", cast.text
    return review, client.get("/hall/receipt")
