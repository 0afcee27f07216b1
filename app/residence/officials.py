"""The register's desk: the communities an official keeps, their verified residents,
verifying at the counter, ending a verification, and printing household codes."""

from __future__ import annotations

import io

import segno
from flask import abort, flash, make_response, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import allow
from app.db import get_session, writing
from app.officials import bp
from app.pagination import paginate
from app.residence.forms import ActionForm, CodesForm, EndForm, VerifyForm
from app.residence.support import find_person, kept_community, render, require_keeper, show
from votes.base import DomainError
from votes.people import User
from votes.places import kept_communities
from votes.residence import (
    CODE_LIFETIME,
    HouseholdCode,
    Residency,
    end_verification,
    issue_household_codes,
    open_codes,
    register_log,
    residents_query,
    verified_count,
    verify_at_counter,
    withdraw_code,
)
from votes.roster import roster_of

PAGE_SIZE = 50


@bp.route("/register")
@allow("official", "admin")
def registers():
    db = get_session()
    kept = kept_communities(db, current_user)
    return render("residence/registers.html", kept=kept,
                  counts={c.id: verified_count(db, c) for c in kept})


def _desk(community, verify_form: VerifyForm | None = None,
          codes_form: CodesForm | None = None):
    db = get_session()
    return render("residence/register.html", community=community,
                  page=paginate(db, residents_query(community), PAGE_SIZE),
                  verify_form=verify_form or VerifyForm(formdata=None),
                  codes_form=codes_form or CodesForm(formdata=None),
                  codes=open_codes(db, community), log=register_log(db, community, limit=20),
                  action_form=ActionForm(), roster=roster_of(db, community))


@bp.route("/register/<int:place_id>")
@allow("official", "admin")
def register(place_id: int):
    return _desk(kept_community(place_id))


@bp.route("/register/<int:place_id>/verify", methods=["POST"])
@allow("official", "admin")
def verify_resident(place_id: int):
    community = kept_community(place_id)
    form = VerifyForm()
    if form.validate_on_submit():
        db = get_session()
        with writing(form, quiet=True) as work:
            person = find_person(form.person.data)
            if person is None:
                raise DomainError("no_such_person", field="person")
            verify_at_counter(db, db.get(User, current_user.id), person, community,
                              evidence=form.evidence.data, address=form.address.data,
                              end_other=form.end_other.data)
            name = person.display_name
        if work.error is not None and work.error.code == "verified_elsewhere":
            form.end_other.errors = [*form.end_other.errors, _message(work.error)]
        else:
            show(work.error, form)
        if work.ok:
            flash(_("%(name)s is verified as a resident of %(community)s.", name=name,
                    community=community.name), "success")
            return redirect(url_for("officials.register", place_id=community.id))
    return _desk(community, verify_form=form)


def _message(error: DomainError) -> str:
    from app.messages import domain_message

    return domain_message(error)


@bp.route("/register/residency/<int:residency_id>/end", methods=["GET", "POST"])
@allow("official", "admin")
def end_residency(residency_id: int):
    db = get_session()
    residency = db.get(Residency, residency_id) or abort(404)
    require_keeper(residency.place)
    form = EndForm()
    if form.validate_on_submit():
        with writing(form, success=_("The verification has ended.")) as work:
            end_verification(db, db.get(User, current_user.id), residency, form.reason.data)
        if work.ok:
            return redirect(url_for("officials.register", place_id=residency.place_id))
    return render("residence/end.html", residency=residency, form=form)


def _qr(address: str) -> str:
    out = io.BytesIO()
    segno.make(address, error="m").save(out, kind="svg", scale=4, border=2, dark="#000",
                                        light="#fff", xmldecl=False, svgns=True)
    return out.getvalue().decode()


@bp.route("/register/<int:place_id>/codes", methods=["POST"])
@allow("official", "admin")
def issue_codes(place_id: int):
    community = kept_community(place_id)
    form = CodesForm()
    if form.validate_on_submit():
        db = get_session()
        lines = [line for line in (form.addresses.data or "").splitlines() if line.strip()]
        with writing(form, quiet=True) as work:
            issued = issue_household_codes(db, db.get(User, current_user.id), community,
                                           lines)
        if work.error is not None:
            row = work.error.params.get("row")
            said = _message(work.error)
            form.addresses.errors = [*form.addresses.errors,
                                     _("Line %(line)d: %(problem)s", line=row, problem=said)
                                     if row else said]
        else:
            # The codes exist only on this page: it is printed, never kept by a browser or
            # a proxy. The QR code opens the page where a resident types it, with the code
            # after "#", which no server ever receives.
            entry = url_for("residents.residence", _external=True)
            sheet = render("residence/codes_sheet.html", community=community, issued=issued,
                           qr={c.code: _qr(f"{entry}#code={c.printed}") for c in issued},
                           expires_days=CODE_LIFETIME.days, entry=entry)
            response = make_response(sheet)
            response.headers["Cache-Control"] = "no-store"
            return response
    return _desk(community, codes_form=form)


@bp.route("/register/codes/<int:code_id>/withdraw", methods=["POST"])
@allow("official", "admin")
def withdraw_household_code(code_id: int):
    db = get_session()
    code = db.get(HouseholdCode, code_id) or abort(404)
    require_keeper(code.place)
    if ActionForm().validate_on_submit():
        with writing(success=_("The code no longer works.")):
            withdraw_code(db, db.get(User, current_user.id), code)
    return redirect(url_for("officials.register", place_id=code.place_id))
