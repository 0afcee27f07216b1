"""Pages for residents: their own proposals and their standing."""

from flask import Blueprint

bp = Blueprint("residents", __name__, url_prefix="/resident")

from app.residents import council, evaluation, routes  # noqa: E402,F401
