"""The officials' ballot desk: create from the shortlist, open, attendance, close, publish."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.ballots.forms import BallotRulesForm, ConfirmForm, ReasonForm
from app.ballots.private import no_store
from app.ballots.results import reading_order
from app.collection.forms import ActionForm
from app.db import get_session, writing
from app.messages import domain_message
from app.numbers import whole_number
from app.officials import bp
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from proposals.shortlist import adoption
from proposals.shortlist import services as shortlist
from proposals.shortlist.adoption import apply_outcome, ballots_of_cycle
from votes import casting, closing, mixed, sealing
from votes.ballots import (
    Ballot,
    BallotKeyShare,
    BallotMode,
    BallotRosterEntry,
    BallotSeal,
    BallotStatus,
)
from votes.closing import COUNTED
from votes.people import Role, User, active_with_role
from votes.rules import BallotRules, quorum_met


def _turnout(db, ballot: Ballot) -> tuple[int, int]:
    return (0, 0) if ballot.status == BallotStatus.DRAFT else casting.turnout(db, ballot)


def _ballot(ballot_id: int) -> Ballot:
    return get_session().get(Ballot, ballot_id) or abort(404)


def _act(ballot_id: int, action, done: str):
    """Run one write service in a fresh transaction, commit once, say what happened."""
    db = get_session()
    if not ActionForm().validate_on_submit():
        flash(_("The request was incomplete; nothing changed."), "error")
        return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))
    with writing(begin=True, success=done):
        action(db, _ballot(ballot_id))
    return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))


@bp.route("/cycles/<int:cycle_id>/ballot/new", methods=["GET", "POST"])
@allow("official")
def new_ballot(cycle_id: int):
    """Put the submitted shortlist to the assembly's vote, with rules fixed at opening."""
    db = get_session()
    cycle = db.get(Cycle, cycle_id) or abort(404)
    existing = ballots_of_cycle(db, cycle_id)
    if existing:
        return redirect(url_for("officials.ballot_desk", ballot_id=existing[0].id))
    if cycle.stage != Stage.BALLOT or cycle.shortlist_submitted_at is None:
        flash(_("A ballot needs a submitted shortlist and the cycle in its ballot stage."),
              "error")
        return redirect(url_for("public.cycle", cycle_id=cycle_id))
    form = BallotRulesForm()
    if request.method == "GET":
        form.title.data = _("%(cycle)s: delegates' ballot", cycle=cycle.title)
        form.seats.data, form.budget_cap.data = cycle.seats, cycle.budget
    candidates = shortlist.candidates(db, cycle_id, include_withdrawn=False)
    if form.validate_on_submit():
        num, den = (int(x) for x in form.quorum.data.split("/"))
        rules = BallotRules(
            method=form.method.data, threshold_base=form.threshold_base.data,
            majority=form.majority.data, seats=form.seats.data,
            budget_cap=form.budget_cap.data or None, max_selections=form.max_selections.data,
            quorum_num=num, quorum_den=den, secret=not form.roll_call.data,
            check_in_required=(form.check_in_required.data
                               or form.threshold_base.data == "present"))
        try:
            rules.validate()
        except ValueError:
            form.method.errors = [_("These rules do not fit together; check the method and "
                                    "the majority base.")]
        else:
            with writing(begin=True,
                         success=_("Ballot created. Check it, then open it.")) as work:
                ballot = adoption.put_to_ballot(db, current_user, cycle, form.title.data, rules)
                if form.mode.data == BallotMode.MIXED:  # paper and electronic in one count
                    mixed.choose_mode(db, current_user, ballot, form.mode.data)
            if work.ok:
                return redirect(url_for("officials.ballot_desk", ballot_id=ballot.id))
    return render_template("officials/ballot_new.html", form=form, cycle=cycle,
                           candidates=candidates)


TELLER_ROWS = 5  # rows of the opening form; the engine allows up to sealing.MAX_TELLERS


def _teller_choices(db) -> list:
    """Who may hold a share of a ballot's key: active officials and delegates, by name."""
    people = {u.id: u for role in (Role.OFFICIAL, Role.DELEGATE)
              for u in active_with_role(db, role)}
    return sorted(people.values(), key=lambda u: u.display_name)


