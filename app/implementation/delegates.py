"""Delegates' supervision of projects: the ones before them, and recording an inspection (视察)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.auth.access import allow
from app.db import get_session, writing
from app.delegates import bp
from app.implementation.forms import InspectionForm
from app.implementation.support import load_project, today
from proposals.cycles.models import Cycle
from proposals.implementation import services as implementation
from proposals.implementation import supervision
from proposals.implementation.models import FollowUp, Project
from votes.people import Membership


@bp.route("/projects")
@allow("delegate")
def projects():
    """Projects adopted by the delegate's assemblies, with their open follow-ups."""
    db = get_session()
    day = today()
    assemblies = select(Membership.assembly_id).where(Membership.user_id == current_user.id)
    found = db.scalars(select(Project).join(Cycle).where(Cycle.assembly_id.in_(assemblies))
                       .order_by(Cycle.year.desc(), Project.id)).all()
    open_counts = dict(db.execute(
        select(FollowUp.project_id, func.count()).where(FollowUp.answer.is_(None))
        .group_by(FollowUp.project_id)).all())
    rows = [(p, implementation.standing(p, day), open_counts.get(p.id, 0)) for p in found]
    return render_template("projects/delegate_list.html", rows=rows, today=day)


@bp.route("/projects/<int:project_id>/inspect", methods=["GET", "POST"])
@allow("delegate")
def inspect(project_id: int):
    db = get_session()
    project = load_project(project_id)
    day = today()
    form = InspectionForm()
    if request.method == "GET":
        form.inspected_on.data = day
        form.participants.data = current_user.display_name
    if form.validate_on_submit():
        follow_ups = [(row.form.request.data, row.form.due_on.data) for row in form.follow_ups
                      if (row.form.request.data or "").strip()]
        with writing(form, success=_("The inspection is recorded and published.")) as work:
            supervision.record_inspection(
                db, current_user, project, inspected_on=form.inspected_on.data,
                participants=form.participants.data, findings=form.findings.data, today=day,
                follow_ups=follow_ups)
        if work.ok:
            return redirect(url_for("public.project", project_id=project_id) + "#inspections")
    return render_template("projects/inspect.html", form=form, project=project,
                           allowed=supervision.may_inspect(db, current_user, project, day))
