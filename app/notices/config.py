"""The notices' settings, read from the environment with the rest (app/config.py)."""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def _seconds(env: dict[str, str], name: str, default: int, low: int = 1) -> int:
    from app.config import ConfigError

    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < low:
        raise ConfigError(f"{name} must be a whole number, {low} or more, not {raw!r}")
    return int(raw)


def _url(env: dict[str, str], name: str, schemes: tuple[str, ...]) -> str | None:
    from app.config import ConfigError

    raw = env.get(name, "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not parts.hostname:
        raise ConfigError(f"{name} must look like {schemes[0]}://host:port, not {raw!r}")
    return raw


def notice_config(env: dict[str, str]) -> dict:
    from app.config import ConfigError

    base_url = (_url(env, "YISHI_BASE_URL", ("http", "https")) or DEFAULT_BASE_URL).rstrip("/")
    hour = _seconds(env, "NOTICES_DIGEST_HOUR", 8, low=0)
    if hour > 23:
        raise ConfigError(f"NOTICES_DIGEST_HOUR must be 0 to 23, not {hour}")
    return {
        # Links in emails and SMS are absolute: the site as its readers reach it.
        "BASE_URL": base_url,
        # smtp://host:port (STARTTLS with SMTP_STARTTLS=1) or smtps://host:port; user and
        # password in the URL or in SMTP_USER / SMTP_PASSWORD. Unset: emails are written
        # to the worker's console (development).
        "SMTP_URL": _url(env, "SMTP_URL", ("smtp", "smtps")),
        "SMTP_USER": env.get("SMTP_USER") or None,
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": env.get("SMTP_STARTTLS", "0").strip() in ("1", "true", "yes"),
        "SMTP_TIMEOUT": _seconds(env, "SMTP_TIMEOUT", 30),
        "MAIL_FROM": env.get("MAIL_FROM", "").strip()
        or f"noreply@{urlsplit(base_url).hostname}",
        # The HTTP SMS gateway (docs/notices.md) and its bearer token; unset: the console.
        "SMS_URL": _url(env, "SMS_URL", ("http", "https")),
        "SMS_TOKEN": env.get("SMS_TOKEN") or None,
        "SMS_TIMEOUT": _seconds(env, "SMS_TIMEOUT", 15),
        # The worker (`flask notices worker`): its RQ queue, how often it sweeps the outbox,
        # and how long a claimed delivery stays its own before another worker may retry it.
        "NOTICES_QUEUE": env.get("NOTICES_QUEUE", "").strip() or "yishi-notices",
        "NOTICES_POLL_SECONDS": _seconds(env, "NOTICES_POLL_SECONDS", 5),
        "NOTICES_CLAIM_SECONDS": _seconds(env, "NOTICES_CLAIM_SECONDS", 300),
        # Digests go out once a day, at this hour of the site's time zone.
        "NOTICES_DIGEST_HOUR": hour,
    }
