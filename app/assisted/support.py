"""What the pages that enter for a resident share: finding the resident, and texting them
the code that confirms what was entered in their name."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.mobile_notice import mobile_secret, send_mobile_code
from app.db import get_session
from proposals.assisted.services import enter_proposal_for, needs_confirmation
from proposals.collection.models import Proposal
from votes.base import DomainError
from votes.mobiles import Purpose, account_with_mobile, masked
from votes.people import User, find_user


def find_resident(text: str) -> User:
    db = get_session()
    person = find_user(db, text or "") or account_with_mobile(db, text)
    if person is None or not person.active:
        raise DomainError("no_such_person", field="resident")
    return person


def ask_to_confirm(resident: User) -> None:
    """Text the resident a code for what was entered in their name (same transaction)."""
    if needs_confirmation(resident):
        send_mobile_code(get_session(), resident, Purpose.ENTRY, resident.mobile,
                         mobile_secret(current_app))


def told(resident: User) -> str:
    if needs_confirmation(resident):
        return _("Entered. %(name)s gets a code at %(number)s: it counts once they confirm.",
                 name=resident.display_name, number=masked(resident.mobile))
    return _("Entered for %(name)s, who has no mobile number: it counts now, recorded as "
             "entered by you.", name=resident.display_name)


def for_resident(resident: User) -> Callable[[Proposal], None]:
    """What an official's entry of a proposal in `resident`'s name adds to it."""
    def then(proposal: Proposal) -> None:
        enter_proposal_for(get_session(), current_user, proposal, resident)
        ask_to_confirm(resident)
    return then
