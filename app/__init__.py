"""The Flask web shell: create_app binds config, database, extensions and the blueprints."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, g, request, session
from flask_login import current_user

from app import db, logs
from app.config import ROOT, load_config
from app.extensions import CONTENT_SECURITY_POLICY, babel, csrf, limiter, login_manager, talisman
from app.numbers import IdConverter
from proposals.wiring import connect_contexts


def select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    best = request.accept_languages.best_match(["zh", "en"])
    return "en" if best == "en" else current_app.config["BABEL_DEFAULT_LOCALE"]


def create_app(overrides: dict | None = None, environ: dict | None = None) -> Flask:
    config = load_config(environ)
    config.update(overrides or {})
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(Path(config["INSTANCE_PATH"]).resolve()),
    )
    app.config.update(config)
    app.url_map.converters["int"] = IdConverter  # every <int:...>: 1..2**31-1, else 404

    db.init_app(app)
    logs.init_app(app)
    connect_contexts()  # the contexts' event handlers (proposals.wiring), once per process

    from app.auth.access import Anonymous, enforce_access

    # Access is checked before CSRF, so a stranger gets 403, not a CSRF error.
    app.before_request(enforce_access)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.anonymous_user = Anonymous
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please sign in to see this page.")
    babel.init_app(
        app, locale_selector=select_locale,
        default_translation_directories=str(ROOT / "app" / "translations"),
    )
    limiter.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        frame_options="DENY",
    )

    from app import admin, api, auth, delegates, errors, officials, public, residents

    for blueprint in (public.bp, auth.bp, residents.bp, delegates.bp, officials.bp, admin.bp,
                      api.bp):
        app.register_blueprint(blueprint)
    errors.init_app(app)

    from app import cli, templating

    cli.init_app(app)
    templating.init_app(app)

    @app.before_request
    def remember_locale():
        g.locale = select_locale()

    from app import caching

    # After the locale is known: a cached page is kept per language.
    caching.init_app(app)
    return app
