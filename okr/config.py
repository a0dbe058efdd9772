"""Configuration from environment variables prefixed with OKR_ (see README)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "DEFAULT_LOCALE": "zh",
    "TIMEZONE": "Asia/Shanghai",
    "SECURE_COOKIES": False,
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
    "LOGIN_FAILURE_WINDOW_MINUTES": 15,
    "SESSION_IDLE_HOURS": 12,
    "PAGE_SIZE": 25,
    "TRUSTED_PROXIES": 0,
    "MAX_UPLOAD_MB": 10,
    "RECORD_PROCESSES": 0,  # 0 = one per core, up to 2
    "SQLITE_BUSY_TIMEOUT": 15,
    "QUEUE_URL": "",  # "" = sqlite:///<instance>/queue.sqlite3; or redis://host:port/db
    "JOB_HEARTBEAT_SECONDS": 5,
    "JOB_STALE_SECONDS": 30,
    "JOB_SWEEP_SECONDS": 10,
    "JOB_CAP_DELAY_SECONDS": 2,
    "JOB_POLL_SECONDS": 1.0,
    "JOB_MODULES": "",
    "FILE_RETENTION_DAYS": 7,
    "REVIEW_JOB_CHUNK": 500,  # appraisals a finalize or release job writes per commit
    "EXPORT_JOB_ROWS": 500,  # an export of this many rows or more runs as a job
    "IMPORT_JOB_ROWS": 500,  # a people import of this many rows or more is applied by a job
    "IMPORT_JOB_CHUNK": 500,  # rows an import job writes per commit
    "OPEN_JOB_PEOPLE": 1000,  # opening a review for this many people or more runs as a job
    "OPEN_JOB_CHUNK": 1000,  # appraisals an opening job inserts per commit
    "REMINDER_TICK_SECONDS": 60,  # each worker asks for a reminders.tick job this often (0: never)
    "API_TOKEN_MAX_DAYS": 365,  # the longest an API token may live
    "API_RATE_LIMIT": "120 per minute",  # per token (Flask-Limiter's notation)
    "API_IDEMPOTENCY_DAYS": 7,  # how long an Idempotency-Key's answer is kept and replayed
    "BASE_URL": "http://localhost:5000",  # links in notices: the address people open the app at
    "NOTIFY_KEY": "",  # encrypts channels' webhooks and secrets; "" = derived from SECRET_KEY
    "NOTIFY_TIMEOUT": 10,  # seconds for a chat robot's answer
    "NOTIFY_BATCH": 200,  # notices a delivery job reads per batch
    "NOTIFY_MAX_ATTEMPTS": 5,  # a notice retried this many times fails
    "NOTIFY_RETRY_SECONDS": 60,  # the first back-off; doubled for each further attempt
    "SMTP_HOST": "",  # "" = no email
    "SMTP_PORT": 25,
    "SMTP_SECURITY": "none",  # none | starttls | ssl
    "SMTP_USERNAME": "",  # "" = no AUTH
    "SMTP_PASSWORD": "",
    "SMTP_FROM": "okr@localhost",
    "SMTP_FROM_NAME": "OKR",
    "SMTP_TIMEOUT": 10,
    "SMTP_CA_FILE": "",  # a CA bundle to trust for STARTTLS/SSL; "" = the system's
    # No pool_pre_ping (a round trip per request): okr.extensions.drop_closed_connections
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_recycle": 1800},
}
LANGUAGES = ("zh", "en")


def normalise_database_url(url: str) -> str:
    """Point plain PostgreSQL URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _instance_secret(app: Flask) -> str:
    """A development secret kept in the instance folder so sessions survive restarts."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Defaults, then OKR_* environment variables, then explicit overrides (tests)."""
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("OKR")
    if overrides:
        app.config.from_mapping(overrides)
    url = app.config.get("DATABASE_URL") or f"sqlite:///{Path(app.instance_path) / 'okr.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app)
    if app.config["DEFAULT_LOCALE"] not in LANGUAGES:
        raise RuntimeError(f"OKR_DEFAULT_LOCALE must be one of {', '.join(LANGUAGES)}")
    _limit_requests(app)
    secure = bool(app.config["SECURE_COOKIES"])
    app.config.update(
        BABEL_DEFAULT_LOCALE=app.config["DEFAULT_LOCALE"],
        BABEL_DEFAULT_TIMEZONE=app.config["TIMEZONE"],
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=secure,
        WTF_CSRF_TIME_LIMIT=None,
    )


def _limit_requests(app: Flask) -> None:
    """Refuse over-large requests before reading them (413) instead of holding them in memory."""
    megabytes = app.config["MAX_UPLOAD_MB"]
    if not isinstance(megabytes, int | float) or isinstance(megabytes, bool) or megabytes <= 0:
        raise RuntimeError("OKR_MAX_UPLOAD_MB must be a positive number of megabytes")
    app.config.update(
        MAX_CONTENT_LENGTH=int(megabytes * 1024 * 1024),  # a whole request, file included
        MAX_FORM_MEMORY_SIZE=1024 * 1024,  # one text field (pasted JSON is the largest)
        MAX_FORM_PARTS=1000,  # fields in one form
    )
