"""Configuration read from the environment only; production fails fast on what it must have."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from app.notices.config import notice_config
from proposals.collection.photos import MAX_PHOTO_BYTES, MAX_PHOTOS_PER_PROPOSAL

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS = ("development", "testing", "production")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# The largest request is a proposal or a progress report with its full count of photos,
# each at the per-photo limit; the rest of the form (a 4,000-character report is 12 KB
# of UTF-8, plus the multipart framing) fits many times over in 1 MB.
FORM_TEXT_MARGIN = 1024 * 1024
MAX_REQUEST_BYTES = MAX_PHOTOS_PER_PROPOSAL * MAX_PHOTO_BYTES + FORM_TEXT_MARGIN


class ConfigError(RuntimeError):
    pass


def _instance_secret(instance: Path) -> str:
    """A development key made once and kept in instance/, so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _positive(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"{name} must be a whole number of days, 1 or more, not {raw!r}")
    return int(raw)


def _choice(env: dict[str, str], name: str, allowed: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip() or allowed[0]
    if raw not in allowed:
        raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")
    return raw


def _whole(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) > 5:
        raise ConfigError(f"{name} must be a whole number from 0 to 5, not {raw!r}")
    return int(raw)


def _log_level(env: dict[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip().upper() or default
    if raw not in LOG_LEVELS:
        raise ConfigError(f"{name} must be one of {', '.join(LOG_LEVELS)}, not {raw!r}")
    return raw


def load_config(environ: dict[str, str] | None = None, instance: Path | None = None) -> dict:
    env = dict(os.environ if environ is None else environ)
    instance = instance or Path(env.get("YISHI_INSTANCE", ROOT / "instance"))
    name = env.get("YISHI_ENV", "development")
    if name not in ENVIRONMENTS:
        raise ConfigError(f"YISHI_ENV must be one of {', '.join(ENVIRONMENTS)}, not {name!r}")
    production = name == "production"

    secret = env.get("SECRET_KEY", "").strip()
    if not secret:
        if production:
            raise ConfigError("SECRET_KEY must be set in production")
        secret = _instance_secret(instance)
    elif production and len(secret) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters in production")

    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'yishi.db'}"
    redis_url = env.get("REDIS_URL") or None

    return {
        "ENV_NAME": name,
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(instance),
        "UPLOAD_DIR": env.get("YISHI_UPLOAD_DIR", str(instance / "uploads")),
        "PHOTO_STORE": _choice(env, "YISHI_PHOTO_STORE", ("database", "files")),
        "TESTING": name == "testing",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        "FORCE_HTTPS": production and env.get("YISHI_FORCE_HTTPS", "1") != "0",
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": MAX_REQUEST_BYTES,
        # Werkzeug refuses a text part over 500 KB with a 413 by default, before any form
        # could say which field is too long; up to the request limit, a text is read, and
        # its Length validator answers on the same form, with what was typed kept.
        "MAX_FORM_MEMORY_SIZE": MAX_REQUEST_BYTES,
        "BABEL_DEFAULT_LOCALE": "zh_Hans",
        "BABEL_DEFAULT_TIMEZONE": env.get("YISHI_TIMEZONE", "Asia/Shanghai"),
        "LANGUAGES": ("zh_Hans", "en"),
        "LOGIN_RATE_LIMIT": env.get("YISHI_LOGIN_RATE_LIMIT", "5 per minute;30 per hour"),
        # Sign-in attempts on one account, from wherever they come: slows a guesser who
        # spreads over many addresses, while each address keeps its own limit above.
        "ACCOUNT_RATE_LIMIT": env.get("YISHI_ACCOUNT_RATE_LIMIT", "10 per minute;50 per hour"),
        # Password reset codes asked for one name typed (app/auth/reset.py).
        "RESET_RATE_LIMIT": env.get("YISHI_RESET_RATE_LIMIT", "3 per hour;10 per day"),
        # Codes asked for one mobile number, to confirm it or sign in (app/auth/mobile.py);
        # the kernel also sends a number at most three an hour, whoever asks.
        "MOBILE_CODE_RATE_LIMIT": env.get("YISHI_MOBILE_CODE_RATE_LIMIT",
                                          "3 per hour;10 per day"),
        # Household codes (门牌码) typed by one account (app/residence/residents.py): a code
        # has 12 characters of 31, and this keeps guessing one hopeless.
        "HOUSEHOLD_CODE_RATE_LIMIT": env.get("YISHI_HOUSEHOLD_CODE_RATE_LIMIT",
                                             "10 per hour;30 per day"),
        # How many proxies (nginx, a load balancer) stand in front of the app and add to
        # X-Forwarded-For: their entries are trusted, so limits and the audit log see the
        # client's address. 0 (the default) trusts none: a client could forge the header.
        "TRUSTED_PROXIES": _whole(env, "YISHI_TRUSTED_PROXIES", 0),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "PAGE_SIZE": 20,
        # The proposal list counts at most this many matches ("more than 1,000 found") and
        # pages through them: its cost then stays flat however many proposals a city holds.
        "PROPOSALS_COUNTED": 1000,
        # Public pages kept per language and data version (app/caching.py), in Redis when
        # REDIS_URL is set; 0 renders every page afresh.
        "PAGE_CACHE": env.get("YISHI_PAGE_CACHE", "1") != "0",
        # Hall tablets (app/ballots/kiosk.py): wrong hall card codes allowed per tablet, and
        # seconds the receipt stays on a tablet before it returns to its welcome screen.
        "HALL_CODE_RATE_LIMIT": env.get("YISHI_HALL_CODE_RATE_LIMIT", "10 per minute"),
        "HALL_RETURN_SECONDS": _positive(env, "YISHI_HALL_RETURN_SECONDS", 60),
        # 督办 thresholds, days: how late a project may run, and how long a delegate's
        # follow-up may wait without a due date, before the project is escalated.
        "ESCALATION_OVERDUE_DAYS": _positive(env, "YISHI_ESCALATION_OVERDUE_DAYS", 30),
        "FOLLOW_UP_ANSWER_DAYS": _positive(env, "YISHI_FOLLOW_UP_ANSWER_DAYS", 15),
        # Days an evaluation round stays open before it may close, so everyone can rate.
        "EVALUATION_MIN_OPEN_DAYS": _positive(env, "YISHI_EVALUATION_MIN_OPEN_DAYS", 14),
        # The official documents' issuing body (发文机关) and number prefix (机关代字, to which
        # each kind adds its letter: 滨人发〔2027〕3号), app/documents/.
        "ISSUING_BODY": env.get("YISHI_ISSUING_BODY", "").strip() or "滨江区人民代表大会常务委员会",
        "DOC_PREFIX": env.get("YISHI_DOC_PREFIX", "").strip() or "滨人",
        # One JSON line per request on the "yishi.requests" logger (app/logs.py), without
        # anything about the person; 0 turns it off. At ERROR, only failed requests.
        "REQUEST_LOG": env.get("YISHI_REQUEST_LOG", "1") != "0",
        "REQUEST_LOG_LEVEL": _log_level(env, "YISHI_REQUEST_LOG_LEVEL", "INFO"),
        # Email and SMS notices and their worker (app/notices/config.py).
        **notice_config(env),
    }
