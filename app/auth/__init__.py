"""Accounts: register, sign in and out, change password; loads the signed-in user."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/account")

from app.auth import routes  # noqa: E402,F401
from app.notices import account as notice_views  # noqa: E402,F401
