"""A file of values (生意参谋, 百度统计 or a CRM export): read as its header and rows, mapped by
the columns the person picks (external id, value, optional confidence and note), previewed and
applied through `apply_values` (origin "upload", the file's name as its reference)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from okr.checkins.models import ValueUpload
from okr.checkins.sources import Item, ItemResult, apply_values
from okr.extensions import db
from okr.org.models import Person
from okr.tables import (
    MAX_CELL_CHARS,
    TableError,
    numbered_lines,
    unneutralise,
)

ROLES = ("key", "value", "confidence", "note")
"""What a column can hold; the first two must be chosen."""


@dataclass(frozen=True)
class Columns:
    """Which of the header's columns (by index) holds what; None: not in the file."""

    key: int
    value: int
    confidence: int | None = None
    note: int | None = None


def read_upload(data: bytes, filename: str, person: Person) -> ValueUpload:
    """The file as a kept upload of its header and non-blank rows (TableError when unreadable:
    "empty", "too_many", "header", "encoding", "xlsx", "xlsx_too_large")."""
    numbered = numbered_lines(data, filename)
    first = numbered[0][1]
    if isinstance(first, str) or len([c for c in first if c]) < 2:
        raise TableError("header")
    rows = [
        {"line": n, "cells": [] if isinstance(r, str) else [_cell(c) for c in r]}
        for n, r in numbered[1:]
    ]
    upload = ValueUpload(
        filename=filename[:255],
        header=[_cell(c) for c in first],
        rows=rows,
        created_by_id=person.id,
    )
    db.session.add(upload)
    db.session.flush()  # the preview's address carries its id
    return upload


def _cell(text: str) -> str:
    return unneutralise(text[:MAX_CELL_CHARS])


def guess_columns(header: list[str]) -> Columns:
    """The columns a header most likely means (the first two when nothing matches)."""
    lowered = [h.strip().lower() for h in header]

    def find(*words: str) -> int | None:
        return next((i for i, h in enumerate(lowered) if any(w in h for w in words)), None)

    key = find("key", "id", "编号", "标识")
    value = find("value", "数值", "值", "访客", "uv", "pv")
    if key is None or value is None or key == value:
        key, value = 0, 1
    return Columns(key, value, find("confidence", "信心"), find("note", "备注", "说明"))


def items_of(upload: ValueUpload, columns: Columns, rows: slice = slice(None)) -> list[Item]:
    """The upload's rows (a slice of them) as items, each with its line as its reference."""

    def cell(cells: list[str], index: int | None) -> str | None:
        if index is None:
            return None
        return cells[index].strip() if index < len(cells) else ""

    return [
        Item(
            cell(row["cells"], columns.key) or "",
            cell(row["cells"], columns.value) or "",
            cell(row["cells"], columns.confidence) or None,
            cell(row["cells"], columns.note),
            str(row["line"]),
        )
        for row in upload.rows[rows]
    ]


def preview(upload: ValueUpload, columns: Columns, person: Person) -> list[ItemResult]:
    """What confirming would do with each row, nothing stored or locked."""
    return apply_values(items_of(upload, columns), person, "upload", upload.filename, store=False)


def as_job(upload: ValueUpload) -> bool:
    """Whether the file is big enough to be applied by a job (OKR_VALUE_UPLOAD_JOB_ROWS)."""
    return len(upload.rows) > int(current_app.config.get("VALUE_UPLOAD_JOB_ROWS", 1000))


def apply_upload(
    upload: ValueUpload, columns: Columns, person: Person, now: datetime, rows: slice = slice(None)
) -> list[ItemResult]:
    """Store the rows' values (a slice of them) as check-ins from this file."""
    return apply_values(items_of(upload, columns, rows), person, "upload", upload.filename, now)
