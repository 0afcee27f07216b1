"""The read-only JSON API (v1): the public datasets, for programs rather than people."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from app.api import routes  # noqa: E402,F401
