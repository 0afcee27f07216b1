"""A delegate's ballot: check in, mark the candidates, review, cast, and keep the receipt."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import allow
from app.ballots.forms import CheckInForm
from app.collection.forms import ActionForm
from app.db import begin_writing, get_session
from app.delegates import bp
from app.extensions import limiter
from app.messages import domain_message
from votes import casting
from votes.ballots import Ballot, VoterRecord
from votes.base import DomainError
from votes.rules import InvalidBallot, validate_choices
from votes.tally_methods import Method

MARKS = ("yes", "no", "abstain")


def _turnout(db, ballot: Ballot) -> tuple[int, int]:
    return (0, 0) if ballot.status == "draft" else casting.turnout(db, ballot)


def _ballot(ballot_id: int) -> Ballot:
    return get_session().get(Ballot, ballot_id) or abort(404)


def submitted_choices(ballot: Ballot) -> dict[int, str]:
    """The marks in the form: one radio group per option, or ticks for approval ballots."""
    if ballot.rules.method == Method.Y:
        ticked = set(request.form.getlist("tick"))
        return {o.id: "yes" for o in ballot.options if str(o.id) in ticked}
    marks = {}
    for option in ballot.options:
        mark = request.form.get(f"option-{option.id}", "")
        if mark in MARKS:
            marks[option.id] = mark
    return marks


def _page(ballot: Ballot, **extra):
    db = get_session()
    entry = casting.roster_entry(db, ballot.id, current_user.id) if ballot.opened_at else None
    voted = db.get(VoterRecord, (ballot.id, current_user.id)) is not None
    return render_template(
        "delegates/ballot.html", ballot=ballot, rules=ballot.rules, entry=entry, voted=voted,
        turnout=_turnout(db, ballot), checkin_form=CheckInForm(), form=ActionForm(),
        marks=extra.pop("marks", {}), **extra)


@bp.route("/ballots/<int:ballot_id>")
@allow("delegate")
def ballot(ballot_id: int):
    return _page(_ballot(ballot_id))


@bp.route("/ballots/<int:ballot_id>/check-in", methods=["POST"])
@allow("delegate")
@limiter.limit("10 per minute")
def check_in(ballot_id: int):
    db = get_session()
    form = CheckInForm()
    if form.validate_on_submit():
        begin_writing(db)
        try:
            casting.check_in(db, current_user, _ballot(ballot_id), code=form.code.data)
        except DomainError as error:
            db.rollback()
            flash(domain_message(error), "error")
        else:
            db.commit()
            flash(_("You are checked in."), "success")
    return redirect(url_for("delegates.ballot", ballot_id=ballot_id))


@bp.route("/ballots/<int:ballot_id>/review", methods=["POST"])
@allow("delegate")
def review(ballot_id: int):
    """Show the delegate what they marked before anything is recorded."""
    ballot = _ballot(ballot_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    marks = submitted_choices(ballot)
    try:
        validate_choices(ballot.rules, [o.id for o in ballot.options], marks)
    except InvalidBallot as invalid:
        flash(domain_message(DomainError(invalid.code, **invalid.params)), "error")
        return _page(ballot, marks=marks)
    return render_template("delegates/ballot_review.html", ballot=ballot, marks=marks,
                           rules=ballot.rules, form=ActionForm())


@bp.route("/ballots/<int:ballot_id>/cast", methods=["POST"])
@allow("delegate")
def cast(ballot_id: int):
    db = get_session()
    ballot = _ballot(ballot_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    marks = submitted_choices(ballot)
    begin_writing(db)
    try:
        tracker = casting.cast_ballot(db, ballot_id, current_user, marks)
    except DomainError as error:
        db.rollback()
        flash(domain_message(error), "error")
        return redirect(url_for("delegates.ballot", ballot_id=ballot_id))
    db.commit()
    # Rendered, not redirected: the receipt is shown once and never put in a URL.
    return render_template("delegates/ballot_cast.html", ballot=_ballot(ballot_id),
                           tracker=tracker)
