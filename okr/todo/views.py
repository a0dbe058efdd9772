"""What I owe in open reviews: my self-assessments, my team-evaluation forms, the interviews I hold."""

from __future__ import annotations

from flask import Response
from flask_login import current_user, login_required

from okr.todo.blueprint import bp
from okr.todo.queries import group_owed, owed_by
from okr.web import render


@bp.get("")
@login_required
def index() -> Response:
    """Each thing owed with its deadline, soonest first; overdue ones are marked."""
    items = owed_by(current_user)
    return render(
        "todo/index.html",
        items=items,
        groups=group_owed(items),
        overdue=sum(1 for item in items if item.overdue),
    )
