"""Importing people: validate every row against the file and the database, then apply all or nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from okr.extensions import db
from okr.org.models import Person
from okr.org.queries import department_paths
from okr.org.services import normalise_email
from okr.tables import LINE, PROBLEM

TRUE_WORDS = {"1", "yes", "y", "true", "是", "√", "x"}
FALSE_WORDS = {"", "0", "no", "n", "false", "否"}


@dataclass
class RowResult:
    line: int  # spreadsheet line number, header is line 1
    data: dict[str, str]
    action: str = "unchanged"  # create | update | unchanged | error
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Preview:
    rows: list[RowResult]

    @property
    def valid(self) -> bool:
        return not any(row.errors for row in self.rows) and bool(self.rows)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)


def _departments_by_name() -> tuple[dict[str, int], dict[str, list[int]]]:
    paths = department_paths()
    by_path = {
        " / ".join(p.strip() for p in path.split("/")).lower(): i for i, path in paths.items()
    }
    by_leaf: dict[str, list[int]] = {}
    for dept_id, path in paths.items():
        by_leaf.setdefault(path.split(" / ")[-1].strip().lower(), []).append(dept_id)
    return by_path, by_leaf


def _resolve_department(
    text: str, by_path: dict[str, int], by_leaf: dict[str, list[int]]
) -> int | str:
    key = " / ".join(part.strip() for part in text.split("/")).lower()
    if key in by_path:
        return by_path[key]
    leaf = by_leaf.get(key, [])
    if len(leaf) == 1:
        return leaf[0]
    if len(leaf) > 1:
        return _(
            "Several departments are called “%(name)s”; write the full path, e.g. 网络营销部 / 推广组.",
            name=text,
        )
    return _("Unknown department “%(name)s”.", name=text)


def _flag(text: str) -> bool | None:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def preview_import(rows: list[dict[str, str]]) -> Preview:
    """Check every row; say per row what would be created or changed, or why it cannot be."""
    by_path, by_leaf = _departments_by_name()
    existing = {
        p.email: p
        for p in db.session.scalars(select(Person).options(db.joinedload(Person.manager)))
    }
    results = [
        RowResult(line=int(row.get(LINE, i + 2)), data=dict(row)) for i, row in enumerate(rows)
    ]
    seen: dict[str, int] = {}
    wanted_manager: dict[str, str | None] = {
        email: (p.manager.email if p.manager else None) for email, p in existing.items()
    }
    for result in results:
        _check_row(result, by_path, by_leaf, seen)
        email = result.data.get("_email")
        if email and not result.errors and "manager_email" in result.data:
            wanted_manager[email] = result.data.get("_manager") or None
    known = set(existing) | set(seen)
    for result in results:
        manager = result.data.get("_manager")
        if manager and manager not in known:
            result.errors.append(
                _("Manager %(email)s not found in the company or in this file.", email=manager)
            )
    _check_cycles(results, wanted_manager)
    for result in results:
        _decide_action(result, existing)
    return Preview(results)


def _check_row(
    result: RowResult, by_path: dict[str, int], by_leaf: dict[str, list[int]], seen: dict[str, int]
) -> None:
    data, errors = result.data, result.errors
    if PROBLEM in data:
        errors.append(_unreadable_message(data[PROBLEM]))
        return
    too_long = _check_lengths(data, errors)
    if not data.get("name", "").strip():
        errors.append(_("Name is empty."))
    email = "" if "email" in too_long else _check_email(data.get("email", "").strip(), errors)
    if email in seen:
        errors.append(
            _("The email %(email)s is also on line %(line)d.", email=email, line=seen[email])
        )
    elif email:
        seen[email] = result.line
    data["_email"] = email
    _check_department(data, errors, by_path, by_leaf)
    manager = normalise_email(data.get("manager_email", ""))
    if manager and manager == email:
        errors.append(_("A person cannot be their own manager."))
    data["_manager"] = manager
    admin = _flag(data.get("is_admin", ""))
    if admin is None:
        errors.append(_("HR admin must be yes or no (是/否)."))
    data["_admin"] = "1" if admin else ""


def _check_email(raw_email: str, errors: list[str]) -> str:
    """The row's email as stored, or "" with the reason in `errors`."""
    try:
        return normalise_email(validate_email(raw_email, check_deliverability=False).normalized)
    except EmailNotValidError:
        errors.append(
            _("“%(email)s” is not an email address.", email=raw_email)
            if raw_email
            else _("Email is empty.")
        )
        return ""


def _check_department(
    data: dict[str, str], errors: list[str], by_path: dict[str, int], by_leaf: dict[str, list[int]]
) -> None:
    """The row's department by path or by unique name, kept as `_department_id`."""
    department = (
        _resolve_department(data.get("department", ""), by_path, by_leaf)
        if data.get("department", "").strip()
        else _("Department is empty.")
    )
    if isinstance(department, str):
        errors.append(department)
    else:
        data["_department_id"] = str(department)


