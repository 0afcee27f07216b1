"""Pages for officials: the government's work on each cycle."""

from flask import Blueprint

bp = Blueprint("officials", __name__, url_prefix="/official")

from app.officials import ballots, council, evaluation, projects, routes, shortlist  # noqa: E402,F401
