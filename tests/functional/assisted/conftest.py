"""Assisted entries: an SMS gateway on loopback (the accounts' fixtures) and residents with a
confirmed number."""

import pytest

from tests.functional.accounts.conftest import gateway, inbox, mailing  # noqa: F401
from votes.base import utcnow
from votes.people import Role


@pytest.fixture
def texted(db, make_user):
    """make(number): a verified resident of 和平社区 whose number is confirmed."""
    from tests.functional.builders import live_in

    def make(number: str, name: str = "陈阿婆"):
        person = live_in(db, make_user(Role.RESIDENT, name=name))
        person.mobile, person.mobile_confirmed_at = number, utcnow()
        db.commit()
        return person

    return make
