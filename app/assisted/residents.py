"""“Entered for me”: what staff entered in the resident's name, confirmed with a code texted
to their number, or declined."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.assisted.forms import ActionForm, CodeForm
from app.auth.access import SIGNED_IN, allow
from app.auth.mobile_notice import mobile_secret, send_mobile_code, sent
from app.db import get_session, writing
from app.extensions import limiter
from app.implementation.support import today
from app.residents import bp
from proposals.assisted.models import AssistedEntry
from proposals.assisted.services import confirm_all, decline, pending_for, settled_for
from votes.mobiles import Check, Purpose, check_code, has_confirmed_mobile, masked, spend
from votes.people import User

# The same answers as the number's own confirmation (app/auth/mobile.py): wrong and expired
# are one answer, so a guesser learns nothing.
WRONG = {
    Check.WRONG: lambda: _("This code is wrong or has expired."),
    Check.EXPIRED: lambda: _("This code is wrong or has expired."),
    Check.BURNED: lambda: _("Too many wrong codes: this code no longer works. Ask for a new "
                            "one."),
}


def _tries_limit() -> str:
    # As for the number's own codes (app/auth/mobile.py): per account.
    return current_app.config["ACCOUNT_RATE_LIMIT"]


def _page(form: CodeForm | None = None, status: int = 200):
    from flask import render_template

    db = get_session()
    user = db.get(User, current_user.id)
    return render_template("assisted/mine.html", pending=pending_for(db, user),
                           settled=settled_for(db, user), form=form or CodeForm(formdata=None),
                           action_form=ActionForm(), number=masked(user.mobile),
                           can_confirm=has_confirmed_mobile(user)), status


@bp.route("/entries")
@allow(SIGNED_IN)
def entries():
    return _page()


@bp.route("/entries/code", methods=["POST"])
@allow(SIGNED_IN)
@limiter.limit(_tries_limit, key_func=lambda: f"entry-code:{current_user.id}")
def entries_code():
    if not ActionForm().validate_on_submit():
        abort(400)
    db = get_session()
    user = db.get(User, current_user.id)
    if not has_confirmed_mobile(user) or not pending_for(db, user):
        return redirect(url_for("residents.entries"))
    row = send_mobile_code(db, user, Purpose.ENTRY, user.mobile, mobile_secret(current_app))
    db.commit()
    sent(row)
    return redirect(url_for("residents.entries"))


@bp.route("/entries/confirm", methods=["POST"])
@allow(SIGNED_IN)
@limiter.limit(_tries_limit, key_func=lambda: f"entry-confirm:{current_user.id}")
def entries_confirm():
    form = CodeForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    db = get_session()
    user = db.get(User, current_user.id)
    checked = check_code(db, user, Purpose.ENTRY, form.code.data, mobile_secret(current_app))
    if checked.outcome is not Check.OK:
        db.commit()  # a wrong try counts, though the form is refused
        form.code.errors = [*form.code.errors, WRONG[checked.outcome]()]
        return _page(form, 422)
    with writing(form) as work:
        spend(checked.row)
        settled = confirm_all(db, user, today=today())
        counted = sum(1 for e in settled if e.state == "confirmed")
        lapsed = len(settled) - counted
    if work.ok:
        flash(_("Confirmed: %(n)d entries now count as yours.", n=counted), "success")
        if lapsed:
            flash(_("%(n)d came too late to count: the proposal or the round had closed.",
                    n=lapsed), "info")
    return redirect(url_for("residents.entries"))


@bp.route("/entries/<int:entry_id>/decline", methods=["POST"])
@allow(SIGNED_IN)
def entry_decline(entry_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    db = get_session()
    entry = db.get(AssistedEntry, entry_id)
    if entry is None or entry.resident_id != current_user.id:
        abort(404)
    with writing(success=_("Noted: it does not count as yours, and the officials can see "
                           "that you did not ask for it.")):
        decline(db, db.get(User, current_user.id), entry)
    return redirect(url_for("residents.entries"))
