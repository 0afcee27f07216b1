"""Delegates rate the completed projects of the assemblies they sit in (代表满意度测评)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import allow
from app.delegates import bp
from app.evaluation.rating import open_for_rating, rate_list, rate_page
from votes.people import Membership


@bp.route("/evaluation")
@allow("delegate")
def ratings():
    seats = select(Membership.assembly_id).where(Membership.user_id == current_user.id)
    return rate_list(open_for_rating(seats), "delegates.rate",
                     _("Rate the projects your assembly adopted"))


@bp.route("/evaluation/<int:project_id>", methods=["GET", "POST"])
@allow("delegate")
def rate(project_id: int):
    return rate_page(project_id, "delegates.ratings")
