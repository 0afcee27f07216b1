"""The officials' implementation desk: start projects, plan milestones, report, answer, 督办."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.db import get_session, writing
from app.forms import choices
from app.implementation.forms import (
    AnswerForm,
    BulkUpdateForm,
    EscalateForm,
    MilestonesForm,
    ProjectForm,
    ProjectPlaceForm,
    ReportForm,
)
from app.implementation.support import inspections_of, load_project, today
from app.messages import domain_message
from app.numbers import arg_int, whole_number
from app.officials import bp
from app.places import place_options
from app.uploads import discard, keep, store_all
from proposals.collection.importing import MAX_BYTES
from proposals.cycles.models import Cycle
from proposals.implementation import services as implementation
from proposals.implementation import supervision
from proposals.implementation.models import Escalation, FollowUp, Project
from proposals.implementation.progress_import import parse_progress, template_csv
from proposals.implementation.services import MilestoneDraft
from proposals.shortlist.models import Candidate
from votes.base import DomainError
from votes.people import Role, User, active_with_role
from votes.places import Place


def _mine(project: Project) -> bool:
    return implementation.may_report(current_user, project)


@bp.route("/projects")
@allow("official")
def projects_desk():
    """Adopted candidates awaiting a project, and the projects this official answers for."""
    db = get_session()
    day = today()
    projects = db.scalars(select(Project).join(Cycle).order_by(Cycle.year.desc(), Project.id))
    mine = [(p, implementation.standing(p, day)) for p in projects if _mine(p)]
    return render_template("projects/official_desk.html", mine=mine,
                           awaiting=implementation.awaiting_projects(db), today=day)


def _officials(db) -> list:
    rows = active_with_role(db, Role.OFFICIAL)
    return choices((u.id, u.display_name + (f" · {u.unit}" if u.unit else "")) for u in rows)


@bp.route("/candidates/<int:candidate_id>/project", methods=["GET", "POST"])
@allow("official")
def new_project(candidate_id: int):
    db = get_session()
    candidate = db.get(Candidate, candidate_id) or abort(404)
    existing = db.scalar(select(Project).filter_by(candidate_id=candidate_id))
    if existing is not None:
        return redirect(url_for("public.project", project_id=existing.id))
    form = ProjectForm()
    form.lead_official_id.choices = _officials(db)
    form.place_id.choices = place_options()
    if request.method == "GET":
        form.lead_official_id.data = current_user.id
        where = implementation.project_place(db, candidate)
        form.place_id.data = str(where.id) if where else ""
        form.start_date.data = candidate.cycle.implementation_starts
        form.target_date.data = candidate.expected_completion
        form.budget.data = candidate.estimated_cost
    if form.validate_on_submit():
        lead = db.get(User, form.lead_official_id.data)
        with writing(form, success=_("The project is started. Plan its milestones "
                                     "next.")) as work:
            if lead is None:
                raise DomainError("lead_not_official", field="lead_official_id")
            created = implementation.create_project(
                db, current_user, candidate, lead_official=lead,
                start_date=form.start_date.data, target_date=form.target_date.data,
                budget=form.budget.data, report_interval_days=form.report_interval_days.data,
                place=_place(db, form.place_id.data))
        if work.ok:
            return redirect(url_for("officials.project_milestones", project_id=created.id))
    return render_template("projects/new_project.html", form=form, candidate=candidate)


def _milestone_drafts(form: MilestonesForm) -> list[MilestoneDraft] | None:
    drafts, complete = [], True
    for entry in form.milestones:
        row = entry.form
        if not (row.title.data or "").strip():
            continue  # a blank row, or a milestone removed by clearing its title
        for field in (row.target_date, row.weight):
            if field.data is None:
                field.errors = [*field.errors, _("This field is required.")]
                complete = False
        drafts.append(MilestoneDraft(title=row.title.data, target_date=row.target_date.data,
                                     weight=row.weight.data or 0,
                                     id=whole_number(row.id.data)))
    return drafts if complete else None


@bp.route("/projects/<int:project_id>/milestones", methods=["GET", "POST"])
@allow("official")
def project_milestones(project_id: int):
    db = get_session()
    project = load_project(project_id)
    form = MilestonesForm()
    if request.method == "GET":
        form.mode.data = project.progress_mode
        form.manual_reason.data = project.manual_reason
        for milestone in project.milestones:
            form.milestones.append_entry(milestone)
        for _blank in range(3):
            form.milestones.append_entry()
    if form.validate_on_submit():
        drafts = _milestone_drafts(form)
        if drafts is not None:
            with writing(form, success=_("Milestones saved.")) as work:
                implementation.set_milestones(db, current_user, project, drafts,
                                              mode=form.mode.data,
                                              manual_reason=form.manual_reason.data or None)
            if work.ok:
                return redirect(url_for("officials.manage_project", project_id=project_id))
    reached = {m.id: m.done_on for m in project.milestones}
    return render_template("projects/milestones.html", form=form, project=project, done=reached,
                           mine=_mine(project))


@bp.route("/projects/<int:project_id>/report", methods=["GET", "POST"])
@allow("official")
def report_progress(project_id: int):
    """A dated progress report with photos; earlier reports stay as they were."""
    db = get_session()
    project = load_project(project_id)
    form = ReportForm()
    form.milestone_id.choices = choices(
        [(0, _("None"))] + [(m.id, f"{m.position}. {m.title}") for m in project.milestones
                            if m.done_on is None])
    day = today()
    if request.method == "GET":
        form.reported_on.data = day
        form.spend_to_date.data = implementation.last_spend(project)
    if form.validate_on_submit():
        stored, errors = store_all(request.files.getlist(form.photos.name))
        if errors:
            form.photos.errors = errors
        else:
            with writing(form, success=_("The report is published."),
                         undo=lambda: discard(stored)) as work:
                keep(stored)
                implementation.report_progress(
                    db, current_user, project, reported_on=form.reported_on.data,
                    body=form.body.data, today=day, spend_to_date=form.spend_to_date.data,
                    milestone_id=form.milestone_id.data or None, percent=form.percent.data,
                    reason=form.reason.data or None, photos=stored,
                    confirm_over_budget=bool(form.confirm_over_budget.data))
            if work.ok:
                return redirect(url_for("public.project", project_id=project_id) + "#reports")
    # The confirmation is offered once it is needed: the figure was refused as over the
    # budget, it was ticked already, or the last report was over the budget.
    spent = implementation.last_spend(project)
    ask_over_budget = bool(form.confirm_over_budget.data or (spent or 0) > project.budget
                           or (form.spend_to_date.data or 0) > project.budget)
    return render_template("projects/report_form.html", form=form, project=project,
                           mine=_mine(project), ask_over_budget=ask_over_budget,
                           standing=implementation.standing(project, day))


def _place(db, value) -> Place | None:
    """The place a form's select names by id (None if there is no such place)."""
    number = whole_number(value)
    return db.get(Place, number) if number is not None else None


