"""One's own data (个人信息): its download as a file, and deleting the account.

The rules are in proposals/personal/ (export.py, erase.py); the notice a person agrees to
when registering is /privacy (app/public/privacy.py).
"""

import json

from flask import Response, current_app, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from app.auth import bp
from app.auth.access import PUBLIC, SIGNED_IN, allow
from app.auth.passwords import verify_password
from app.auth.privacy_forms import PART_LABELS, REFUSALS, DeleteAccountForm, DownloadForm
from app.db import get_session, writing
from app.extensions import limiter
from app.implementation.support import today
from proposals.personal.erase import erase_account, refusals
from proposals.personal.export import PARTS, export
from votes.base import utcnow
from votes.people import User

DELETED = "yishi.account_deleted"  # in the cookie session: the confirmation is shown once


@bp.app_template_global()
def person_name(user) -> str:
    """The name to show for an account: "former resident" once it was deleted."""
    if user is None:
        return ""
    if getattr(user, "deleted_at", None) is not None:
        return _("former resident")
    return user.display_name


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/data", methods=["GET", "POST"])
@allow(SIGNED_IN)
def personal_data():
    """What the file holds, and the button that makes it (a POST, so a link cannot)."""
    form = DownloadForm()
    if form.validate_on_submit():
        # Read in a session of its own: making the file writes nothing, so on SQLite it
        # takes no turn in the writers' queue.
        with current_app.extensions["yishi.sessionmaker"]() as reader:
            now = utcnow()
            data = export(reader, reader.get(User, current_user.id), now)
        body = json.dumps(data, ensure_ascii=False, indent=2)
        name = f"yishi-personal-data-{now:%Y-%m-%d}.json"
        return Response(body, mimetype="application/json", headers={
            "Content-Disposition": f"attachment; filename={name}",
            "Cache-Control": "no-store"})
    parts = [PART_LABELS.get(name, name) for name, _part in PARTS]
    return render_template("auth/data.html", form=form, parts=parts)


@bp.route("/delete", methods=["GET", "POST"])
@allow(SIGNED_IN)
@limiter.limit(_login_limit, methods=["POST"])
def delete_account():
    """What deleting does, why it cannot be done now if so, and the password to do it."""
    db = get_session()
    user = db.get(User, current_user.id)
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.password.data):
            form.password.errors.append(_("The password is not right."))
        else:
            with writing(quiet=True) as work:
                erase_account(get_session(), user, today())
            if work.ok:
                logout_user()
                session[DELETED] = True
                return redirect(url_for("auth.account_deleted"))
    reasons = [REFUSALS[code] for code in refusals(get_session(), user, today())]
    return render_template("auth/delete.html", form=form, reasons=reasons)


@bp.route("/deleted")
@allow(PUBLIC)
def account_deleted():
    """The confirmation, once, to the browser that deleted its account."""
    if not session.pop(DELETED, False):
        return redirect(url_for("public.home"))
    return render_template("auth/deleted.html")