def _desk(ballot: Ballot, *, status: int = 200, **extra):
    db = get_session()
    sealed = db.get(BallotSeal, ballot.id)
    shares = db.scalars(select(BallotKeyShare).where(BallotKeyShare.ballot_id == ballot.id)
                        .order_by(BallotKeyShare.share_index)).all() if sealed else []
    needs_tellers = ballot.status == BallotStatus.DRAFT and casting.sealing_required(db, ballot)
    extra.setdefault("typed", {})
    extra.setdefault("errors", [])
    if ballot.status == BallotStatus.OPEN:
        extra.setdefault("attendance", _attendance(db, ballot))
    return no_store(render_template(
        "officials/ballot.html", **_desk_context(db, ballot), sealed=sealed, shares=shares,
        needs_tellers=needs_tellers, teller_rows=TELLER_ROWS,
        min_passphrase=sealing.MIN_PASSPHRASE,
        teller_choices=_teller_choices(db) if needs_tellers else [], **extra), status)


@bp.route("/ballots/<int:ballot_id>")
@allow("official")
def ballot_desk(ballot_id: int):
    return _desk(_ballot(ballot_id))


def _desk_context(db, ballot: Ballot) -> dict:
    ballot_id = ballot.id
    roster = db.scalars(select(BallotRosterEntry).where(BallotRosterEntry.ballot_id == ballot_id)
                        .order_by(BallotRosterEntry.user_id)).all()
    result = closing.ballot_result(db, ballot) if ballot.status in COUNTED \
        else None
    # Where its ties stand: each settlement, what selection then adopted, a tie still open.
    ties = closing.tie_state(db, ballot) if result else None
    return dict(
        ballot=ballot, roster=roster, result=result,
        rows=reading_order(result["rows"], ties.adopted) if result else None,
        ties=ties, turnout=_turnout(db, ballot), form=ActionForm(),
        reason_form=ReasonForm(), rules=ballot.rules,
        options={o.id: o for o in ballot.options},
        may_settle=closing.count_refusal(db, current_user, ballot) is None,
    )


def _typed_tellers(db) -> tuple[list, int | None, list[str], dict]:
    """(teller, passphrase) pairs, the threshold, problems, and what to show again."""
    pairs, errors, seen = [], [], set()
    typed = {"threshold": request.form.get("threshold", "")}
    for row in range(1, TELLER_ROWS + 1):
        person_id = whole_number(request.form.get(f"teller-{row}", "").strip(), low=1)
        passphrase = request.form.get(f"passphrase-{row}", "")
        repeat = request.form.get(f"repeat-{row}", "")
        if person_id is None and not passphrase:
            continue
        typed[f"teller-{row}"] = person_id
        person = db.get(User, person_id) if person_id else None
        if person is None:
            errors.append(_("Row %(row)d: choose the teller.", row=row))
        elif person.id in seen:
            errors.append(_("Row %(row)d: %(name)s is already a teller.", row=row,
                            name=person.display_name))
        elif passphrase != repeat:
            errors.append(_("Row %(row)d: the two passphrases differ; type them again.",
                            row=row))
        else:
            seen.add(person.id)
            pairs.append((person, passphrase))
    threshold = whole_number(typed["threshold"].strip(), low=2)
    if not pairs and not errors:
        errors.append(_("Name the tellers: at least two, each with a passphrase of their own."))
    elif threshold is None:
        errors.append(_("Choose how many tellers are needed to count the ballot."))
    return pairs, threshold, errors, typed


@bp.route("/ballots/<int:ballot_id>/open", methods=["POST"])
@allow("official")
def open_ballot(ballot_id: int):
    db = get_session()
    ballot = _ballot(ballot_id)
    if not casting.sealing_required(db, ballot):
        return _act(ballot_id, lambda db, b: casting.open_ballot(db, current_user, b),
                    _("The ballot is open. Show the check-in code in the hall."))
    if not ActionForm().validate_on_submit():
        flash(_("The request was incomplete; nothing changed."), "error")
        return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))
    tellers, threshold, errors, typed = _typed_tellers(db)
    if not errors:
        with writing(begin=True, quiet=True, success=_(
                "The ballot is open and sealed for its tellers. Show the check-in code in "
                "the hall.")) as work:
            casting.open_ballot(db, current_user, _ballot(ballot_id), tellers=tellers,
                                threshold=threshold)
        if work.ok:
            return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))
        errors.append(domain_message(work.error))
    return _desk(_ballot(ballot_id), status=422, errors=errors, typed=typed)


@bp.route("/ballots/<int:ballot_id>/check-in/<int:user_id>", methods=["POST"])
@allow("official")
def check_in(ballot_id: int, user_id: int):
    delegate = get_session().get(User, user_id) or abort(404)
    return _act(ballot_id, lambda db, b: casting.check_in(db, current_user, b, delegate=delegate),
                _("%(name)s is checked in.", name=delegate.display_name))