def _place_form(project: Project, form: ProjectPlaceForm | None = None) -> ProjectPlaceForm:
    form = form or ProjectPlaceForm(formdata=None)
    form.place_id.choices = place_options()
    if not form.is_submitted():
        form.place_id.data = str(project.place_id or "")
    return form


@bp.route("/projects/<int:project_id>/place", methods=["POST"])
@allow("official")
def project_place(project_id: int):
    """An official says where the project serves (its source proposals' place at first)."""
    db = get_session()
    project = load_project(project_id)
    form = _place_form(project, ProjectPlaceForm())
    if form.validate_on_submit():
        with writing(form, success=_("The place is saved.")):
            implementation.place_project(db, current_user, project,
                                         _place(db, form.place_id.data))
    else:
        flash(_("Choose a place from the list."), "error")
    return redirect(url_for("officials.manage_project", project_id=project_id))


@bp.route("/projects/<int:project_id>")
@allow("official")
def manage_project(project_id: int):
    """The unit's to-do for one project: follow-ups and 督办 to answer."""
    db = get_session()
    project = load_project(project_id)
    follow_ups = supervision.open_follow_ups(db, project_id)
    escalations = supervision.open_escalations(db, project_id)
    return render_template(
        "projects/manage.html", project=project, mine=_mine(project),
        place_form=_place_form(project),
        standing=implementation.standing(project, today()), follow_ups=follow_ups,
        escalations=escalations, inspections=inspections_of(project_id),
        follow_up_forms={f.id: AnswerForm(prefix=f"f{f.id}") for f in follow_ups},
        escalation_forms={e.id: AnswerForm(prefix=f"e{e.id}") for e in escalations})


