"""The rating pages residents and delegates share: the list open for rating and the form."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select

from app.db import get_session, writing
from app.evaluation.forms import RatingForm
from app.implementation.support import load_project, today
from app.pagination import paginate
from proposals.cycles.models import Cycle
from proposals.evaluation import rating
from proposals.evaluation import rounds as evaluation
from proposals.evaluation.models import EvaluationRound, Rating
from proposals.implementation import services as implementation
from proposals.implementation.models import Project


def open_for_rating(assembly_ids: Select | None = None) -> Select:
    """(project, open round) pairs, newest cycle first; only some assemblies' if given."""
    stmt = (select(Project, EvaluationRound)
            .join(EvaluationRound, EvaluationRound.project_id == Project.id)
            .join(Cycle, Cycle.id == Project.cycle_id)
            .where(EvaluationRound.closed_at.is_(None))
            .order_by(Cycle.year.desc(), Project.id))
    if assembly_ids is not None:
        stmt = stmt.where(Cycle.assembly_id.in_(assembly_ids))
    return stmt


def rate_list(stmt: Select, rate_endpoint: str, heading: str):
    """The projects open for rating, each with the signed-in person's rating, if any."""
    db = get_session()
    size = current_app.config["PAGE_SIZE"]
    page = paginate(db, stmt.with_only_columns(Project.id), size)
    rows = db.execute(stmt.where(Project.id.in_(page.items))).all()
    mine = {(r.project_id, r.round_no): r for r in db.scalars(select(Rating).where(
        Rating.user_id == current_user.id,
        Rating.project_id.in_([p.id for p, _r in rows])))}
    items = [(p, r, mine.get((p.id, r.round_no))) for p, r in rows]
    return render_template("evaluation/rate_list.html", page=page, items=items,
                           rate_endpoint=rate_endpoint, heading=heading)


def rate_page(project_id: int, back_endpoint: str):
    """Rate a project, or change the rating while its round is open."""
    db = get_session()
    project = load_project(project_id)
    day = today()
    latest = evaluation.latest_round(db, project_id)
    mine = rating.my_rating(db, current_user.id, project_id, latest.round_no) if latest else None
    kind = rating.rater_kind(db, current_user, project, day)
    form = RatingForm()
    if request.method == "GET" and mine is not None:
        form.level.data, form.comment.data = mine.level, mine.comment
    if form.validate_on_submit():
        # SQLite: take the write lock first, so raters queue, not fail.
        with writing(form, begin=True,
                     success=_("Thank you. Your rating is saved; you can change it until the "
                               "round closes.")) as work:
            rating.rate(db, current_user, project, form.level.data, form.comment.data,
                        today=day)
        if work.ok:
            return redirect(url_for(back_endpoint))
    return render_template("evaluation/rate.html", project=project, form=form, round=latest,
                           mine=mine, kind=kind, back_endpoint=back_endpoint,
                           own=implementation.may_report(current_user, project))
