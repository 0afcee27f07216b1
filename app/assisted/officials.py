"""Entering for a resident: a co-sign on a proposal, a rating of a project; and the list of
what this official entered, with whether each was confirmed."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.assisted.forms import ForResidentForm, RateForResidentForm
from app.assisted.support import ask_to_confirm, find_resident, told
from app.auth.access import allow
from app.db import get_session, writing
from app.evaluation.messages import LEVEL_LABELS
from app.forms import choices
from app.implementation.support import today
from app.messages import domain_message
from app.officials import bp
from proposals.assisted.services import (
    enter_cosign_for,
    enter_rating_for,
    entries_by,
)
from proposals.collection.models import Proposal
from proposals.implementation.models import Project
from votes.base import DomainError
from votes.people import User


@bp.route("/proposals/<int:proposal_id>/cosign-for", methods=["GET", "POST"])
@allow("official")
def cosign_for(proposal_id: int):
    db = get_session()
    proposal = db.get(Proposal, proposal_id) or abort(404)
    form = ForResidentForm()
    if form.validate_on_submit():
        with writing(form, quiet=True) as work:
            resident = find_resident(form.resident.data)
            enter_cosign_for(db, db.get(User, current_user.id), proposal, resident)
            ask_to_confirm(resident)
            said = told(resident)
        if work.ok:
            flash(said, "success")
            return redirect(url_for("public.proposal", proposal_id=proposal.id))
        _show(form, work.error)
    return render_template("assisted/cosign_for.html", proposal=proposal, form=form)


@bp.route("/projects/<int:project_id>/rate-for", methods=["GET", "POST"])
@allow("official")
def rate_for(project_id: int):
    db = get_session()
    project = db.get(Project, project_id) or abort(404)
    form = RateForResidentForm()
    form.level.choices = choices(LEVEL_LABELS)
    if form.validate_on_submit():
        with writing(form, quiet=True) as work:
            resident = find_resident(form.resident.data)
            enter_rating_for(db, db.get(User, current_user.id), project, resident,
                             form.level.data, form.comment.data, today=today())
            ask_to_confirm(resident)
            said = told(resident)
        if work.ok:
            flash(said, "success")
            return redirect(url_for("officials.my_entries"))
        _show(form, work.error)
    return render_template("assisted/rate_for.html", project=project, form=form)


def _show(form, error: DomainError | None) -> None:
    if error is None:
        return
    field = getattr(form, str(error.params.get("field", "")), None) or form.resident
    field.errors = [*field.errors, domain_message(error)]


@bp.route("/entries")
@allow("official")
def my_entries():
    return render_template("assisted/entered.html",
                           entries=entries_by(get_session(), current_user))