def _answer(item, prefix: str, service, message: str):
    """Post the responsible unit's answer to a follow-up or an escalation."""
    form = AnswerForm(prefix=f"{prefix}{item.id}")
    back = url_for("officials.manage_project", project_id=item.project_id)
    if not form.validate_on_submit():
        flash(_("Please write an answer of at most 2000 characters."), "error")
        return redirect(back)
    with writing(success=message):
        service(get_session(), current_user, item, form.answer.data)
    return redirect(back)


@bp.route("/follow-ups/<int:follow_up_id>/answer", methods=["POST"])
@allow("official")
def answer_follow_up(follow_up_id: int):
    follow_up = get_session().get(FollowUp, follow_up_id) or abort(404)
    return _answer(follow_up, "f", supervision.answer_follow_up, _("The answer is published."))


@bp.route("/escalations/<int:escalation_id>/answer", methods=["POST"])
@allow("official")
def answer_escalation(escalation_id: int):
    escalation = get_session().get(Escalation, escalation_id) or abort(404)
    return _answer(escalation, "e", supervision.answer_escalation, _("The answer is logged."))


def thresholds() -> dict[str, int]:
    """The 督办 thresholds this installation set (YISHI_ESCALATION_OVERDUE_DAYS and
    YISHI_FOLLOW_UP_ANSWER_DAYS)."""
    return {"overdue_days": current_app.config["ESCALATION_OVERDUE_DAYS"],
            "answer_days": current_app.config["FOLLOW_UP_ANSWER_DAYS"]}


@bp.route("/supervision")
@allow("official", "admin")
def supervision_list():
    """督办: projects late beyond the threshold or with follow-ups left unanswered."""
    db = get_session()
    cycle_id = arg_int("cycle")
    rows = supervision.supervision_list(db, cycle_id, today(), **thresholds())
    cycles = db.scalars(select(Cycle).where(Cycle.id.in_(select(Project.cycle_id)))
                        .order_by(Cycle.year.desc(), Cycle.id.desc())).all()
    forms = {r.project.id: EscalateForm(prefix=f"e{r.project.id}") for r in rows}
    for row in rows:
        if row.check.grounds:
            forms[row.project.id].grounds.data = row.check.grounds[0].value
    return render_template("projects/supervision.html", rows=rows, forms=forms, cycles=cycles,
                           cycle_id=cycle_id, today=today(),
                           overdue_days=thresholds()["overdue_days"])


@bp.route("/projects/<int:project_id>/escalate", methods=["POST"])
@allow("official", "admin")
def escalate(project_id: int):
    db = get_session()
    project = db.get(Project, project_id) or abort(404)
    form = EscalateForm(prefix=f"e{project_id}")
    back = url_for("officials.supervision_list") + f"#project-{project_id}"
    if not form.validate_on_submit():
        flash(_("Please say what the unit must do."), "error")
        return redirect(back)
    with writing(success=_("The escalation is logged; the unit is told.")):
        supervision.escalate(db, current_user, project, form.grounds.data, form.note.data,
                             today=today(), **thresholds())
    return redirect(back)


@bp.route("/projects/update-template.csv")
@allow("official")
def update_template():
    return Response(
        template_csv().encode("utf-8-sig"), mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=yishi-progress-update.csv"})


@bp.route("/projects/update", methods=["GET", "POST"])
@allow("official")
def bulk_update():
    """Many projects' progress from one CSV: checked whole, applied only without a problem."""
    db = get_session()
    form = BulkUpdateForm()
    report, refused = None, None
    if form.validate_on_submit():
        upload = form.file.data
        if not upload or not upload.filename:
            form.file.errors = [_("Choose a file to import.")]
        else:
            day = today()
            report = parse_progress(upload.stream.read(MAX_BYTES + 1), upload.filename,
                                    today=day,
                                    projects=implementation.update_targets(db, current_user))
            if report.ok:
                # The page shows the refusal against its row, so it is not flashed.
                with writing(quiet=True) as work:
                    applied = implementation.bulk_update(db, current_user, report.rows, day)
                if work.ok:
                    flash(_("%(n)d projects updated.", n=len(applied)), "success")
                    return redirect(url_for("officials.projects_desk"))
                refused = (work.error.params.get("row"), domain_message(work.error))
    return render_template("projects/bulk_update.html", form=form, report=report,
                           refused=refused)
