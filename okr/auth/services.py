"""Signing in: password check with throttling per account and per address."""

from __future__ import annotations

import math
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from okr.auth.models import LoginFailure
from okr.db import utcnow
from okr.extensions import db
from okr.org.models import Person
from okr.org.services import normalise_email


@cache
def _dummy_hash() -> str:
    """Checked when the account does not exist, so timing does not tell which emails exist."""
    return generate_password_hash("not a password")


class Throttled(Exception):
    def __init__(self, minutes: int) -> None:
        super().__init__(minutes)
        self.minutes = minutes


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def check_throttle(email: str, address: str) -> None:
    """Refuse further attempts after too many recent failures for the account or the address."""
    since = utcnow() - _window()
    config = current_app.config
    for column, value, limit in (
        (LoginFailure.email, email, config["LOGIN_MAX_FAILURES"]),
        (LoginFailure.address, address, config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    ):
        count, oldest = db.session.execute(
            select(func.count(), func.min(LoginFailure.at)).where(
                column == value, LoginFailure.at >= since
            )
        ).one()
        if count >= limit:
            wait = (oldest + _window() - utcnow()).total_seconds() / 60
            raise Throttled(max(1, math.ceil(wait)))


def authenticate(email: str, password: str, address: str) -> Person | None:
    """The active person with this email and password, or None (the failure is recorded)."""
    email = normalise_email(email)
    check_throttle(email, address)
    person = db.session.scalar(select(Person).where(Person.email == email))
    stored = person.password_hash if person and person.password_hash else _dummy_hash()
    ok = check_password_hash(stored, password) and person is not None and person.active
    if not ok:
        db.session.add(LoginFailure(email=email, address=address))
        db.session.flush()
        return None
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    return person
