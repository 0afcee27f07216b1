"""Forgot your password: ask for a code (SMS) or a link (email), then set a new password.

The answer to a request is the same whether or not an account matches; requests are
limited per client address, per name typed and (votes/sessions.py) per account and hour;
codes are tried at most five times each. A new password ends every session of the
account, and this device is signed in afresh.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import login_user

from app.auth import bp
from app.auth.access import PUBLIC, allow
from app.auth.forms import NewPasswordForm, ResetCodeForm, ResetRequestForm
from app.auth.passwords import hash_password
from app.auth.reset_notice import find_account, reset_secret, send_reset
from app.auth.signin import describe_device
from app.db import get_session, writing
from app.extensions import limiter
from votes.sessions import (
    RESET_LIFETIME,
    Check,
    PasswordReset,
    check_code,
    check_link,
    complete_reset,
    start_session,
)


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _who_limit() -> str:
    return current_app.config.get("RESET_RATE_LIMIT", "3 per hour;10 per day")


def _code_limit() -> str:
    return current_app.config["ACCOUNT_RATE_LIMIT"]


def _who_key() -> str:
    """The account, email or number a request names, as its counter's key."""
    return "reset:" + (request.form.get("who") or "").strip().lower()


@bp.route("/reset", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_who_limit, methods=["POST"], key_func=_who_key)
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        who = form.who.data.strip()
        db = get_session()
        user, channel = find_account(db, who)
        if user is not None:
            with writing(quiet=True):
                send_reset(db, user, channel, reset_secret(current_app))
        cookie["reset_who"] = who
        # One answer, whether an account matched, had its fill of codes, or none did.
        flash(_("If an account matches, a code (by text message) or a link (by email) to "
                "set a new password is on its way. It works once, for %(minutes)d minutes.",
                minutes=int(RESET_LIFETIME.total_seconds() // 60)), "info")
        return redirect(url_for("auth.reset_code"))
    return render_template("auth/reset_request.html", form=form)


def _finish(reset: PasswordReset, password: str):
    """The new password set, every session ended, this device signed in afresh."""
    db = get_session()
    with writing(quiet=True) as work:
        user = complete_reset(db, reset, hash_password(password))
        row, token = start_session(db, user, describe_device(request.user_agent.string))
    if not work.ok:
        return None
    user.session_token, user.account_session_id = token, row.id
    login_user(user)
    flash(_("Your new password is set; every device signed in before is signed out."),
          "success")
    return redirect(url_for("public.home"))


_REFUSALS = {
    Check.WRONG: lambda: _("This code is wrong or has expired."),
    Check.EXPIRED: lambda: _("This code is wrong or has expired."),
    Check.BURNED: lambda: _("Too many wrong codes: this code no longer works. Ask for a "
                            "new one."),
}


@bp.route("/reset/code", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_code_limit, methods=["POST"], key_func=_who_key)
def reset_code():
    form = ResetCodeForm(data={"who": cookie.get("reset_who", "")}
                         if request.method == "GET" else None)
    if form.validate_on_submit():
        db = get_session()
        user, _channel = find_account(db, form.who.data)
        checked = check_code(db, user, form.code.data, reset_secret(current_app))
        if checked.outcome is Check.OK:
            done = _finish(checked.reset, form.password.data)
            if done is not None:
                cookie.pop("reset_who", None)
                return done
        else:
            db.commit()  # a wrong try counts, though the form is refused
            form.code.errors.append(_REFUSALS[checked.outcome]())
    return render_template("auth/reset_code.html", form=form)


@bp.route("/reset/link/<key>", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_address_limit, methods=["POST"])
def reset_link(key: str):
    db = get_session()
    checked = check_link(db, key, reset_secret(current_app))
    form = NewPasswordForm()
    if checked.outcome is Check.OK and form.validate_on_submit():
        done = _finish(checked.reset, form.password.data)
        if done is not None:
            return done
    return render_template("auth/reset_link.html", form=form, key=key,
                           live=checked.outcome is Check.OK)
