"""The home page: what the signed-in person can do here."""

from __future__ import annotations

from flask import Response
from flask_login import current_user, login_required
from sqlalchemy import func, select

from okr.extensions import db
from okr.main.blueprint import bp
from okr.objectives.waiting import approvals_waiting
from okr.org.models import Department, Person
from okr.org.queries import among, direct_reports, report_ids
from okr.web import render

DIRECT_SHOWN = 50


@bp.get("/")
@login_required
def home() -> Response:
    me = db.session.scalars(
        select(Person)
        .where(Person.id == current_user.id)
        .options(db.joinedload(Person.department), db.joinedload(Person.manager))
    ).one()
    reports = report_ids(me.id)  # walked once; the queries below filter on the ids it found
    direct = direct_reports(me.id, DIRECT_SHOWN)
    all_reports = db.session.scalar(
        select(func.count()).where(Person.active, among(Person.id, reports))
    )
    stats = None
    if me.is_admin:
        stats = {
            "people": db.session.scalar(select(func.count()).where(Person.active)),
            "departments": db.session.scalar(select(func.count(Department.id))),
        }
    return render(
        "main/home.html",
        person=me,
        direct=direct,
        all_reports=all_reports,
        stats=stats,
        waiting=approvals_waiting(me, reports),
    )
