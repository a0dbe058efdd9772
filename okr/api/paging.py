"""Stable cursor pagination: a page continues after the last row of the one before.

The cursor is opaque to clients: base64url of the last row's (sort key, id). Rows are ordered by
(sort key, id), so a row added or removed while a client pages never shifts the others (no row
is skipped or shown twice, unlike page numbers).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from okr.api.problems import refuse
from okr.extensions import db

LIMIT_DEFAULT, LIMIT_MAX = 50, 100
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: a larger one names nothing


class PageArgs(ma.Schema):
    """`limit` (1 to 100) and the `cursor` of the page before."""

    limit = ma.fields.Integer(
        load_default=LIMIT_DEFAULT,
        validate=ma.validate.Range(min=1, max=LIMIT_MAX, error=_l("Between 1 and 100.")),
        metadata={"description": "Rows per page"},
    )
    cursor = ma.fields.String(
        load_default=None, metadata={"description": "`next_cursor` of the page before"}
    )


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The schema of a page of `item`s: the rows and the cursor of the next page (null at the end)."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item), required=True),
            "next_cursor": ma.fields.String(allow_none=True, required=True),
        },
        name=name,
    )


def encode(key: Any, row_id: int) -> str:
    value = {"t": key.isoformat()} if isinstance(key, datetime) else {"v": key}
    raw = json.dumps([value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[Any, int]:
    """The (sort key, id) in a cursor; a cursor not made here is a 422 on `cursor`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, row_id = json.loads(raw)
        key = datetime.fromisoformat(value["t"]) if "t" in value else value["v"]
        if not _fits(row_id) or not (_fits(key) or isinstance(key, str | datetime)):
            raise ValueError(cursor)
        if isinstance(key, str) and "\x00" in key:
            raise ValueError(cursor)
    except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
        refuse({"cursor": str(_l("This cursor is not one this list gave."))})
    return key, row_id


def _fits(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_ID


@dataclass(frozen=True)
class Order:
    """How a list is ordered: a sort key and the id, both ascending or both descending."""

    key: InstrumentedAttribute[Any]
    id: InstrumentedAttribute[Any]
    descending: bool = False

    def after(self, key: Any, row_id: int) -> ColumnElement[bool]:
        if self.descending:
            return or_(self.key < key, and_(self.key == key, self.id < row_id))
        return or_(self.key > key, and_(self.key == key, self.id > row_id))

    def clauses(self) -> tuple[Any, Any]:
        if self.descending:
            return self.key.desc(), self.id.desc()
        return self.key.asc(), self.id.asc()


def page(
    stmt: Select[Any], order: Order, args: dict[str, Any], mark: Callable[[Any], tuple[Any, int]]
) -> tuple[Sequence[Any], str | None]:
    """One page of a select (one query): its rows and the next page's cursor, or None.

    `mark` gives a row's (sort key, id)."""
    limit = args["limit"]
    if args.get("cursor"):
        stmt = stmt.where(order.after(*decode(args["cursor"])))
    ordered = stmt.order_by(None).order_by(*order.clauses())
    rows = db.session.scalars(ordered.limit(limit + 1)).unique().all()
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode(*mark(rows[limit - 1]))
