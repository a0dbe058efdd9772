"""Signed-in sessions kept in the database, so that ending one ends it on every worker and host.

The session cookie (Flask's, signed) carries only a random token as Flask-Login's user id; the
`login_session` row holding the token's SHA-256 is the session. Signing out deletes the row, a
password change deletes the person's other rows, deactivation all of them: a cookie copied
before is then worth nothing. The user loader finds the person and the row in one query.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, bindparam, delete, select, update

from okr.auth.models import LoginSession
from okr.db import utcnow
from okr.extensions import db
from okr.org import signals as org_signals
from okr.org.models import Person
from okr.unit_of_work import separate_transaction

# Last use is written at most this often (a write on every request would be too many).
TOUCH_EVERY = timedelta(minutes=5)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit() -> timedelta:
    """How long a session may go unused before it ends (OKR_SESSION_IDLE_HOURS)."""
    return timedelta(hours=float(current_app.config["SESSION_IDLE_HOURS"]))


def open_session(person: Person, user_agent: str = "", address: str = "") -> str:
    """Record a new signed-in browser for the person; the token returned goes into its cookie."""
    now = utcnow()
    db.session.execute(delete(LoginSession).where(LoginSession.last_seen_at < now - idle_limit()))
    token = secrets.token_urlsafe(32)
    record = LoginSession(
        token_hash=_digest(token),
        person_id=person.id,
        user_agent=user_agent[:255],
        address=address[:64],
        created_at=now,
        last_seen_at=now,
    )
    db.session.add(record)
    db.session.flush()
    person.session_token = token
    g.login_session = record
    return token


def resume_session(token: str) -> Person | None:
    """The active person signed in with this token, unless the session ended or sat idle too long."""
    row = db.session.execute(_signed_in(), {"token_hash": _digest(token)}).first()
    if row is None:
        return None
    person, record = row
    if not person.active or record.last_seen_at < utcnow() - idle_limit():
        return None
    person.session_token = token
    g.login_session = record
    return person


@cache
def _signed_in() -> Select[tuple[Person, LoginSession]]:
    """The person and session of :token_hash (built once: it runs on every request)."""
    return (
        select(Person, LoginSession)
        .join(LoginSession, LoginSession.person_id == Person.id)
        .where(LoginSession.token_hash == bindparam("token_hash"))
    )


def current_session() -> LoginSession | None:
    """This request's session row (None when nobody is signed in)."""
    if not current_user.is_authenticated:  # runs the user loader, which finds the row
        return None
    return g.get("login_session")


def note_use(record: LoginSession) -> None:
    """Move the session's last use to now, unless it was noted a moment ago.

    Bookkeeping, not part of the request's work: written in its own short transaction
    (`separate_transaction`), so that a page that only reads commits nothing of its own and a
    page that fails leaves this in place."""
    now = utcnow()
    if now - record.last_seen_at < min(TOUCH_EVERY, idle_limit() / 2):
        return
    table = LoginSession.__table__
    with separate_transaction() as connection:
        connection.execute(update(table).where(table.c.id == record.id).values(last_seen_at=now))


def end_session(record: LoginSession) -> None:
    """Sign one browser out."""
    db.session.execute(delete(LoginSession).where(LoginSession.id == record.id))


def end_sessions(person: Person, keep: LoginSession | None = None) -> None:
    """Sign the person out everywhere, except in the session `keep` when given."""
    stmt = delete(LoginSession).where(LoginSession.person_id == person.id)
    if keep is not None:
        stmt = stmt.where(LoginSession.id != keep.id)
    db.session.execute(stmt)


def sessions_of(person: Person) -> list[LoginSession]:
    """The person's sessions that have not ended, most recently used first."""
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(
                LoginSession.person_id == person.id,
                LoginSession.last_seen_at >= utcnow() - idle_limit(),
            )
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


# (token in the User-Agent, name shown), first match wins: Edge and Opera also say Chrome,
# Chrome also says Safari, and every browser on iOS is Safari underneath.
_BROWSERS = (
    ("MicroMessenger/", "WeChat"),
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_agent(user_agent: str) -> str:
    """A short name for the browser and system a session signed in from ("Chrome on Windows")."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), None)
    system = next((name for token, name in _SYSTEMS if token in user_agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown browser")


def _password_set(person: Person) -> None:
    """A new password signs the person out everywhere but in the session that set it (if theirs)."""
    mine = has_request_context() and current_user.is_authenticated and current_user.id == person.id
    end_sessions(person, keep=current_session() if mine else None)


def _deactivated(person: Person) -> None:
    end_sessions(person)


def connect() -> None:
    """Hear org's news about people (called by the factory, okr.wiring)."""
    org_signals.password_set.connect(_password_set)
    org_signals.deactivated.connect(_deactivated)
