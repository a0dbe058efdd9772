"""The 周报 XLSX built from plain parameters: in the request for a small team, else by an
"export.weekly" job (okr.jobs.exports)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from okr.cycles.models import Cycle
from okr.extensions import db
from okr.jobs.exports import XLSX, Export, export_kind
from okr.org.models import Person
from okr.team.queries import team_query
from okr.team.weekly import WeekColumn, cycle_weeks, weekly_table, weekly_xlsx

WEEKLY = "export.weekly"


def weekly_params(
    cycle: Cycle, viewer: Person, department_id: int | None, week: WeekColumn
) -> dict[str, Any]:
    """What a job needs to build the same file: who asks, the department, the report week."""
    return {
        "cycle_id": cycle.id,
        "viewer_id": viewer.id,
        "department_id": department_id,
        "week": week.monday.isoformat(),
    }


@export_kind(WEEKLY, _l("Weekly report export (XLSX)"), concurrency=2)
def build_weekly(params: dict[str, Any]) -> Export:
    """The viewer's team's 周报 (a department's, for HR) up to the report week."""
    cycle = db.session.get_one(Cycle, params["cycle_id"])
    viewer = db.session.get_one(Person, params["viewer_id"])
    monday = date.fromisoformat(params["week"])
    week = next(w for w in cycle_weeks(cycle) if w.monday == monday)
    table = weekly_table(cycle, team_query(viewer, params["department_id"]), week)
    filename = f"weekly-{cycle.label.replace(' ', '-')}-{table.report_week.label}.xlsx"
    return Export(filename, XLSX, weekly_xlsx(table))
