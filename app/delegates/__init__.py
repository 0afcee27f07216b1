"""Pages for delegates: the assemblies they sit in and the cycles before them."""

from flask import Blueprint

bp = Blueprint("delegates", __name__, url_prefix="/delegate")

from app.delegates import ballots, council, evaluation, projects, routes  # noqa: E402,F401
