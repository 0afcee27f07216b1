"""Residents rate completed projects: the list open for rating and the rating form."""

from __future__ import annotations

from flask_babel import gettext as _

from app.auth.access import allow
from app.evaluation.rating import open_for_rating, rate_list, rate_page
from app.residents import bp


@bp.route("/evaluation")
@allow("resident")
def ratings():
    return rate_list(open_for_rating(), "residents.rate", _("Rate completed projects"))


@bp.route("/evaluation/<int:project_id>", methods=["GET", "POST"])
@allow("resident")
def rate(project_id: int):
    return rate_page(project_id, "residents.ratings")
