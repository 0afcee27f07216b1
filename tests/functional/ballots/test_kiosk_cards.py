"""Hall cards: one-time codes by roster number, refused when wrong (and counted), issued again
for one delegate, good only for their own ballot; and the desk that hands them out."""

from __future__ import annotations

import re

import pytest

from tests.functional.ballots.kiosk_steps import cards_of, enrolled, identify, vote
from tests.functional.ballots.mixed_builders import mixed_ballot
from tests.functional.builders import new_ballot, refused, seat_delegates, unlock_all
from votes import mixed, tablets
from votes.casting import not_voted
from votes.closing import close_ballot
from votes.people import Assembly


@pytest.fixture
def ballot(db, official, assembly, delegates):
    return new_ballot(db, official, assembly)


def test_cards_are_numbered_as_the_desk_calls_the_roster(db, official, ballot, delegates):
    cards = tablets.issue_cards(db, official, ballot)
    assert [(c.number, c.user.id) for c in cards] == [
        (n, p.id) for n, p in not_voted(db, ballot)]
    assert all(re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", c.code) for c in cards)
    stored = db.get(tablets.HallCard, (ballot.id, cards[0].user.id))
    assert cards[0].code.replace("-", "") not in stored.code_hash and len(stored.code_hash) == 64


def test_a_wrong_code_is_refused_counted_and_locks_the_card_after_five(
        english, client, db, official, ballot, delegates):
    tablet = enrolled(client, db, official, ballot)
    card = cards_of(db, official, ballot)[delegates[0].id]
    for _ in range(tablets.CARD_TRIES):
        wrong = identify(client, card, code="0000-0000")
        assert wrong.status_code == 422 and "do not match" in wrong.text
        assert card.code not in wrong.text
    db.refresh(tablet)
    assert tablet.wrong_codes == tablets.CARD_TRIES
    locked = identify(client, card)  # the right code, too late
    assert locked.status_code == 422 and "locked" in locked.text
    # A number nobody has is refused in the same words, and counted.
    assert "do not match" in identify(client, tablets.Card(99, card.user, card.code)).text
    db.refresh(tablet)
    assert tablet.wrong_codes == tablets.CARD_TRIES + 1


def test_wrong_codes_are_paced_per_tablet(english, make_app, db, official, ballot, delegates):
    client = make_app(HALL_CODE_RATE_LIMIT="3 per minute").test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    enrolled(client, db, official, ballot)
    cards = cards_of(db, official, ballot)
    for person in delegates[:3]:
        assert identify(client, cards[person.id], code="0000-0000").status_code == 422
    slowed = identify(client, cards[delegates[3].id])
    assert slowed.status_code == 429 and "Too many wrong codes" in slowed.text


def test_a_code_works_once(client, db, official, ballot, delegates):
    enrolled(client, db, official, ballot)
    card = cards_of(db, official, ballot)[delegates[0].id]
    vote(client, ballot, card, "yes")
    client.post("/hall/done")
    assert identify(client, card).status_code == 422


def test_a_card_issued_again_replaces_the_old_one(db, official, ballot, delegates):
    tablet, code = tablets.enrol_tablet(db, official, ballot, "门口")
    tablet, _token = tablets.claim_tablet(db, code)
    old = {c.user.id: c for c in tablets.issue_cards(db, official, ballot)}[delegates[2].id]
    new = tablets.reissue_card(db, official, ballot, old.number)
    assert new.user.id == delegates[2].id and new.code != old.code
    assert tablets.identify(db, tablet.id, old.number, old.code).refusal == "wrong_card"
    assert tablets.identify(db, tablet.id, new.number, new.code).user_id == delegates[2].id
    refused("no_such_number", tablets.reissue_card, db, official, ballot, 6)


def test_no_card_for_someone_who_has_voted(db, official, ballot, delegates):
    from votes.casting import cast_ballot

    cast_ballot(db, ballot.id, delegates[0], {})
    cards = tablets.issue_cards(db, official, ballot)
    assert delegates[0].id not in {c.user.id for c in cards} and len(cards) == 4
    refused("card_after_voting", tablets.reissue_card, db, official, ballot, 1)


def test_a_card_of_another_ballot_is_refused(db, official, admin, make_user, ballot, delegates):
    other_assembly = Assembly(kind="congress", name="另一区人大", area="另一区",
                              term_start=ballot.assembly.term_start,
                              term_end=ballot.assembly.term_end)
    db.add(other_assembly)
    db.commit()
    others = seat_delegates(db, other_assembly, admin, make_user, 5)
    other = new_ballot(db, official, other_assembly)
    foreign = {c.user.id: c for c in tablets.issue_cards(db, official, other)}[others[0].id]
    tablet, code = tablets.enrol_tablet(db, official, ballot, "第1排")
    tablet, _token = tablets.claim_tablet(db, code)
    tablets.issue_cards(db, official, ballot)
    # Number 1 exists on both rosters; the other ballot's code does not open this one.
    assert tablets.identify(db, tablet.id, foreign.number, foreign.code).refusal == "wrong_card"


def test_only_those_who_run_the_ballot_enrol_tablets_and_issue_cards(
        client, db, login, official, ballot, delegates, make_user):
    refused("forbidden", tablets.enrol_tablet, db, delegates[0], ballot, "第3排左")
    refused("forbidden", tablets.issue_cards, db, delegates[0], ballot)
    login(delegates[0])
    for path in (f"/official/ballots/{ballot.id}/tablets",
                 f"/official/ballots/{ballot.id}/hall-cards",
                 f"/official/ballots/{ballot.id}/hall-cards/one",
                 f"/official/ballots/{ballot.id}/tablets/revoke"):
        assert client.post(path, data={"label": "x", "number": "1"}).status_code == 403
    assert tablets.tablets_of(db, ballot) == []


def test_the_desk_enrols_prints_cards_and_revokes(english, client, db, login, official, ballot):
    login(official)
    desk = client.get(f"/official/ballots/{ballot.id}").text
    assert 'id="tablets"' in desk and "No tablet is enrolled" in desk
    enrolled_page = client.post(f"/official/ballots/{ballot.id}/tablets",
                                data={"label": "第3排左"})
    assert enrolled_page.headers["Cache-Control"] == "no-store"
    code = re.search(r'id="enrol-code">([0-9A-Z-]+)<', enrolled_page.text).group(1)
    assert "/hall" in enrolled_page.text
    [tablet] = tablets.tablets_of(db, ballot)
    assert tablets.tablet_state(tablet, tablet.enrolled_at) == "waiting"
    sheet = client.post(f"/official/ballots/{ballot.id}/hall-cards")
    assert sheet.headers["Cache-Control"] == "no-store"
    assert len(re.findall(r'<li class="hall-card">', sheet.text)) == 5
    # Printed once; printing again must be confirmed, since the first sheet stops working.
    again = client.post(f"/official/ballots/{ballot.id}/hall-cards", follow_redirects=True)
    assert "tick the box" in again.text
    assert "Cards issued: 5 of 5" in client.get(f"/official/ballots/{ballot.id}").text
    one = client.post(f"/official/ballots/{ballot.id}/hall-cards/one", data={"number": "2"})
    assert len(re.findall(r'<li class="hall-card">', one.text)) == 1
    unconfirmed = client.post(f"/official/ballots/{ballot.id}/tablets/revoke",
                              data={"tablet": str(tablet.id)}, follow_redirects=True)
    assert "tick the box" in unconfirmed.text and tablet.revoked_at is None
    client.post(f"/official/ballots/{ballot.id}/tablets/revoke",
                data={"tablet": str(tablet.id), "confirm": "y"})
    db.refresh(tablet)
    assert tablet.revoked_at is not None and tablet.revoked_by_id == official.id
    refused("wrong_enrol_code", tablets.claim_tablet, db, code)


def test_tablets_only_while_the_ballot_may_be_voted_on(db, official, assembly, delegates):
    draft = new_ballot(db, official, assembly, opened=False)
    tablets.enrol_tablet(db, official, draft, "门口")  # prepared before the ballot opens
    refused("tablets_not_now", tablets.issue_cards, db, official, draft)
    ballot = new_ballot(db, official, assembly)
    tablet, code = tablets.enrol_tablet(db, official, ballot, "第2排")
    tablet, _token = tablets.claim_tablet(db, code)
    card = tablets.issue_cards(db, official, ballot)[0]
    close_ballot(db, official, ballot, unlock=unlock_all(db, ballot))
    refused("tablets_not_now", tablets.enrol_tablet, db, official, ballot, "第2排")
    refused("tablets_not_now", tablets.identify, db, tablet.id, card.number, card.code)


def test_a_paper_taker_of_a_mixed_ballot_gets_no_card_and_cannot_start(
        english, client, db, official, assembly, delegates):
    ballot = mixed_ballot(db, official, assembly)
    enrolled(client, db, official, ballot)
    cards = cards_of(db, official, ballot)
    mixed.issue_paper(db, official, ballot, delegates[0])  # after the cards were printed
    db.commit()
    refused_turn = identify(client, cards[delegates[0].id])
    assert refused_turn.status_code == 422 and "you vote on paper" in refused_turn.text
    assert not db.get(tablets.HallCard, (ballot.id, delegates[0].id)).used
    assert delegates[0].id not in {c.user.id for c in tablets.issue_cards(db, official, ballot)}
    refused("card_after_paper", tablets.reissue_card, db, official, ballot,
            cards[delegates[0].id].number)
    # The others vote on the tablet as in any ballot.
    vote(client, ballot, cards_of(db, official, ballot)[delegates[1].id], "yes")
