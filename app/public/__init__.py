"""Pages for everyone, signed in or not: cycles, assemblies, the language switch."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from app.public import ballots, council, evaluation, projects, proposals, routes, shortlist  # noqa: E402,F401
