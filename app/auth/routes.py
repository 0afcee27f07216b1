"""Account pages. Sign-in attempts are rate-limited per client address and per account."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_NAME
from sqlalchemy import update

from app.auth import bp
from app.auth.access import PUBLIC, SIGNED_IN, allow, is_safe_next
from app.auth.forms import (
    ChangePasswordForm,
    LoginForm,
    LogoutForm,
    ProfileForm,
    RegisterForm,
)
from app.auth.mobile_notice import mobile_secret, send_mobile_code, sent
from app.auth.passwords import (
    hash_password,
    needs_rehash,
    spend_like_a_check,
    verify_password,
)
from app.auth.signin import describe_device, sign_in
from app.db import KEEPS_PAGES, get_session, writing
from app.extensions import limiter
from proposals.personal.consent import record_consent
from votes.mobiles import Purpose, account_with_mobile, is_mobile, normalise_mobile
from votes.people import User, find_user, register_user
from votes.places import set_home
from votes.residence import move
from votes.sessions import end_session, end_sessions, start_session


def _next_url() -> str:
    target = request.args.get("next") or request.form.get("next")
    return target if is_safe_next(target) else url_for("public.home")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["ACCOUNT_RATE_LIMIT"]


def _account_key() -> str:
    """The account a sign-in attempt is for, as its counter's key (names are lower-case, a
    number counts as one however it is typed)."""
    typed = (request.form.get("username") or "").strip().lower()
    if is_mobile(typed):
        return "account:mobile:" + normalise_mobile(typed)
    return "account:" + typed


def _find_account(session, typed: str) -> User | None:
    """The account a sign-in names: its username, or its confirmed mobile number."""
    return find_user(session, typed) or account_with_mobile(session, typed)


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_key)
def login():
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        user = _find_account(session, form.username.data)
        if user is not None:
            # Kept whole while the transaction ends: a POST begins as a writer (on SQLite it
            # holds the one write lock), and the password check below takes tens of ms.
            session.expunge(user)
        session.rollback()
        # Every attempt costs one password check, whatever the account's state, so the time
        # of the answer tells nothing of which accounts exist or are switched off.
        if user is None:
            spend_like_a_check(form.password.data)
            matches = False
        else:
            matches = verify_password(user.password_hash, form.password.data)
        if not matches or not user.active:
            # One message for both cases, so the form does not reveal which names exist.
            flash(_("Wrong username or password."), "error")
            return render_template("auth/login.html", form=form, next=request.args.get("next"))
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(form.password.data)
            session.execute(update(User).where(User.id == user.id)
                            .values(password_hash=user.password_hash))
            session.commit()
        sign_in(user, remember=form.remember.data)
        flash(_("Welcome, %(name)s.", name=user.display_name), "success")
        return redirect(_next_url())
    return render_template("auth/login.html", form=form, next=request.args.get("next"))


@bp.route("/register", methods=["GET", "POST"])
@allow(PUBLIC)
@limiter.limit(_login_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        # The one refusal is a taken username, said next to the field. The number is
        # confirmed in a second step, by the code texted to it (app/auth/mobile.py); whether
        # another account has confirmed it already is said only to whoever has the code.
        number = normalise_mobile(form.mobile.data)
        with writing(quiet=True) as work:
            user = register_user(
                get_session(), username=form.username.data,
                display_name=form.display_name.data, email=form.email.data,
                password_hash=hash_password(form.password.data),
            )
            set_home(get_session(), user, form.community.data or None)  # by key
            user.mobile = number
            record_consent(user)  # the privacy notice ticked: its version, and when
            code = send_mobile_code(get_session(), user, Purpose.CONFIRM, number,
                                    mobile_secret(current_app))
            row, token = start_session(get_session(), user,
                                       describe_device(request.user_agent.string))
        if work.ok:
            user.session_token, user.account_session_id = token, row.id
            login_user(user)
            flash(_("Your account is ready. You can now propose projects. To be verified as "
                    "a resident, vote or rate, confirm your mobile number with the code we "
                    "texted to it."), "success")
            sent(code)
            return redirect(url_for("auth.mobile"))
        form.username.errors.append(_("This username is already taken."))
    return render_template("auth/register.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow(SIGNED_IN)
def logout():
    if LogoutForm().validate_on_submit():
        # Ends this sign-in's session on the server, so a copy of its cookies (or its
        # remember-me cookie) dies with it; the account's other devices stay signed in.
        session = get_session()
        session.info[KEEPS_PAGES] = True  # no public page shows who is signed in
        end_session(session, current_user.id, current_user.account_session_id)
        session.commit()
        logout_user()
        flash(_("You have signed out."), "success")
    return redirect(url_for("public.home"))


@bp.route("/password", methods=["GET", "POST"])
@allow(SIGNED_IN)
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append(_("The current password is not right."))
        else:
            session = get_session()
            user = session.get(User, current_user.id)
            user.password_hash = hash_password(form.password.data)
            user.must_change_password = False  # a printed first password is gone now
            # Whoever knew the old password, or holds a copy of a cookie, is signed out
            # everywhere; this device goes on in a fresh session of its own.
            end_sessions(session, user.id)
            cookie = current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME)
            sign_in(user, remember=cookie in request.cookies)
            flash(_("Your password has been changed; other sessions are signed out."),
                  "success")
            return redirect(url_for("public.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@allow(SIGNED_IN)
def profile():
    """The name others see, an email, and the community one lives in (moving changes it)."""
    session = get_session()
    user = session.get(User, current_user.id)
    form = ProfileForm(obj=user if request.method == "GET" else None)
    if form.validate_on_submit():
        user.display_name = form.display_name.data.strip()
        user.email = form.email.data or None
        if move(session, user, form.community.data or None):
            flash(_("You moved: your verification as a resident of your former community has "
                    "ended. Ask your new community to verify you."), "info")
        session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)
