"""The home page: what the signed-in person can do here."""

from __future__ import annotations

from flask import Response
from flask_login import current_user, login_required
from sqlalchemy import func, select

from okr.extensions import db
from okr.main.blueprint import bp
from okr.objectives.queries import approvals_waiting
from okr.org.models import Department, Person
from okr.org.queries import people_query, report_ids_query
from okr.web import render


@bp.get("/")
@login_required
def home() -> Response:
    me = db.session.scalars(
        select(Person)
        .where(Person.id == current_user.id)
        .options(db.joinedload(Person.department), db.joinedload(Person.manager))
    ).one()
    direct = db.session.scalars(people_query(me).where(Person.manager_id == me.id).limit(50)).all()
    all_reports = db.session.scalar(
        select(func.count()).where(Person.active, Person.id.in_(report_ids_query(me.id)))
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
        waiting=approvals_waiting(me),
    )
