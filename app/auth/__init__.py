"""Accounts: register, sign in and out, devices, change or reset a password; the user loader."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/account")

from app.auth import devices, mobile, privacy, reset, routes  # noqa: E402,F401
from app.notices import account as notice_views  # noqa: E402,F401
