"""The counter's accounts (代办账户): an official makes an account for a resident who has no
phone, prints its sign-in sheet, and prints a new one when the sheet is lost. Hung on the
officials' blueprint (app/officials/__init__.py); the rules are in app/auth/accounts.py."""

from __future__ import annotations

from flask import abort, current_app, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.auth.accounts import make_assisted, new_sheet
from app.auth.forms import AssistedForm
from app.db import get_session, writing
from app.forms import FlaskForm, choices
from app.messages import domain_message
from app.officials import bp
from app.pagination import paginate
from votes.base import DomainError
from votes.people import User
from votes.places import Place, keeps_register, kept_communities
from votes.residence import verify_at_counter


def _form(form: AssistedForm | None = None) -> AssistedForm:
    form = form or AssistedForm(formdata=None)
    form.community.choices = choices([("", _("— not now —"))] + [
        (str(c.id), c.name) for c in kept_communities(get_session(), current_user)])
    return form


def _page(form: AssistedForm | None = None, status: int = 200):
    db = get_session()
    stmt = select(User).where(User.assisted.is_(True)).order_by(User.created_at.desc(),
                                                                 User.id.desc())
    return render_template("auth/assisted.html", form=_form(form),
                           page=paginate(db, stmt, current_app.config["PAGE_SIZE"]),
                           action_form=FlaskForm()), status


def _sheet(user: User, password: str):
    """The printed sheet: shown once, kept by no browser or proxy."""
    page = render_template("auth/assisted_sheet.html", user=user, password=password,
                           site=request.host_url.rstrip("/"),
                           login=url_for("auth.login", _external=True))
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/accounts/assisted")
@allow("official", "admin")
def assisted_accounts():
    return _page()


@bp.route("/accounts/assisted", methods=["POST"])
@allow("official", "admin")
def make_assisted_account():
    form = _form(AssistedForm())
    if not form.validate_on_submit():
        return _page(form, 422)
    db = get_session()
    actor = db.get(User, current_user.id)
    community = None
    if form.community.data:
        community = db.get(Place, int(form.community.data))
        if community is None or not keeps_register(db, actor, community):
            abort(403)
    # The account and its verification are made together, or neither is.
    with writing(form, quiet=True) as work:
        user, password = make_assisted(db, actor, display_name=form.display_name.data.strip(),
                                       username=(form.username.data or "").strip() or None)
        if community is not None:
            if not (form.evidence.data or "").strip():
                raise DomainError("required", field="evidence")
            verify_at_counter(db, actor, user, community, evidence=form.evidence.data,
                              address=form.address.data)
    if not work.ok:
        if work.error.code == "username_taken":
            form.username.errors = [*form.username.errors,
                                    _("This username is already taken.")]
        else:
            target = getattr(form, str(work.error.params.get("field", "")), None) \
                or form.display_name
            target.errors = [*target.errors, domain_message(work.error)]
        return _page(form, 422)
    return _sheet(user, password)


@bp.route("/accounts/assisted/<int:user_id>/sheet", methods=["POST"])
@allow("official", "admin")
def assisted_sheet(user_id: int):
    db = get_session()
    user = db.get(User, user_id) or abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    with writing() as work:
        password = new_sheet(db, db.get(User, current_user.id), user)
    if not work.ok:
        return _page(status=422)
    return _sheet(user, password)
