"""The officials' evaluation desk: open and close rounds, the bar, and rectification (整改)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.ballots.forms import ConfirmForm
from app.collection.forms import ActionForm
from app.db import get_session, writing
from app.evaluation.forms import BarForm, RectificationForm
from app.implementation.support import load_project, today
from app.messages import domain_message
from app.numbers import arg_int
from app.officials import bp
from app.pagination import paginate
from proposals.cycles.models import Cycle
from proposals.cycles.stages import Stage
from proposals.evaluation import rounds as evaluation
from proposals.evaluation import satisfaction as rules
from proposals.evaluation.models import Rating
from proposals.evaluation.satisfaction import RaterKind
from proposals.implementation import services as implementation
from proposals.implementation.models import Project
from proposals.opendata import datasets as opendata
from votes.base import DomainError
from votes.people import roster


def _back(project_id: int) -> str:
    return url_for("officials.evaluation_project", project_id=project_id)


def _min_open_days() -> int:
    """How long a round stays open before it may close: this installation's setting."""
    return current_app.config["EVALUATION_MIN_OPEN_DAYS"]


def _close_refusals(projects, day) -> dict[int, str]:
    """Why the signed-in official may not close each project's open round, in words."""
    db = get_session()
    found = evaluation.open_rounds(db, [p.id for p in projects])
    refusals = {}
    for project in projects:
        if project.id in found:
            refusal = evaluation.close_refusal(current_user, project, found[project.id].opened_at,
                                               today=day, min_open_days=_min_open_days())
            if refusal is not None:
                refusals[project.id] = domain_message(refusal)
    return refusals


def _apply(action, message: str, target: str):
    """Run one service, commit once, and say what happened."""
    db = get_session()
    if not ActionForm().validate_on_submit():
        abort(400)
    with writing(success=message):
        action(db)
    return redirect(target)


@bp.route("/evaluation")
@allow("official", "admin")
def evaluation_desk():
    """A cycle's completed projects with their rounds, and every rectification under way."""
    db = get_session()
    cycles = db.scalars(select(Cycle).where(Cycle.id.in_(select(Project.cycle_id)))
                        .order_by(Cycle.year.desc(), Cycle.id.desc())).all()
    cycle_id = arg_int("cycle")
    # Without a choice, the cycle under evaluation: that is where the work is.
    default = next((c for c in cycles if c.stage == Stage.EVALUATION),
                   cycles[0] if cycles else None)
    cycle = db.get(Cycle, cycle_id) if cycle_id is not None else default
    rows, bar_form, bar_refusal, refusals, own = [], None, None, {}, set()
    if cycle is not None:
        rounds = {r.project_id: r for r in opendata.round_results(db, cycle.id,
                                                                   latest_only=True)}
        projects = db.scalars(select(Project).where(Project.cycle_id == cycle.id)
                              .order_by(Project.id)).all()
        rows = [(p, rounds.get(p.id)) for p in projects]
        refusals = _close_refusals(projects, today())
        own = {p.id for p in projects if implementation.may_report(current_user, p)}
        bar_form = BarForm(prefix="bar")
        bar_form.bar.data = cycle.satisfaction_bar
        refused_bar = evaluation.bar_refusal(db, current_user, cycle)
        bar_refusal = domain_message(refused_bar) if refused_bar is not None else None
    rectifying = db.scalars(select(Project).where(Project.rectifying.is_(True))
                            .order_by(Project.id)).all()
    return render_template("evaluation/desk.html", cycles=cycles, cycle=cycle, rows=rows,
                           bar_form=bar_form, bar_refusal=bar_refusal, refusals=refusals, own=own,
                           rectifying=rectifying, action_form=ActionForm(),
                           kinds=list(RaterKind))


