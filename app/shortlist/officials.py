"""The officials' shortlist desk: screening queue, decisions, candidates, budget, submission."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.access import allow
from app.db import get_session, writing
from app.forms import choices
from app.messages import report
from app.numbers import whole_number
from app.officials import bp
from app.pagination import paginate
from app.shortlist.forms import (
    AssignForm,
    CandidateForm,
    DeclineForm,
    FrameForm,
    NoteForm,
    SubmitShortlistForm,
    WithdrawForm,
    numbers,
)
from proposals.collection.models import Proposal
from proposals.cycles.models import Cycle
from proposals.shortlist import services as shortlist
from proposals.shortlist.models import Candidate, CandidateSource, ProposalNote
from proposals.shortlist.services import CandidateDraft
from votes.people import Role, User, active_with_role

# The screening list's filter for what the shortlist waits on: every status not decided.
AWAITING = "undecided"


def _cycle(cycle_id: int) -> Cycle:
    return get_session().get(Cycle, cycle_id) or abort(404)


@bp.route("/cycles/<int:cycle_id>/screening")
@allow("official")
def screening(cycle_id: int):
    db = get_session()
    cycle = _cycle(cycle_id)
    stmt = select(Proposal).where(Proposal.cycle_id == cycle_id, Proposal.hidden.is_(False)) \
        .options(selectinload(Proposal.assignee))  # shown on every row
    who = request.args.get("who", "")
    if who == "mine":
        stmt = stmt.where(Proposal.assignee_id == current_user.id)
    elif who == "unassigned":
        stmt = stmt.where(Proposal.assignee_id.is_(None))
    status = request.args.get("status", "")
    if status == AWAITING:
        stmt = stmt.where(Proposal.status.not_in(shortlist.DECIDED))
    elif status:
        stmt = stmt.where(Proposal.status == status)
    page = paginate(db, stmt.order_by(Proposal.cosign_count.desc(), Proposal.id),
                    current_app.config["PAGE_SIZE"])
    ids = [p.id for p in page.items]
    merged_in = dict(db.execute(
        select(Proposal.merged_into_id, func.count()).where(Proposal.merged_into_id.in_(ids))
        .group_by(Proposal.merged_into_id)).all())
    in_candidate = dict(db.execute(
        select(CandidateSource.proposal_id, Candidate.title).join(Candidate)
        .where(CandidateSource.proposal_id.in_(ids))).all())
    return render_template(
        "officials/screening.html", cycle=cycle, page=page, who=who, status=status,
        merged_in=merged_in, in_candidate=in_candidate,
        undecided=shortlist.undecided(db, cycle_id), view=shortlist.view_budget(db, cycle),
    )


def _officials(db) -> list:
    rows = active_with_role(db, Role.OFFICIAL)
    return choices([(0, _("Nobody"))] + [(u.id, u.display_name) for u in rows])


def _screening_action(db, proposal: Proposal, assign_form, note_form, decline_form) -> str | None:
    """Do the one action the page posted; what to say once it is saved, None if none was."""
    if assign_form.submit.data and assign_form.validate_on_submit():
        assignee = db.get(User, assign_form.assignee_id.data) \
            if assign_form.assignee_id.data else None
        shortlist.assign(db, current_user, proposal, assignee)
        return _("Assigned.")
    if note_form.submit.data and note_form.validate_on_submit():
        shortlist.add_note(db, current_user, proposal, note_form.body.data)
        return _("Note added. It stays internal.")
    if decline_form.submit.data and decline_form.validate_on_submit():
        shortlist.decline(db, current_user, proposal, decline_form.ground.data,
                          decline_form.reason.data)
        return _("Declined; the reason is published.")
    return None


@bp.route("/proposals/<int:proposal_id>/screen", methods=["GET", "POST"])
@allow("official")
def screen(proposal_id: int):
    """One proposal's screening: assignment, internal notes, the decision."""
    db = get_session()
    proposal = db.get(Proposal, proposal_id) or abort(404)
    assign_form, note_form, decline_form = AssignForm(prefix="a"), NoteForm(prefix="n"), \
        DeclineForm(prefix="d")
    assign_form.assignee_id.choices = _officials(db)
    if request.method == "POST":
        with writing(decline_form if decline_form.submit.data else None) as work:
            said = _screening_action(db, proposal, assign_form, note_form, decline_form)
        if work.ok and said:
            flash(said, "success")
            return redirect(url_for("officials.screen", proposal_id=proposal_id))
    if request.method == "GET":
        assign_form.assignee_id.data = proposal.assignee_id or 0
    notes = db.scalars(select(ProposalNote).where(ProposalNote.proposal_id == proposal_id)
                       .order_by(ProposalNote.id)).all()
    source = db.get(CandidateSource, proposal_id)
    open_candidates = shortlist.candidates(db, proposal.cycle_id, include_withdrawn=False)
    return render_template(
        "officials/screen.html", proposal=proposal, notes=notes, assign_form=assign_form,
        note_form=note_form, decline_form=decline_form,
        candidate=source.candidate if source else None, open_candidates=open_candidates,
    )


def _draft(form: CandidateForm) -> CandidateDraft:
    return CandidateDraft(
        title=form.title.data, description=form.description.data,
        responsible_unit=form.responsible_unit.data, estimated_cost=form.estimated_cost.data,
        funding_source=form.funding_source.data, policy_basis=form.policy_basis.data or "",
        feasibility=form.feasibility.data or "",
        expected_completion=form.expected_completion.data, location=form.location.data)