def _attendance(db, ballot: Ballot) -> dict:
    """Turnout for an official about to close or settle: figures, and who has not voted."""
    cast, entitled = _turnout(db, ballot)
    present = ballot.present if ballot.present is not None else closing.count_present(
        db, ballot.id)
    return {"cast": cast, "entitled": entitled, "present": present,
            "quorum_met": quorum_met(ballot.rules, cast, entitled),
            "missing": casting.not_voted(db, ballot) if ballot.opened_at else []}


BUTTONS = {
    "close": lambda: _("Close and count"),
    "publish": lambda: _("Publish the result and bulletin"),
    "resolve": lambda: _("Record the resolution"),
    "runoff": lambda: _("Draft a run-off ballot"),
}
ENDPOINTS = {"close": "officials.close_ballot", "publish": "officials.publish_ballot",
             "resolve": "officials.resolve_tie", "runoff": "officials.runoff"}


def _confirm_page(ballot: Ballot, act: str, **extra):
    """What the act will do and the turnout, with the box to tick before it is done."""
    db = get_session()
    return no_store(render_template(
        "officials/ballot_confirm.html", act=act, **_desk_context(db, ballot),
        attendance=_attendance(db, ballot), confirm_form=ConfirmForm(),
        button=BUTTONS[act](), endpoint=ENDPOINTS[act], **extra))


def _confirmed() -> bool:
    form = ConfirmForm()
    return form.validate_on_submit() and form.confirm.data is True


def _unconfirmed(act: str, ballot_id: int, **query):
    """Posted without the box ticked: nothing is done; back to the page that asks."""
    flash(_("Nothing has changed yet: tick the box to confirm, then press the button again."),
          "error")
    return redirect(url_for(ENDPOINTS[act], ballot_id=ballot_id, **query))


def _not_now(ballot_id: int):
    flash(_("That step is not open for this ballot now; here is where it stands."), "error")
    return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))


@bp.route("/ballots/<int:ballot_id>/close", methods=["GET", "POST"])
@allow("official")
def close_ballot(ballot_id: int):
    """Close and count, once confirmed; a sealed ballot's tellers type their passphrases on
    the desk, together, beside the turnout: that is its confirmation."""
    db = get_session()
    ballot = _ballot(ballot_id)
    sealed = db.get(BallotSeal, ballot_id) is not None
    if ballot.mode == BallotMode.MIXED:  # closed with its paper count (app/ballots/paper.py)
        return redirect(url_for("officials.mixed_count", ballot_id=ballot_id))
    if request.method == "GET":
        if ballot.status != BallotStatus.OPEN:
            return _not_now(ballot_id)
        if sealed:
            return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id,
                                    _anchor="close-ballot"))
        return _confirm_page(ballot, "close")
    if not sealed:
        if not _confirmed():
            return _unconfirmed("close", ballot_id)
        return _act(ballot_id, lambda db, b: closing.close_ballot(db, current_user, b),
                    _("The ballot is closed and counted."))
    if not ActionForm().validate_on_submit():
        flash(_("The request was incomplete; nothing changed."), "error")
        return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))
    unlock = {}
    for share in db.scalars(select(BallotKeyShare).where(BallotKeyShare.ballot_id == ballot_id)):
        passphrase = request.form.get(f"unlock-{share.teller_id}", "")
        if passphrase:
            unlock[share.teller_id] = passphrase
    with writing(begin=True, quiet=True,
                 success=_("The tellers opened the ballots; the ballot is closed and counted.")
                 ) as work:
        closing.close_ballot(db, current_user, _ballot(ballot_id), unlock=unlock)
    if work.ok:
        return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))
    return _desk(_ballot(ballot_id), status=422, errors=[domain_message(work.error)])


def _publish(db, ballot):
    closing.publish_ballot(db, current_user, ballot)
    apply_outcome(db, current_user, ballot)
    _settle_upwards(db, ballot)


def _settle_upwards(db, ballot):
    """A run-off published or its own tie settled: record the tie it settles, in the ballot it
    was drawn from (and up), and mark what that ballot now adopts, continuation included."""
    for parent in closing.record_runoff_upwards(db, current_user, ballot):
        if parent.published_at is not None:
            apply_outcome(db, current_user, parent)


@bp.route("/ballots/<int:ballot_id>/publish", methods=["GET", "POST"])
@allow("official")
def publish_ballot(ballot_id: int):
    if request.method == "GET":
        ballot = _ballot(ballot_id)
        if ballot.status != BallotStatus.CLOSED:
            return _not_now(ballot_id)
        return _confirm_page(ballot, "publish")
    if not _confirmed():
        return _unconfirmed("publish", ballot_id)
    return _act(ballot_id, _publish,
                _("The result and bulletin are published; adopted proposals are marked."))


