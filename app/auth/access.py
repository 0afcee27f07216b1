"""Every route declares who may use it; a request to a route without a rule is refused."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from flask_login import AnonymousUserMixin, current_user

from app.extensions import login_manager

PUBLIC = "public"  # anyone, logged in or not
SIGNED_IN = "signed_in"  # any account
ROLES = ("resident", "delegate", "official", "admin")
AUDIENCES = (PUBLIC, SIGNED_IN, *ROLES)

ACCESS_ATTR = "_yishi_access"


class Anonymous(AnonymousUserMixin):
    """The public: holds no role."""

    def has_role(self, *roles) -> bool:
        return False


def allow(*audiences: str) -> Callable:
    """Declare the audiences of a view: PUBLIC, SIGNED_IN, or role names (any of them)."""
    unknown = set(audiences) - set(AUDIENCES)
    if not audiences or unknown:
        raise ValueError(f"unknown audience(s): {sorted(unknown) or 'none given'}")

    def decorate(view: Callable) -> Callable:
        setattr(view, ACCESS_ATTR, frozenset(audiences))
        return view

    return decorate


def access_rule(app: Flask, endpoint: str) -> frozenset[str] | None:
    if endpoint == "static":
        return frozenset({PUBLIC})
    view = app.view_functions.get(endpoint)
    return getattr(view, ACCESS_ATTR, None)


def may_use(audiences: frozenset[str], user) -> bool:
    if PUBLIC in audiences:
        return True
    if not user.is_authenticated:
        return False
    return SIGNED_IN in audiences or user.has_role(*audiences)


def enforce_access():
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404 handler answers
        return None
    rule = access_rule(current_app, endpoint)
    if rule is None:
        current_app.logger.error("route %s declares no access rule; refused", endpoint)
        abort(403)
    if may_use(rule, current_user):
        return _first_password(endpoint)
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    abort(403)


# What an account whose password was printed on a sheet may open before it chooses its own.
FIRST_PASSWORD_ENDPOINTS = {"auth.change_password", "auth.logout", "public.set_language",
                            "static"}


def _first_password(endpoint: str):
    """An assisted account signed in with the password printed for it chooses its own
    first: every other page sends it to "Change password"."""
    if (not current_user.is_authenticated
            or not getattr(current_user, "must_change_password", False)
            or endpoint in FIRST_PASSWORD_ENDPOINTS):
        return None
    from flask import flash, redirect, url_for
    from flask_babel import gettext as _

    flash(_("Choose your own password now: the one printed on your sheet works only until "
            "you do."), "info")
    return redirect(url_for("auth.change_password"))


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
