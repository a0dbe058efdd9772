"""API tokens: made and shown once, kept as a SHA-256 only, expiring, revocable.

A token is `okr_pat_` (personal) or `okr_svc_` (service) and 43 characters of a 32-byte random
secret. A random secret of that size needs no slow password hash: its SHA-256 cannot be reversed
or guessed, and it is found by an index lookup on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from flask import current_app, request
from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select, update

from okr.api.models import ApiToken
from okr.db import SAFE_METHODS, utcnow
from okr.errors import Invalid
from okr.extensions import db
from okr.org.models import Person
from okr.unit_of_work import separate_transaction

SCOPES = ("read", "checkin", "admin")
PREFIXES = {"personal": "okr_pat_", "service": "okr_svc_"}
# Last use is written at most this often: not a write on every request.
TOUCH_EVERY = timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def max_days() -> int:
    """The longest a token may live (OKR_API_TOKEN_MAX_DAYS)."""
    return int(current_app.config["API_TOKEN_MAX_DAYS"])


def _checked(name: str, scopes: list[str], days: int | None) -> dict[str, str]:
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the token a name, e.g. the script that uses it.")
    elif len(name.strip()) > 100:
        errors["name"] = _("At most 100 characters.")
    if not scopes or any(scope not in SCOPES for scope in scopes):
        errors["scopes"] = _("Choose at least one of read, check-in and admin.")
    if days is None or not 1 <= days <= max_days():
        errors["days"] = _("Between 1 and %(days)s days.", days=max_days())
    return errors


def create_token(
    owner: Person, name: str, scopes: list[str], days: int | None, kind: str = "personal"
) -> tuple[ApiToken, str]:
    """A new token for the owner; the secret returned is shown once and never stored."""
    if errors := _checked(name, scopes, days):
        raise Invalid(errors)
    assert days is not None
    secret = PREFIXES[kind] + secrets.token_urlsafe(32)
    now = utcnow()
    token = ApiToken(
        kind=kind,
        token_hash=digest(secret),
        hint=secret[: len(PREFIXES[kind]) + 4],
        owner_id=owner.id,
        name=name.strip(),
        scopes=[scope for scope in SCOPES if scope in scopes],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def usable(token: ApiToken, now: datetime | None = None) -> bool:
    """Not revoked, not expired, and its owner still active."""
    now = now or utcnow()
    return token.revoked_at is None and token.expires_at > now and token.owner.active


def authenticate(secret: str) -> ApiToken | None:
    """The usable token with this secret, with its owner (one query), or None."""
    if not secret.startswith(tuple(PREFIXES.values())):
        return None
    token = db.session.scalars(_by_hash(), {"token_hash": digest(secret)}).first()
    if token is None or not usable(token):
        return None
    return token


@cache
def _by_hash() -> Select[tuple[ApiToken]]:
    return (
        select(ApiToken)
        .where(ApiToken.token_hash == bindparam("token_hash"))
        .options(db.joinedload(ApiToken.owner))
    )


def note_use(token: ApiToken) -> None:
    """Move the token's last use to now, at most once a minute.

    A reading request writes it on its own connection (it commits nothing of its own); a
    writing request with its own changes (on SQLite it holds the write lock from its start)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    if request.method not in SAFE_METHODS:
        token.last_used_at = now
        return
    table = ApiToken.__table__
    with separate_transaction() as connection:
        connection.execute(update(table).where(table.c.id == token.id).values(last_used_at=now))


def revoke(token: ApiToken) -> None:
    """End a token now (revoking twice keeps the first time)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()


def may_manage(viewer: Person, token: ApiToken) -> bool:
    """The owner manages their tokens; HR anyone's."""
    return viewer.is_admin or token.owner_id == viewer.id


def tokens_query(viewer: Person, everyone: bool = False) -> Select[tuple[ApiToken]]:
    """The viewer's tokens, or everyone's for HR, newest first, with their owners."""
    stmt = select(ApiToken).options(db.joinedload(ApiToken.owner))
    if not (everyone and viewer.is_admin):
        stmt = stmt.where(ApiToken.owner_id == viewer.id)
    return stmt.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
