"""An account is not deleted while its person is an official or administrator, holds a seat,
or is on the roster of an open ballot: the page says why in plain words, and a POST with the
right password writes nothing."""

from datetime import date

import pytest
from sqlalchemy import select

from tests.functional.builders import new_ballot
from tests.functional.personal.steps import delete_account, in_english, signed_in
from votes.people import Membership, Role, User

OFFICIAL = "closed by an administrator"
SEAT = "Your seat must be ended first"
BALLOT = "A ballot you are on the roster of is open"


def refused_and_untouched(client, db, person, reason):
    page = in_english(client).get("/account/delete")
    assert page.status_code == 200 and reason in page.text
    assert 'name="password"' not in page.text  # nothing to confirm
    answer = delete_account(client)
    assert answer.status_code == 200 and reason in answer.text
    db.expire_all()
    after = db.get(User, person.id)
    assert after.active and after.deleted_at is None
    assert after.username == person.username and after.display_name == person.display_name
    assert signed_in(client)


@pytest.mark.parametrize("roles", [(Role.OFFICIAL,), (Role.ADMIN,), (Role.RESIDENT, Role.OFFICIAL)])
def test_an_official_or_administrator_is_refused(client, db, login, make_user, roles):
    person = make_user(*roles)
    login(person)
    refused_and_untouched(client, db, person, OFFICIAL)


def test_a_seated_delegate_is_refused(client, db, login, delegate_seat):
    login(delegate_seat)
    refused_and_untouched(client, db, delegate_seat, SEAT)


def test_a_seat_that_ends_later_is_still_held(app, client, db, login, delegate_seat):
    app.config["TODAY"] = date(2027, 4, 1)
    db.scalar(select(Membership).where(Membership.user_id == delegate_seat.id)).left_on = \
        date(2027, 4, 1)
    db.commit()
    login(delegate_seat)
    refused_and_untouched(client, db, delegate_seat, SEAT)


def test_someone_on_an_open_ballots_roster_is_refused(app, client, db, login, delegates,
                                                      official, assembly):
    ballot = new_ballot(db, official, assembly)  # its roster frozen on 2027-03-01
    voter = delegates[0]
    # Their seat has ended since, but the ballot they are entitled to vote in is open.
    db.scalar(select(Membership).where(Membership.user_id == voter.id)).left_on = \
        date(2027, 3, 31)
    db.commit()
    app.config["TODAY"] = date(2027, 4, 1)
    login(voter)
    refused_and_untouched(client, db, voter, BALLOT)
    assert ballot.status == "open"


def test_once_the_seat_is_ended_a_former_delegate_may_delete(app, client, db, login,
                                                             delegate_seat):
    db.scalar(select(Membership).where(Membership.user_id == delegate_seat.id)).left_on = \
        date(2027, 3, 31)
    db.commit()
    app.config["TODAY"] = date(2027, 4, 1)
    login(delegate_seat)
    assert delete_account(client).status_code == 302
    db.expire_all()
    assert db.get(User, delegate_seat.id).deleted_at is not None
    # The past seat stays on the assembly's record, under the name a deleted account goes by.
    assert db.scalar(select(Membership).where(Membership.user_id == delegate_seat.id))
