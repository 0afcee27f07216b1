"""The desk's pages for paper and electronic in one ballot (votes/mixed.py).

Choose the mode in the draft; mark who took a paper ballot at the box (or undo a mark while
the ballot is open); at the end, enter the paper count, which closes and counts the ballot.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.ballots.forms import ConfirmForm
from app.ballots.private import no_store
from app.collection.forms import ActionForm
from app.db import get_session, writing
from app.messages import domain_message
from app.numbers import whole_number
from app.officials import bp
from votes import casting, closing, mixed
from votes.ballots import (
    Ballot,
    BallotKeyShare,
    BallotMode,
    BallotSeal,
    BallotStatus,
    VoterRecord,
)
from votes.people import User


def _ballot(ballot_id: int) -> Ballot:
    return get_session().get(Ballot, ballot_id) or abort(404)


def _to_desk(ballot_id: int, anchor: str | None = None):
    return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id, _anchor=anchor))


@bp.route("/ballots/<int:ballot_id>/mode", methods=["POST"])
@allow("official")
def choose_mode(ballot_id: int):
    """Electronic only, or paper and electronic in one ballot: chosen in the draft."""
    if not ActionForm().validate_on_submit():
        flash(_("The request was incomplete; nothing changed."), "error")
        return _to_desk(ballot_id)
    chosen = request.form.get("mode", "")
    with writing(begin=True, success=_("Paper and electronic ballots will be counted together.")
                 if chosen == BallotMode.MIXED else _("Delegates will vote electronically.")):
        mixed.choose_mode(get_session(), current_user, _ballot(ballot_id), chosen)
    return _to_desk(ballot_id)


@bp.route("/ballots/<int:ballot_id>/paper/<int:user_id>", methods=["POST"])
@allow("official")
def issue_paper(ballot_id: int, user_id: int):
    """The teller hands a delegate a paper ballot at the box."""
    delegate = get_session().get(User, user_id) or abort(404)
    if ActionForm().validate_on_submit():
        with writing(begin=True, success=_("%(name)s took a paper ballot; they cannot vote "
                                           "electronically now.", name=delegate.display_name)):
            mixed.issue_paper(get_session(), current_user, _ballot(ballot_id), delegate)
    else:
        flash(_("The request was incomplete; nothing changed."), "error")
    return _to_desk(ballot_id, "attendance")


@bp.route("/ballots/<int:ballot_id>/paper/<int:user_id>/undo", methods=["POST"])
@allow("official")
def withdraw_paper(ballot_id: int, user_id: int):
    """A mark made by mistake, undone while voting is open, once the paper is back."""
    delegate = get_session().get(User, user_id) or abort(404)
    if ActionForm().validate_on_submit():
        with writing(begin=True, success=_("The paper ballot of %(name)s is taken back; they "
                                           "may vote electronically.",
                                           name=delegate.display_name)):
            mixed.withdraw_paper(get_session(), current_user, _ballot(ballot_id), delegate)
    else:
        flash(_("The request was incomplete; nothing changed."), "error")
    return _to_desk(ballot_id, "attendance")


def _typed_count(ballot: Ballot) -> tuple[dict, int | None, list[str]]:
    """The paper totals and the paper ballots found, as typed, and what is wrong with them."""
    errors = []

    def number(name: str) -> int | None:
        return whole_number(request.form.get(name, "").strip(), low=0)

    totals = {}
    for option in ballot.options:
        marks = [number(f"{kind}-{option.id}") for kind in ("yes", "no", "abstain")]
        if None in marks:
            errors.append(_("Enter whole numbers for “%(title)s”.", title=option.title))
        totals[option.id] = tuple(m or 0 for m in marks)
    found = number("paper_ballots")
    if found is None:
        errors.append(_("Enter the number of paper ballots found in the box."))
    return totals, found, errors


@bp.route("/ballots/<int:ballot_id>/mixed-count", methods=["GET", "POST"])
@allow("official")
def mixed_count(ballot_id: int):
    """End voting and count: the paper count typed in, the electronic ballots opened (by the
    tellers' passphrases if sealed), the sum stored. Refused typing stays on the page."""
    db = get_session()
    ballot = _ballot(ballot_id)
    if ballot.mode != BallotMode.MIXED or ballot.status != BallotStatus.OPEN:
        flash(_("That step is not open for this ballot now; here is where it stands."), "error")
        return _to_desk(ballot_id)
    form = ConfirmForm()
    errors: list[str] = []
    refusal = closing.count_refusal(db, current_user, ballot)
    if refusal is not None and request.method == "GET":
        errors.append(domain_message(refusal))  # said before anyone types the count in
    if request.method == "POST":
        totals, found, errors = _typed_count(ballot)
        if not form.validate_on_submit() or form.confirm.data is not True:
            errors.append(_("Tick the box to confirm: counting ends the vote and cannot be "
                            "undone."))
        unlock = {share.teller_id: request.form[f"unlock-{share.teller_id}"]
                  for share in _shares(db, ballot)
                  if request.form.get(f"unlock-{share.teller_id}")}
        if not errors:
            with writing(begin=True, quiet=True, success=_(
                    "The paper count is recorded; the ballot is closed and counted.")) as work:
                mixed.close_mixed(db, current_user, _ballot(ballot_id), totals,
                                  paper_ballots=found, unlock=unlock)
            if work.ok:
                return _to_desk(ballot_id)
            errors.append(domain_message(work.error))
    ballot = _ballot(ballot_id)
    cast, entitled = casting.turnout(db, ballot)
    refused = request.method == "POST" and bool(errors)
    return no_store(render_template(
        "officials/ballot_mixed_count.html", ballot=ballot, form=form, errors=errors,
        values=request.form, shares=_shares(db, ballot),
        sealed=db.get(BallotSeal, ballot.id), cast=cast, entitled=entitled,
        issued=mixed.count_issued(db, ballot.id),
        present=closing.count_present(db, ballot.id)), 422 if refused else 200)


def _shares(db, ballot: Ballot) -> list[BallotKeyShare]:
    return db.scalars(select(BallotKeyShare).where(BallotKeyShare.ballot_id == ballot.id)
                      .order_by(BallotKeyShare.share_index)).all()


@bp.app_template_global("paper_desk")
def paper_desk(ballot: Ballot) -> dict | None:
    """What the desk's attendance needs for a mixed ballot: who took paper, who voted on
    screen (both public), and the form; None for any other ballot."""
    if ballot.mode != BallotMode.MIXED or ballot.status == BallotStatus.DRAFT:
        return None
    db = get_session()
    voted = set(db.scalars(select(VoterRecord.user_id).where(VoterRecord.ballot_id == ballot.id)))
    takers = mixed.paper_takers(db, ballot.id)
    return {"takers": takers, "voted": voted, "form": ActionForm(),
            "open": ballot.status == BallotStatus.OPEN}


@bp.app_template_global("ballot_split")
def ballot_split(ballot: Ballot, result: dict | None = None):
    """A counted mixed ballot's electronic and paper parts (votes.mixed.Split), or None;
    `result` is its stored count, read here when not given."""
    if ballot.mode != BallotMode.MIXED or ballot.status not in closing.COUNTED:
        return None
    db = get_session()
    return mixed.split(db, ballot, result or closing.ballot_result(db, ballot))


@bp.app_template_global("took_paper_ballot")
def took_paper_ballot(ballot: Ballot) -> bool:
    """Whether the signed-in delegate took a paper ballot in this mixed ballot."""
    return (ballot.mode == BallotMode.MIXED and current_user.is_authenticated
            and mixed.took_paper(get_session(), ballot.id, current_user.id))
