"""One person, one account: confirming a mobile number, and signing in by a code texted to it.

Codes go through the notices outbox (app/auth/mobile_notice.py). Requests for a code are
limited per client address and per number (MOBILE_CODE_RATE_LIMIT, flask-limiter), and the
kernel sends a number at most three codes an hour whoever asks (votes/mobiles.py); typed
codes are limited per account or number like sign-ins (ACCOUNT_RATE_LIMIT), and five wrong
tries burn a code. Signing in by code answers the same whether or not an account has the
number.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import bp
from app.auth.access import PUBLIC, SIGNED_IN, allow, is_safe_next
from app.auth.forms import CodeSignInForm, CodeSignInRequestForm, MobileCodeForm, MobileForm
from app.auth.mobile_notice import minutes, mobile_secret, send_mobile_code, sent
from app.auth.signin import sign_in
from app.db import get_session, writing
from app.extensions import limiter
from app.messages import domain_message
from votes.base import DomainError
from votes.mobiles import (
    Check,
    MobileCode,
    Purpose,
    account_with_mobile,
    check_code,
    confirm_mobile,
    is_live,
    masked,
    normalise_mobile,
    spend,
)
from votes.people import User
from votes.roster import match_person


def _address_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _number_limit() -> str:
    return current_app.config["MOBILE_CODE_RATE_LIMIT"]


def _tries_limit() -> str:
    return current_app.config["ACCOUNT_RATE_LIMIT"]


def _number_key() -> str:
    """The number a request names, as its counter's key: one number however it is typed."""
    typed = request.form.get("mobile") or ""
    try:
        return "mobile:" + normalise_mobile(typed)
    except DomainError:
        return "mobile:?" + typed.strip()[:30]


def _account_key() -> str:
    return f"mobile-account:{current_user.get_id().split(':')[0]}"


_WRONG = {
    Check.WRONG: lambda: _("This code is wrong or has expired."),
    Check.EXPIRED: lambda: _("This code is wrong or has expired."),
    Check.BURNED: lambda: _("Too many wrong codes: this code no longer works. Ask for a new "
                            "one."),
}


# --- confirming one's number -------------------------------------------------------------


def _latest_code(db, user: User) -> MobileCode | None:
    from sqlalchemy import select

    row = db.scalar(select(MobileCode).where(
        MobileCode.user_id == user.id, MobileCode.purpose == Purpose.CONFIRM.value)
        .order_by(MobileCode.created_at.desc(), MobileCode.id.desc()).limit(1))
    return row if row is not None and is_live(row) else None


def _mobile_page(number_form: MobileForm | None = None,
                 code_form: MobileCodeForm | None = None, status: int = 200):
    db = get_session()
    user = db.get(User, current_user.id)
    pending = _latest_code(db, user)
    if number_form is None:
        typed = pending.number if pending else (
            user.mobile if user.mobile and not user.mobile_confirmed_at else "")
        number_form = MobileForm(formdata=None, data={"mobile": typed or ""})
    return render_template(
        "auth/mobile.html", user=user, pending=pending, masked=masked, minutes=minutes(),
        number_form=number_form, code_form=code_form or MobileCodeForm(formdata=None),
    ), status


@bp.route("/mobile")
@allow(SIGNED_IN)
def mobile():
    return _mobile_page()


@bp.route("/mobile/send", methods=["POST"])
@allow(SIGNED_IN)
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_number_limit, methods=["POST"], key_func=_number_key)
def mobile_send():
    form = MobileForm()
    if not form.validate_on_submit():
        return _mobile_page(number_form=form, status=422)
    db = get_session()
    user = db.get(User, current_user.id)
    number = normalise_mobile(form.mobile.data)
    if user.mobile == number and user.mobile_confirmed_at is not None:
        flash(_("This number is confirmed already."), "info")
        return redirect(url_for("auth.mobile"))
    with writing(form) as work:
        row = send_mobile_code(db, user, Purpose.CONFIRM, number, mobile_secret(current_app))
    if work.ok:
        sent(row)
    return redirect(url_for("auth.mobile"))


@bp.route("/mobile/confirm", methods=["POST"])
@allow(SIGNED_IN)
@limiter.limit(_tries_limit, methods=["POST"], key_func=_account_key)
def mobile_confirm():
    form = MobileCodeForm()
    if not form.validate_on_submit():
        return _mobile_page(code_form=form, status=422)
    db = get_session()
    user = db.get(User, current_user.id)
    checked = check_code(db, user, Purpose.CONFIRM, form.code.data, mobile_secret(current_app))
    if checked.outcome is not Check.OK:
        db.commit()  # a wrong try counts, though the form is refused
        form.code.errors = [*form.code.errors, _WRONG[checked.outcome]()]
        return _mobile_page(code_form=form, status=422)
    with writing(form, quiet=True) as work:
        confirm_mobile(db, user, checked.row)
        matched = match_person(db, user)
        place = matched.place.name if matched else None
    if not work.ok:
        form.code.errors = [*form.code.errors, domain_message(work.error)]
        return _mobile_page(code_form=form, status=422)
    flash(_("Your mobile number %(number)s is confirmed. You can sign in with it too.",
            number=masked(user.mobile)), "success")
    if place:
        flash(_("Your number is on the roster of %(community)s: you are verified as a "
                "resident there.", community=place), "success")
    return redirect(url_for("auth.mobile"))


# --- signing in by a code ----------------------------------------------------------------


def _next_url() -> str:
    target = request.args.get("next") or request.form.get("next")
    return target if is_safe_next(target) else url_for("public.home")


@bp.route("/login/code", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_number_limit, methods=["POST"], key_func=_number_key)
def login_code():
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = CodeSignInRequestForm()
    if form.validate_on_submit():
        db = get_session()
        number = normalise_mobile(form.mobile.data)
        user = account_with_mobile(db, number)
        if user is not None:
            with writing(quiet=True):
                send_mobile_code(db, user, Purpose.SIGN_IN, number, mobile_secret(current_app))
        cookie["code_mobile"] = number
        # One answer, whether an account has the number, or it had its fill of codes.
        flash(_("If an account has this confirmed number, a code to sign in is on its way "
                "by text message. It works once, for %(minutes)d minutes.",
                minutes=minutes()), "info")
        return redirect(url_for("auth.login_code_enter", next=request.args.get("next")))
    return render_template("auth/login_code.html", form=form, next=request.args.get("next"))


@bp.route("/login/code/enter", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_tries_limit, methods=["POST"], key_func=_number_key)
def login_code_enter():
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = CodeSignInForm(data={"mobile": cookie.get("code_mobile", "")}
                          if request.method == "GET" else None)
    if form.validate_on_submit():
        db = get_session()
        user = account_with_mobile(db, form.mobile.data)
        checked = check_code(db, user, Purpose.SIGN_IN, form.code.data,
                             mobile_secret(current_app))
        if checked.outcome is Check.OK:
            spend(checked.row)
            sign_in(user, remember=form.remember.data)  # commits the spent code with it
            cookie.pop("code_mobile", None)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(_next_url())
        db.commit()  # a wrong try counts
        form.code.errors = [*form.code.errors, _WRONG[checked.outcome]()]
    return render_template("auth/login_code_enter.html", form=form,
                           next=request.args.get("next"))