def _unreadable_message(code: str) -> str:
    if code == "field_too_long":
        return _(
            'This line cannot be read: a cell is longer than %(max)s characters, or a quote (") is not closed.',
            max=format_decimal(csv.field_size_limit()),
        )
    return _('This line cannot be read as CSV: check its quotes (").')


def _check_lengths(data: dict[str, str], errors: list[str]) -> set[str]:
    """Cells longer than their column holds are refused here, never cut or left to the database."""
    columns = Person.__table__.c
    messages = {
        "name": lambda n: _("The name is longer than %(max)d characters.", max=n),
        "email": lambda n: _("The email is longer than %(max)d characters.", max=n),
        "position": lambda n: _("The position is longer than %(max)d characters.", max=n),
    }
    too_long = set()
    for key, message in messages.items():
        limit = columns[key].type.length
        if len(data.get(key, "").strip()) > limit:
            errors.append(message(limit))
            too_long.add(key)
    return too_long


def _check_cycles(results: list[RowResult], wanted_manager: dict[str, str | None]) -> None:
    for result in results:
        start = result.data.get("_email")
        if not start or result.errors:
            continue
        chain, current = [start], wanted_manager.get(start)
        while current and current not in chain and len(chain) < 10_000:
            chain.append(current)
            current = wanted_manager.get(current)
        if current == start:
            result.errors.append(_("Manager loop: %(chain)s.", chain=" → ".join([*chain, start])))


def _decide_action(result: RowResult, existing: dict[str, Person]) -> None:
    if result.errors:
        result.action = "error"
        return
    data = result.data
    person = existing.get(data["_email"])
    if person is None:
        result.action = "create"
        return
    labels = {
        "name": _("name"),
        "position": _("position"),
        "department": _("department"),
        "manager_email": _("manager"),
        "is_admin": _("HR admin"),
    }
    current = {
        "name": person.name,
        "position": person.position,
        "department": str(person.department_id),
        "manager_email": person.manager.email if person.manager else "",
        "is_admin": "1" if person.is_admin else "",
    }
    # An optional column missing from the file keeps what the company has.
    new = {
        "name": data.get("name", "").strip(),
        "position": data["position"].strip() if "position" in data else current["position"],
        "department": data["_department_id"],
        "manager_email": data["_manager"] if "manager_email" in data else current["manager_email"],
        "is_admin": data["_admin"] if "is_admin" in data else current["is_admin"],
    }
    result.changes = [labels[key] for key in labels if current[key] != new[key]]
    result.action = "update" if result.changes else "unchanged"


def apply_import(preview: Preview) -> None:
    """Create and update people from a valid preview: everybody first, then their managers."""
    for _rows in applying(preview, chunk=CHUNK):  # flushed a chunk at a time, committed once
        pass


CHUNK = 500  # rows per step: each step reads its people by email, well within SQLite's bind limit


def applying(preview: Preview, chunk: int) -> Iterator[int]:
    """`apply_import` `chunk` rows at a time, flushed, never committed;
    yields the rows done after each chunk: people created or updated by email, then managers.

    Every step upserts by email, so a job that commits each chunk and is run again (its preview
    read again) never creates a person twice.
    """
    touched = [row for row in preview.rows if row.action in ("create", "update")]
    for start in range(0, len(touched), chunk):
        _upsert(touched[start : start + chunk])
        yield min(start + chunk, len(touched))
    managed = [row for row in touched if "manager_email" in row.data]
    for start in range(0, len(managed), chunk):
        _set_managers(managed[start : start + chunk])
        yield len(touched) + min(start + chunk, len(managed))


def _by_email(emails: set[str]) -> dict[str, Person]:
    return {p.email: p for p in db.session.scalars(select(Person).where(Person.email.in_(emails)))}


def _upsert(rows: list[RowResult]) -> None:
    people = _by_email({row.data["_email"] for row in rows})
    for row in rows:
        data = row.data
        person = people.get(data["_email"])
        if person is None:
            person = Person(email=data["_email"], position="")
            db.session.add(person)
            people[person.email] = person
        person.name = data["name"].strip()
        if "position" in data:
            person.position = data["position"].strip()
        person.department_id = int(data["_department_id"])
        if "is_admin" in data:
            person.is_admin = bool(data["_admin"])
    db.session.flush()


def _set_managers(rows: list[RowResult]) -> None:
    emails = {row.data["_email"] for row in rows} | {row.data["_manager"] for row in rows}
    people = _by_email(emails - {""})
    for row in rows:
        manager = row.data["_manager"]
        people[row.data["_email"]].manager_id = people[manager].id if manager else None
    db.session.flush()
