"""The receipt: shown on the review page before casting, the same code recorded and shown
again, printable; the lookup lists every choice, abstentions included; nothing in the
database links a person to a receipt."""

import json
import re
from pathlib import Path

from sqlalchemy import func, inspect, select

from tests.functional.builders import cast_all, new_ballot, unlock_all
from votes.ballots import SealedBallot
from votes.bulletin import published_bulletin
from votes.closing import close_ballot, publish_ballot
from votes.rules import BallotRules

ROOT = Path(__file__).resolve().parents[3]


def form_of(ballot, *marks):
    return {f"option-{o.id}": mark for o, mark in zip(ballot.options, marks, strict=False)}


def hidden(page, name):
    return re.search(rf'name="{name}" value="([^"]+)"', page).group(1)


def test_the_review_page_shows_the_receipt_code_that_casting_records(
        english, client, db, login, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    login(delegates[0])
    marks = form_of(ballot, "yes", "no")
    review = client.post(f"/delegate/ballots/{ballot.id}/review", data=marks)
    assert review.headers["Cache-Control"] == "no-store"
    code = re.search(r'<p class="code" id="receipt-code">([A-Z0-9-]+)</p>', review.text).group(1)
    assert "Write it down now" in review.text
    assert hidden(review.text, "receipt") == code
    cast = client.post(f"/delegate/ballots/{ballot.id}/cast", data={
        **marks, "receipt": code, "receipt_seal": hidden(review.text, "receipt_seal")})
    assert re.search(r'id="receipt">([A-Z0-9-]+)<', cast.text).group(1) == code
    assert "data-print" in cast.text and "print-button.js" in cast.text
    assert f"/ballots/{ballot.id}#receipt" in cast.text  # where to look it up, on paper too
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    publish_ballot(db, official, ballot)
    db.commit()
    doc = json.loads(published_bulletin(db, ballot.id))
    assert [b["tracker"] for b in doc["ballots"]] == [code]


def test_going_back_from_the_review_page_keeps_the_marks(
        english, client, db, login, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    login(delegates[0])
    marks = form_of(ballot, "no", "yes", "abstain")
    review = client.post(f"/delegate/ballots/{ballot.id}/review", data=marks).text
    assert f'formaction="/delegate/ballots/{ballot.id}"' in review
    back = client.post(f"/delegate/ballots/{ballot.id}", data=marks)
    assert back.status_code == 200 and back.headers["Cache-Control"] == "no-store"
    for option, mark in zip(ballot.options, ("no", "yes", "abstain"), strict=True):
        assert f'name="option-{option.id}" value="{mark}" checked' in back.text
    assert db.scalar(select(func.count()).select_from(SealedBallot)) == 0


def test_a_receipt_code_altered_or_taken_from_another_delegate_is_refused(
        english, client, db, login, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly)
    login(delegates[0])
    marks = form_of(ballot, "yes")
    review = client.post(f"/delegate/ballots/{ballot.id}/review", data=marks).text
    code, seal = hidden(review, "receipt"), hidden(review, "receipt_seal")
    chosen = client.post(f"/delegate/ballots/{ballot.id}/cast",
                         data={**marks, "receipt": "AAAA-AAAA-AA", "receipt_seal": seal})
    assert "not the one your review page gave you" in chosen.text
    client.post("/account/logout")
    login(delegates[1])
    theirs = client.post(f"/delegate/ballots/{ballot.id}/cast",
                         data={**marks, "receipt": code, "receipt_seal": seal})
    assert "not the one your review page gave you" in theirs.text
    assert f'name="option-{ballot.options[0].id}" value="yes" checked' in theirs.text
    assert db.scalar(select(func.count()).select_from(SealedBallot)) == 0


def test_no_table_links_a_person_to_a_receipt(db):
    for table in inspect(db.get_bind()).get_table_names():
        columns = {c["name"] for c in inspect(db.get_bind()).get_columns(table)}
        assert not ({"tracker", "receipt"} & columns and {"user_id", "voter_id"} & columns), table


def test_the_lookup_lists_every_choice_abstentions_included(
        english, client, db, official, assembly, delegates):
    ballot = new_ballot(db, official, assembly, rules=BallotRules(seats=1), options=3)
    a, b, _ = (o.id for o in ballot.options)
    [tracker] = cast_all(db, ballot, delegates[:1], lambda i: {a: "yes", b: "abstain"})
    cast_all(db, ballot, delegates[1:3], lambda i: {a: "yes"})
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    publish_ballot(db, official, ballot)
    db.commit()
    page = client.get(f"/ballots/{ballot.id}", query_string={"tracker": tracker}).text
    found = page[page.index('id="receipt-found"'):]
    found = found[:found.index("</p>")]
    assert found.count('<span class="choice">') == 3
    assert "民生项目1: Yes" in found
    assert "民生项目2: Abstain" in found and "民生项目3: Abstain" in found


def test_the_receipt_prints_alone():
    css = (ROOT / "static" / "css" / "yishi.css").read_text(encoding="utf-8")
    rules = css[css.index("@media print"):]
    assert "header.site" in rules and ".no-print" in rules and ".receipt-box" in rules
