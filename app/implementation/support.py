"""What the project pages of every audience share: today's date, labels, loading a project."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.db import get_session
from proposals.implementation.models import Inspection, ProgressReport, Project


def today() -> date:
    """The app's today: the TODAY setting when given (tests fix the clock), else the date in
    the configured time zone, since a project is late by Beijing's calendar, not the server's."""
    fixed = current_app.config.get("TODAY")
    if fixed is not None:
        return fixed
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()



def load_project(project_id: int) -> Project:
    """A project with what its pages show, or 404."""
    found = get_session().scalar(
        select(Project).where(Project.id == project_id).options(
            selectinload(Project.milestones),
            selectinload(Project.reports).selectinload(ProgressReport.photos)))
    return found or abort(404)


def inspections_of(project_id: int) -> list[Inspection]:
    return list(get_session().scalars(
        select(Inspection).where(Inspection.project_id == project_id)
        .options(selectinload(Inspection.follow_ups))
        .order_by(Inspection.inspected_on, Inspection.id)))
