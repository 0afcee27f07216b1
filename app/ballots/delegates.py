"""A delegate's ballot: check in, mark the candidates, review, cast, and keep the receipt."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.access import allow
from app.ballots import receipts
from app.ballots.forms import CheckInForm
from app.ballots.marks import reviewable_choices, submitted_choices
from app.ballots.private import no_store
from app.collection.forms import ActionForm
from app.db import get_session, writing
from app.delegates import bp
from app.extensions import limiter
from app.messages import domain_message
from votes import casting
from votes.ballots import Ballot, BallotStatus, VoterRecord
from votes.base import DomainError


def _turnout(db, ballot: Ballot) -> tuple[int, int]:
    return (0, 0) if ballot.status == BallotStatus.DRAFT else casting.turnout(db, ballot)


def _ballot(ballot_id: int) -> Ballot:
    return get_session().get(Ballot, ballot_id) or abort(404)


def _page(ballot: Ballot, **extra):
    db = get_session()
    entry = casting.roster_entry(db, ballot.id, current_user.id) if ballot.opened_at else None
    voted = db.get(VoterRecord, (ballot.id, current_user.id)) is not None
    return no_store(render_template(
        "delegates/ballot.html", ballot=ballot, rules=ballot.rules, entry=entry, voted=voted,
        turnout=_turnout(db, ballot), checkin_form=CheckInForm(), form=ActionForm(),
        marks=extra.pop("marks", {}), **extra))


def _must_check_in(ballot: Ballot) -> bool:
    """The frozen rules ask for a check-in this delegate has not made yet."""
    if not ballot.rules.check_in_required:
        return False
    entry = casting.roster_entry(get_session(), ballot.id, current_user.id)
    return entry is not None and not entry.present


@bp.route("/ballots/<int:ballot_id>", methods=["GET", "POST"])
@allow("delegate")
def ballot(ballot_id: int):
    """The ballot; posted from the review page ("go back and change"), with the marks made."""
    found = _ballot(ballot_id)
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        return _page(found, marks=submitted_choices(found))
    return _page(found)


@bp.route("/ballots/<int:ballot_id>/check-in", methods=["POST"])
@allow("delegate")
@limiter.limit("10 per minute")
def check_in(ballot_id: int):
    """Check in with the hall's code; marks made before checking in come back with the page."""
    db = get_session()
    form = CheckInForm()
    marks = submitted_choices(_ballot(ballot_id))
    if form.validate_on_submit():
        with writing(begin=True, success=_("You are checked in.")):
            casting.check_in(db, current_user, _ballot(ballot_id), code=form.code.data)
    else:
        flash(_("Enter the check-in code shown in the hall."), "error")
    if marks:  # rendered, not redirected: marks are never put in a URL
        return _page(_ballot(ballot_id), marks=marks)
    return redirect(url_for("delegates.ballot", ballot_id=ballot_id))


@bp.route("/ballots/<int:ballot_id>/review", methods=["POST"])
@allow("delegate")
def review(ballot_id: int):
    """Show the delegate what they marked, and their receipt code, before anything is recorded."""
    ballot = _ballot(ballot_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if _must_check_in(ballot):
        flash(domain_message(DomainError("not_checked_in")), "error")
        return _page(ballot, marks=submitted_choices(ballot))
    marks, allowed = reviewable_choices(ballot)
    if not allowed:
        return _page(ballot, marks=marks)
    tracker, seal = receipts.issue(ballot.id, current_user.id)
    return no_store(render_template("delegates/ballot_review.html", ballot=ballot, marks=marks,
                                    rules=ballot.rules, form=ActionForm(), tracker=tracker,
                                    seal=seal))


@bp.route("/ballots/<int:ballot_id>/cast", methods=["POST"])
@allow("delegate")
def cast(ballot_id: int):
    db = get_session()
    ballot = _ballot(ballot_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    marks = submitted_choices(ballot)
    receipt = receipts.posted(ballot.id, current_user.id)
    if receipt is False:
        flash(_("This receipt code is not the one your review page gave you. Nothing was "
                "recorded: review your ballot again."), "error")
        return _page(ballot, marks=marks)
    with writing(begin=True) as work:
        tracker = casting.cast_ballot(db, ballot_id, current_user, marks, tracker=receipt)
    if not work.ok:  # the reason is flashed; the marks come back with the page
        return _page(_ballot(ballot_id), marks=marks)
    # Rendered, not redirected: the receipt is shown once and never put in a URL.
    return no_store(render_template("delegates/ballot_cast.html", ballot=_ballot(ballot_id),
                                    tracker=tracker))
