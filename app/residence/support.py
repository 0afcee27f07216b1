"""What the register's pages share: finding a person, a community, refusals, the labels."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.db import get_session
from app.messages import domain_message
from app.residence.messages import (
    ACTION_LABELS,
    LEVEL_LABELS,
    METHOD_LABELS,
    REASON_LABELS,
)
from votes.base import DomainError
from votes.mobiles import account_with_mobile
from votes.people import User, find_user
from votes.places import Level, Place, keeps_register

_MOBILE = re.compile(r"^(?:\+?86)?(1\d{10})$")


def render(template: str, **context):
    return render_template(template, method_labels=METHOD_LABELS, level_labels=LEVEL_LABELS,
                           action_labels=ACTION_LABELS, reason_labels=REASON_LABELS,
                           **context)


def show(error: DomainError | None, form=None) -> None:
    """A refusal next to its field of `form`, or else at the top of the page."""
    if error is None:
        return
    field = getattr(form, str(error.params.get("field", "")), None) if form else None
    if field is not None:
        field.errors = [*field.errors, domain_message(error)]
    else:
        flash(domain_message(error), "error")


def kept_community(place_id: int) -> Place:
    """A community whose register the signed-in official keeps (404 if none is)."""
    place = get_session().get(Place, place_id)
    if place is None or place.level != Level.COMMUNITY:
        abort(404)
    require_keeper(place)
    return place


def require_keeper(place: Place) -> None:
    """An official who does not keep this register is sent back to the list of those they
    keep, told why; nothing of the register is shown or changed."""
    if not keeps_register(get_session(), current_user, place):
        flash(domain_message(DomainError("not_register_keeper", community=place.name)),
              "error")
        abort(redirect(url_for("officials.registers")))


def find_person(text: str) -> User | None:
    """The account named by its username, or by its mobile number when only one has it."""
    db = get_session()
    text = (text or "").strip()
    digits = re.sub(r"[\s-]", "", text)
    matched = _MOBILE.match(digits)
    if matched:
        number = matched.group(1)
        owner = account_with_mobile(db, number)  # the account that confirmed it: one
        if owner is not None:
            return owner
        found = list(db.scalars(select(User).where(
            User.mobile.in_((number, "+86" + number, "86" + number, "+86 " + number)))
            .limit(2)))
        if len(found) > 1:
            raise DomainError("mobile_shared", field="person")
        if found:
            return found[0]
    return find_user(db, text)
