"""A person's own standing in the register: verified where, since when, and the household
code that verifies them without a trip to the counter."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import SIGNED_IN, allow
from app.db import get_session, writing
from app.extensions import limiter
from app.messages import domain_message
from app.residence.forms import HouseholdCodeForm
from app.residence.support import render, show
from app.residents import bp
from votes.people import User
from votes.residence import history, live_residency, redeem_household_code


def _code_limit() -> str:
    from flask import current_app

    return current_app.config["HOUSEHOLD_CODE_RATE_LIMIT"]


def _page(form: HouseholdCodeForm):
    db = get_session()
    current = live_residency(db, current_user.id)
    return render("residence/mine.html", form=form, current=current,
                  past=[r for r in history(db, current_user.id) if r.ended_at is not None])


@bp.route("/residence")
@allow(SIGNED_IN)
def residence():
    return _page(HouseholdCodeForm(formdata=None))


@bp.route("/residence", methods=["POST"])
@allow(SIGNED_IN)
@limiter.limit(_code_limit, key_func=lambda: f"household-code:{current_user.id}")
def use_household_code():
    form = HouseholdCodeForm()
    if form.validate_on_submit():
        db = get_session()
        with writing(form, quiet=True) as work:
            user = db.get(User, current_user.id)
            residency = redeem_household_code(db, user, form.code.data,
                                              end_other=form.end_other.data)
            place = residency.place.name
        if work.error is not None and work.error.code.startswith("household_code"):
            form.code.errors = [*form.code.errors, domain_message(work.error)]
        else:
            show(work.error)
        if work.ok:
            flash(_("You are verified as a resident of %(community)s.", community=place),
                  "success")
            return redirect(url_for("residents.residence"))
    return _page(form)
