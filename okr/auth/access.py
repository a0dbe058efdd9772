"""Who may see and change what; every view asks here before touching an object."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from okr.org.models import Person
from okr.org.queries import report_ids

F = TypeVar("F", bound=Callable[..., Any])


def can_view_person(viewer: Person, person: Person) -> bool:
    """Admins see everyone; a person sees themself; a manager sees their whole reporting line."""
    return viewer.is_admin or viewer.id == person.id or person.id in report_ids(viewer.id)


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
