"""Exporting people in the import's format: in the request for a small company, else by an
"export.people" job (okr.jobs.exports; HR's data, so only HR follows it)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from okr.extensions import db
from okr.files.xlsx import SheetLayout, write_sheet
from okr.jobs.exports import XLSX, Export, export_kind
from okr.org.models import Person
from okr.org.queries import department_paths
from okr.tables import neutralise, write_csv

PEOPLE = "export.people"
HEADERS = {
    "zh": ("姓名", "邮箱", "职位", "部门", "上级邮箱", "人事管理员"),
    "en": ("name", "email", "position", "department", "manager_email", "hr_admin"),
}


def people_count() -> int:
    """How many rows the export has: everyone, active or not (one counting query)."""
    return db.session.scalar(select(func.count()).select_from(Person)) or 0


def people_params(fmt: str, locale: str, now: datetime) -> dict[str, Any]:
    """The format, the columns' language and the date in the file's name."""
    lang = "zh" if locale.startswith("zh") else "en"
    return {"fmt": fmt, "lang": lang, "stamp": now.strftime("%Y%m%d")}


@export_kind(PEOPLE, _l("People export"), concurrency=1, hr_only=True)
def build_people(params: dict[str, Any]) -> Export:
    """Everyone, active or not, in the import format (formula-like cells neutralised)."""
    lang, fmt = params["lang"], params["fmt"]
    rows = export_rows(("是", "否") if lang == "zh" else ("yes", "no"))
    name = f"people-{params['stamp']}.{fmt}"
    if fmt == "csv":
        return Export(name, "text/csv; charset=utf-8", write_csv(HEADERS[lang], rows))
    cells = ([neutralise(cell) for cell in row] for row in rows)  # every cell text, as the CSV
    return Export(name, XLSX, write_sheet(_("People"), HEADERS[lang], cells, SheetLayout()))


def export_rows(yes_no: tuple[str, str]) -> list[tuple[str, ...]]:
    """One row per person, in the import's columns; HR admin as the language's yes or no."""
    yes, no = yes_no
    paths = department_paths()
    manager = db.aliased(Person)
    people = db.session.execute(
        select(
            Person.name,
            Person.email,
            Person.position,
            Person.department_id,
            manager.email,
            Person.is_admin,
        )
        .outerjoin(manager, Person.manager_id == manager.id)
        .order_by(Person.name, Person.id)
    )
    return [
        (name, email, position, paths.get(department_id, ""), boss or "", yes if admin else no)
        for name, email, position, department_id, boss, admin in people
    ]
