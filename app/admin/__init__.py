"""Pages for administrators: accounts and roles, assemblies and rosters, cycles and stages."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.admin import routes  # noqa: E402,F401
from app.requests import admin as requests_views  # noqa: E402,F401
from app.residence import admin as residence_views  # noqa: E402,F401
