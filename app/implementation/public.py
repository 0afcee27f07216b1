"""Public project pages: a cycle's projects at a glance, and each project from proposal to today."""

from __future__ import annotations

from flask import abort, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import charts
from app.auth.access import PUBLIC, allow
from app.db import get_session
from app.extensions import talisman
from app.implementation.support import inspections_of, load_project, today
from app.numbers import arg_int
from app.pagination import Page, requested_page
from app.public import bp
from app.uploads import PHOTO_POLICY, send_photo
from proposals.cycles.models import Cycle
from proposals.implementation import services as implementation
from proposals.implementation import supervision
from proposals.implementation.models import Escalation, Project, ReportPhoto
from proposals.implementation.progress import Status


@bp.route("/projects")
@allow(PUBLIC)
def projects():
    """Every year's projects, or one cycle's: filters, a Gantt chart with today's line, and
    the same in a table."""
    db = get_session()
    day = today()
    cycles = db.scalars(select(Cycle).where(Cycle.id.in_(select(Project.cycle_id)))
                        .order_by(Cycle.year.desc(), Cycle.id.desc())).all()
    cycle_id = arg_int("cycle")  # absent: all years
    stmt = (select(Project).join(Cycle, Cycle.id == Project.cycle_id)
            .order_by(Cycle.year.desc(), Cycle.id.desc(), Project.id)
            .options(selectinload(Project.milestones), selectinload(Project.reports)))
    if cycle_id is not None:
        stmt = stmt.where(Project.cycle_id == cycle_id)
    in_cycle = list(db.scalars(stmt))
    units = sorted({p.responsible_unit for p in in_cycle})
    categories = sorted({p.category for p in in_cycle})
    f = {key: request.args.get(key, "").strip()[:80]
         for key in ("unit", "status", "category", "location")}
    rows = [(p, implementation.standing(p, day)) for p in in_cycle]
    counts = {s.value: sum(1 for _p, st in rows if st.status is s) for s in Status}
    rows = [(p, st) for p, st in rows
            if (not f["unit"] or p.responsible_unit == f["unit"])
            and (not f["category"] or p.category == f["category"])
            and (not f["location"] or f["location"] in p.location)
            and (not f["status"] or st.status.value == f["status"])]
    size = current_app.config["PAGE_SIZE"]
    pages = max(1, -(-len(rows) // size))
    number = min(requested_page(), pages)
    page = Page(items=rows[(number - 1) * size: number * size], number=number, size=size,
                total=len(rows))
    figure = charts.gantt_chart(
        [{"name": p.title, "start": p.start_date, "end": p.target_date, "progress": st.progress}
         for p, st in page.items],
        title=_("Schedule and progress"), today=day, today_label=_("Today"),
        planned_label=_("Planned"), done_label=_("Done"))
    return render_template(
        "projects/overview.html", cycles=cycles, cycle_id=cycle_id, page=page, f=f,
        units=units, categories=categories, counts=counts, figure=figure, today=day,
        filtered=any(f.values()))


@bp.route("/projects/<int:project_id>")
@allow(PUBLIC)
def project(project_id: int):
    """One project's whole story: source proposals, candidate, ballot, milestones, reports,
    inspections and supervision, with where it stands today."""
    db = get_session()
    found = load_project(project_id)
    day = today()
    escalations = db.scalars(select(Escalation).where(Escalation.project_id == project_id)
                             .order_by(Escalation.id)).all()
    me = current_user
    return render_template(
        "projects/project.html", project=found, standing=implementation.standing(found, day),
        today=day, inspections=inspections_of(project_id), escalations=escalations,
        sources=[s.proposal for s in found.candidate.sources],
        spent=implementation.last_spend(found),
        can_report=implementation.may_report(me, found),
        can_inspect=supervision.may_inspect(db, me, found, day),
    )


@bp.route("/project-photos/<key>")
@allow(PUBLIC)
@talisman(content_security_policy=PHOTO_POLICY)
def report_photo(key: str):
    found = get_session().scalar(select(ReportPhoto).where(ReportPhoto.key == key))
    if found is None:
        abort(404)
    return send_photo(key, found.content_type)