@bp.route("/evaluation/projects/<int:project_id>")
@allow("official", "admin")
def evaluation_project(project_id: int):
    """One project's rounds and counts, raters' comments (without names) and the steps."""
    db = get_session()
    project = load_project(project_id)
    rounds = [(r, evaluation.counts(db, project_id, r.round_no))
              for r in evaluation.rounds_of(db, project_id)]
    comments = None
    if rounds:
        latest = rounds[-1][0]
        comments = paginate(db, select(Rating).where(
            Rating.project_id == project_id, Rating.round_no == latest.round_no,
            Rating.comment.is_not(None)).order_by(Rating.updated_at.desc(), Rating.id.desc()),
            current_app.config["PAGE_SIZE"])
    state = evaluation.round_state(db, project_id)
    judging = evaluation.judging_refusal(current_user, project)
    return render_template(
        "evaluation/manage.html", project=project, rounds=rounds, comments=comments,
        kinds=list(RaterKind), reports=evaluation.reports_of(db, project_id),
        log=evaluation.log_of(db, project_id), action_form=ActionForm(),
        may_open=rules.next_round_refusal(project.completed_on is not None, state) is None,
        judging_refusal=domain_message(judging) if judging is not None else None,
        close_refusal=_close_refusals([project], today()).get(project.id),
        mine=implementation.may_report(current_user, project),
        report_form=RectificationForm(prefix="r"))


@bp.route("/evaluation/projects/<int:project_id>/open", methods=["POST"])
@allow("official")
def open_round(project_id: int):
    project = get_session().get(Project, project_id) or abort(404)
    return _apply(lambda db: evaluation.open_round(db, current_user, project),
                  _("The round is open; residents and delegates can rate the project."),
                  _back(project_id))


def _raters_missing(db, project: Project, round_no: int, day) -> tuple[list, list]:
    """The delegates seated in the project's assembly today, and those of them who have not
    rated this round (who rated is known; how, to officials, only in the counts)."""
    seated = roster(db, project.cycle.assembly_id, day)
    rated = set(db.scalars(select(Rating.user_id).where(
        Rating.project_id == project.id, Rating.round_no == round_no)))
    return seated, [person for person in seated if person.id not in rated]


@bp.route("/evaluation/projects/<int:project_id>/close", methods=["GET", "POST"])
@allow("official")
def close_round(project_id: int):
    """Close the open round once confirmed; first, a page with what closing will publish."""
    db = get_session()
    project = load_project(project_id)
    day, days = today(), _min_open_days()
    if request.method == "POST":
        form = ConfirmForm()
        if not (form.validate_on_submit() and form.confirm.data):
            flash(_("Nothing has changed yet: tick the box to confirm, then press the button "
                    "again."), "error")
            return redirect(url_for("officials.close_round", project_id=project_id))
        return _apply(lambda db: evaluation.close_round(db, current_user, project, today=day,
                                                        min_open_days=days),
                      _("The round is closed and its result published."), _back(project_id))
    current = evaluation.open_rounds(db, [project.id]).get(project.id)
    if current is None:
        flash(domain_message(DomainError("no_open_round")), "error")
        return redirect(_back(project_id))
    by_kind = evaluation.counts(db, project.id, current.round_no)
    seated, missing = _raters_missing(db, project, current.round_no, day)
    return render_template(
        "evaluation/close_round.html", project=project, current=current, by_kind=by_kind,
        kinds=list(RaterKind), seated=seated, missing=missing, confirm_form=ConfirmForm(),
        verdict=rules.verdict(by_kind[RaterKind.DELEGATE], by_kind[RaterKind.RESIDENT],
                              project.cycle.satisfaction_bar),
        refusal=_close_refusals([project], day).get(project.id))


@bp.route("/evaluation/projects/<int:project_id>/rectification", methods=["POST"])
@allow("official")
def file_rectification(project_id: int):
    """The responsible unit's report; the next round may open once it is filed."""
    db = get_session()
    project = load_project(project_id)
    form = RectificationForm(prefix="r")
    if form.validate_on_submit():
        with writing(form, success=_("The rectification report is published.")):
            evaluation.file_rectification(db, current_user, project, form.body.data)
    else:
        flash(_("Please say what was rectified, in at most 4000 characters."), "error")
    return redirect(_back(project_id))


@bp.route("/evaluation/cycles/<int:cycle_id>/bar", methods=["POST"])
@allow("official", "admin")
def set_bar(cycle_id: int):
    db = get_session()
    cycle = db.get(Cycle, cycle_id) or abort(404)
    form = BarForm(prefix="bar")
    target = url_for("officials.evaluation_desk", cycle=cycle_id)
    if not form.validate_on_submit():
        flash(domain_message(DomainError("bad_bar")), "error")
        return redirect(target)
    with writing(success=_("The satisfaction bar is now %(n)d%%.", n=form.bar.data)):
        evaluation.set_bar(db, current_user, cycle, form.bar.data)
    return redirect(target)
