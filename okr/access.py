"""Stopping a request that may not go on: every view asks before touching an object.

Only the rule "signed-in admins" lives here; who may see which person, objective or appraisal
is each feature's own rule (`okr.org.access`, `okr.objectives.access`, `okr.reviews.access`).
This module imports no feature, so every feature's views may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable[..., Any])


def ensure(allowed: bool) -> None:
    """Stop the request with 403 unless allowed."""
    if not allowed:
        abort(403)


def admin_required(view: F) -> F:
    """Decorate a view so only signed-in admins reach it."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ensure(current_user.is_admin)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