@bp.route("/ballots/<int:ballot_id>/paper", methods=["GET", "POST"])
@allow("official")
def paper_totals(ballot_id: int):
    """Counted totals of a paper ballot, checked against the roster."""
    db = get_session()
    ballot = _ballot(ballot_id)
    form = ActionForm()
    errors: list[str] = []
    refusal = closing.count_refusal(db, current_user, ballot)
    if refusal is not None and request.method == "GET":
        errors.append(domain_message(refusal))  # said before anyone types the totals in
    if form.validate_on_submit():
        def number(name: str) -> int | None:
            return whole_number(request.form.get(name, "").strip(), low=0)

        totals = {}
        for option in ballot.options:
            marks = [number(f"{kind}-{option.id}") for kind in ("yes", "no", "abstain")]
            if None in marks:
                errors.append(_("Enter whole numbers for “%(title)s”.", title=option.title))
            totals[option.id] = tuple(m or 0 for m in marks)
        cast, present = number("ballots_cast"), number("present")
        if cast is None or present is None:
            errors.append(_("Enter the number of ballots cast and of delegates present."))
        if not errors:
            # Shown in the page's list of problems, not flashed.
            with writing(begin=True, quiet=True,
                         success=_("The paper count is recorded and the ballot closed.")) as work:
                closing.enter_paper_totals(db, current_user, ballot, totals, ballots_cast=cast,
                                           present=present)
            if work.ok:
                return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))
            errors.append(domain_message(work.error))
    return render_template("officials/ballot_paper.html", ballot=_ballot(ballot_id), form=form,
                           errors=errors, values=request.form)


def _tie_pending(db, ballot: Ballot) -> bool:
    """A tie waits to be settled, with no run-off under way for it."""
    if ballot.status not in COUNTED:
        return False
    state = closing.tie_state(db, ballot)
    return bool(state.tie_pending) and state.runoff is None


@bp.route("/ballots/<int:ballot_id>/resolve", methods=["GET", "POST"])
@allow("official")
def resolve_tie(ballot_id: int):
    """Adopt among the tied by a lawful resolution: the desk's form asks here first."""
    db = get_session()
    ballot = _ballot(ballot_id)
    typed = request.args if request.method == "GET" else request.form
    adopt = [n for n in (whole_number(v) for v in typed.getlist("adopt")) if n is not None]
    reason = (typed.get("reason") or "").strip()
    if request.method == "GET":
        if not reason or len(reason) > 1000:
            flash(_("Give the lawful reason for the resolution."), "error")
            return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))
        if not _tie_pending(db, ballot):
            return _not_now(ballot_id)
        return _confirm_page(ballot, "resolve", adopt=adopt, reason=reason)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the lawful reason for the resolution."), "error")
        return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))
    if not _confirmed():
        return _unconfirmed("resolve", ballot_id, adopt=adopt, reason=reason)

    def resolve(db, ballot):
        closing.resolve_tie(db, current_user, ballot, adopt, form.reason.data)
        if ballot.published_at is not None:
            apply_outcome(db, current_user, ballot)
        _settle_upwards(db, ballot)

    return _act(ballot_id, resolve, _("The resolution is recorded in the ledger."))


@bp.route("/ballots/<int:ballot_id>/runoff", methods=["GET", "POST"])
@allow("official")
def runoff(ballot_id: int):
    db = get_session()
    if request.method == "GET":
        ballot = _ballot(ballot_id)
        if not _tie_pending(db, ballot):
            return _not_now(ballot_id)
        return _confirm_page(ballot, "runoff")
    if not ActionForm().validate_on_submit():
        abort(400)
    if not _confirmed():
        return _unconfirmed("runoff", ballot_id)
    with writing(begin=True,
                 success=_("A run-off ballot is drafted among the tied candidates.")) as work:
        created = closing.start_runoff(db, current_user, _ballot(ballot_id),
                                       reason=_("Tie at the cut-off: run-off among the tied "
                                                "candidates."))
    if not work.ok:
        return redirect(url_for("officials.ballot_desk", ballot_id=ballot_id))
    return redirect(url_for("officials.ballot_desk", ballot_id=created.id))


@bp.route("/ballots/<int:ballot_id>/runoff-outcome", methods=["POST"])
@allow("official")
def runoff_outcome(ballot_id: int):
    """Record how the published run-off settled the tie; selection then goes on below it."""
    def record(db, ballot):
        closing.record_runoff_outcome(db, current_user, ballot)
        if ballot.published_at is not None:
            apply_outcome(db, current_user, ballot)
        _settle_upwards(db, ballot)

    return _act(ballot_id, record,
                _("The run-off’s outcome is recorded in the ledger; selection went on below "
                  "the tie."))