@bp.route("/cycles/<int:cycle_id>/candidates/new", methods=["GET", "POST"])
@allow("official")
def new_candidate(cycle_id: int):
    db = get_session()
    cycle = _cycle(cycle_id)
    form = CandidateForm()
    if request.method == "GET":
        wanted = (whole_number(v) for v in request.args.getlist("proposal"))
        picked = [db.get(Proposal, i) for i in wanted if i is not None]
        picked = [p for p in picked if p is not None and p.cycle_id == cycle_id]
        if picked:
            form.proposal_numbers.data = ", ".join(str(p.id) for p in picked)
            form.title.data, form.description.data = picked[0].title, picked[0].description
            form.location.data = f"{picked[0].street}{picked[0].community}"
    if form.validate_on_submit():
        with writing(form, success=_("Candidate project saved.")) as work:
            created = shortlist.create_candidate(
                db, current_user, cycle, _draft(form), numbers(form.proposal_numbers.data),
                reason=form.reason.data or None)
        if work.ok:
            return redirect(url_for("officials.shortlist_desk", cycle_id=cycle_id)
                            + f"#candidate-{created.id}")
    return render_template("officials/candidate_form.html", form=form, cycle=cycle,
                           candidate=None)


@bp.route("/candidates/<int:candidate_id>/edit", methods=["GET", "POST"])
@allow("official")
def edit_candidate(candidate_id: int):
    db = get_session()
    candidate = db.get(Candidate, candidate_id) or abort(404)
    form = CandidateForm(obj=candidate if request.method == "GET" else None)
    if request.method == "GET":
        form.proposal_numbers.data = ""
    withdraw_form = WithdrawForm(prefix="w")
    if form.submit.data and form.validate_on_submit():
        with writing(form, success=_("Candidate project saved.")) as work:
            shortlist.update_candidate(db, current_user, candidate, _draft(form),
                                       numbers(form.proposal_numbers.data),
                                       reason=form.reason.data or None)
        if work.ok:
            return redirect(url_for("officials.shortlist_desk", cycle_id=candidate.cycle_id))
    return render_template("officials/candidate_form.html", form=form, cycle=candidate.cycle,
                           candidate=candidate, withdraw_form=withdraw_form)


@bp.route("/candidates/<int:candidate_id>/withdraw", methods=["POST"])
@allow("official")
def withdraw_candidate(candidate_id: int):
    db = get_session()
    candidate = db.get(Candidate, candidate_id) or abort(404)
    cycle_id = candidate.cycle_id
    form = WithdrawForm(prefix="w")
    if form.validate_on_submit():
        with writing(success=_("Candidate project removed.")) as work:
            shortlist.withdraw_candidate(db, current_user, candidate,
                                         reason=form.reason.data or None)
        if work.ok:
            return redirect(url_for("officials.shortlist_desk", cycle_id=cycle_id))
    return redirect(url_for("officials.edit_candidate", candidate_id=candidate_id))


def _desk_action(db, cycle: Cycle, view, frame_form, submit_form) -> str | None:
    """Do the one action the desk posted; what to say once it is saved, None if none was."""
    if frame_form.submit.data and frame_form.validate_on_submit():
        shortlist.set_frame(db, current_user, cycle, budget=frame_form.budget.data,
                            seats=frame_form.seats.data)
        return _("Saved.")
    if submit_form.submit.data and submit_form.validate_on_submit():
        if view.warnings and not submit_form.confirm.data:
            submit_form.confirm.errors = [_("Please confirm that you have read the warnings.")]
        else:
            shortlist.submit_shortlist(db, current_user, cycle)
            return _("The shortlist is submitted to the assembly and locked.")
    return None


def _refused(error, cycle: Cycle, frame_form, submit_form) -> None:
    """Say why the desk's action was refused; proposals awaiting a decision are linked."""
    if error.code != "undecided_proposals":
        report(error, frame_form if frame_form.submit.data else submit_form)
        return
    n = error.params["n"]
    url = url_for("officials.screening", cycle_id=cycle.id, status=AWAITING)
    flash(Markup("{} <a href=\"{}\">{}</a>").format(
        ngettext("The shortlist cannot be submitted yet: %(num)d proposal still awaits a "
                 "decision.",
                 "The shortlist cannot be submitted yet: %(num)d proposals still await a "
                 "decision.", n),
        url, ngettext("See it in the screening list", "See them in the screening list", n)),
        "error")


@bp.route("/cycles/<int:cycle_id>/shortlist", methods=["GET", "POST"])
@allow("official")
def shortlist_desk(cycle_id: int):
    """Budget and seats, the running totals and warnings, and submission to the assembly."""
    db = get_session()
    cycle = _cycle(cycle_id)
    # The saved frame fills the fields; what was typed into them (formdata) comes first,
    # so a refused frame, or a refused submission, never empties them.
    frame_form = FrameForm(prefix="f", obj=cycle)
    submit_form = SubmitShortlistForm(prefix="s")
    view = shortlist.view_budget(db, cycle)
    if request.method == "POST":
        with writing(quiet=True) as work:
            said = _desk_action(db, cycle, view, frame_form, submit_form)
        if work.error is not None:
            _refused(work.error, cycle, frame_form, submit_form)
        elif work.ok and said:
            flash(said, "success")
            return redirect(url_for("officials.shortlist_desk", cycle_id=cycle_id))
    return render_template(
        "officials/shortlist.html", cycle=cycle, view=view, frame_form=frame_form,
        submit_form=submit_form, candidates=shortlist.candidates(db, cycle_id),
        undecided=shortlist.undecided(db, cycle_id),
        first_undecided=shortlist.first_undecided(db, cycle_id), awaiting=AWAITING,
    )
