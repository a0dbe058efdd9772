"""Values for many key results at once, found by their external id (the API's bulk endpoint and
the upload page): the same checks and access as one check-in on the pages, set-based.

For any number of items the work is a constant number of statements: the key results by key
with their objectives and cycles (locked, as a check-in locks its row), who the actor may check
in for, one INSERT of the check-ins, one UPDATE of the key results' latest state, and one roll-up
of every chain above them (okr.checkins.chains). What is stored is what one `record_checkin` per
item would store, field by field.

A value equal to the key result's latest (same value, confidence and note) already checked in
this week is reported unchanged and not stored: a retried sync or the same file uploaded twice
adds nothing to the log or the 周报, while the first push of a new week still records that the
number was reported that week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Insert, Select, Update, bindparam, insert, select, update

from okr.checkins.access import editable_objectives
from okr.checkins.chains import refresh_chains
from okr.checkins.services import checked_value, ensure_open
from okr.db import local_date, stored, utcnow
from okr.domain.periods import week_start
from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.chain import sync
from okr.objectives.due import due_after
from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.objectives.progress import key_result_figures
from okr.org.models import Person

ORIGINS = ("form", "api", "upload")


@dataclass(frozen=True)
class Item:
    """One value for the key result with this external id."""

    source_key: str
    value: str
    confidence: str | None = None  # None: the key result's latest confidence (on track at first)
    note: str | None = None  # None: the key result's latest note
    ref: str | None = None  # the caller's own id for the item, given back in its result


@dataclass(frozen=True)
class ItemResult:
    """What became of one item: stored, unchanged, or refused with the field and the message."""

    index: int
    source_key: str
    status: str  # stored | unchanged | refused (| ready: would be stored, in a preview)
    ref: str | None = None
    kr_id: int | None = None
    checkin_id: int | None = None
    field: str | None = None
    message: str | None = None


@dataclass
class _Accepted:
    index: int
    item: Item
    kr: KeyResult
    value: Decimal
    confidence: str
    note: str


def apply_values(
    items: list[Item],
    actor: Person,
    origin: str,
    origin_ref: str | None,
    now: datetime | None = None,
    *,
    store: bool = True,
) -> list[ItemResult]:
    """Check in each item's value on the key result with its external id, where the actor may
    (see the module); one result per item, in the items' order. Flushes, never commits.

    With `store` false nothing is locked or written: what would be stored is "ready" (a preview).
    """
    if origin not in ORIGINS:
        raise ValueError(origin)
    now = now or utcnow()
    krs = _key_results(sorted({item.source_key.strip() for item in items}), lock=store)
    editable = editable_objectives(actor, [kr.objective for kr in krs.values()])
    results: dict[int, ItemResult] = {}
    accepted: list[_Accepted] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        found = _check(index, item, krs, editable, seen, now)
        if isinstance(found, ItemResult):
            results[index] = found
        else:
            accepted.append(found)
    if not store:
        for entry in accepted:
            results[entry.index] = _result(entry.index, entry.item, "ready", entry.kr)
        return [results[index] for index in range(len(items))]
    ids = _insert(accepted, actor, origin, origin_ref, now)
    for entry, checkin_id in zip(accepted, ids, strict=True):
        results[entry.index] = _result(entry.index, entry.item, "stored", entry.kr, checkin_id)
    _store_latest(accepted, now)
    refresh_chains({entry.kr.objective_id for entry in accepted})
    return [results[index] for index in range(len(items))]


def _check(
    index: int,
    item: Item,
    krs: dict[str, KeyResult],
    editable: set[int],
    seen: set[str],
    now: datetime,
) -> ItemResult | _Accepted:
    """The item accepted, or its result: refused (and why) or unchanged."""
    key = item.source_key.strip()
    kr = krs.get(key)
    if kr is None:
        return _refused(index, item, None, "source_key", _("No key result has this external id."))
    if kr.objective_id not in editable:
        message = _("You may not check in on this key result.")
        return _refused(index, item, kr, "source_key", message)
    if key in seen:
        message = _(
            "This external id is given more than once; a key result takes one value at a time."
        )
        return _refused(index, item, kr, "source_key", message)
    seen.add(key)
    confidence = item.confidence or kr.confidence or "on_track"
    note = (item.note if item.note is not None else kr.last_note).strip()
    try:
        ensure_open(kr.objective.cycle)
        value = checked_value(kr, item.value, confidence)
    except Invalid as exc:
        field, message = next(iter(exc.errors.items()))
        return _refused(index, item, kr, None if field == "_" else field, message)
    if _same_as_latest(kr, value, confidence, note, now):
        return _result(index, item, "unchanged", kr)
    return _Accepted(index, item, kr, value, confidence, note)


def _same_as_latest(
    kr: KeyResult, value: Decimal, confidence: str, note: str, now: datetime
) -> bool:
    """Whether this is the key result's latest value, confidence and note, checked in this week."""
    if kr.last_checkin_at is None or kr.current is None:
        return False
    this_week = week_start(local_date(now)) == week_start(local_date(kr.last_checkin_at))
    return this_week and (kr.current, kr.confidence, kr.last_note) == (value, confidence, note)


def _result(
    index: int, item: Item, status: str, kr: KeyResult, checkin_id: int | None = None
) -> ItemResult:
    return ItemResult(index, item.source_key, status, item.ref, kr.id, checkin_id)


def _refused(
    index: int, item: Item, kr: KeyResult | None, field: str | None, message: str
) -> ItemResult:
    kr_id = kr.id if kr is not None else None
    return ItemResult(index, item.source_key, "refused", item.ref, kr_id, None, field, message)


def _key_results(keys: list[str], *, lock: bool) -> dict[str, KeyResult]:
    """The key results with these external ids, with their objectives and cycles (locked to
    be written, as a check-in locks its row)."""
    if not keys:
        return {}
    rows = db.session.scalars(_by_key(lock), {"keys": keys}).unique()
    return {kr.source_key: kr for kr in rows if kr.source_key is not None}


@cache
def _by_key(lock: bool) -> Select[tuple[KeyResult]]:
    statement = (
        select(KeyResult)
        .where(KeyResult.source_key.in_(bindparam("keys", expanding=True)))
        .options(db.joinedload(KeyResult.objective, innerjoin=True).joinedload(Objective.cycle))
        .order_by(KeyResult.id)
    )
    return statement.with_for_update(of=KeyResult) if lock else statement


def _insert(
    accepted: list[_Accepted], actor: Person, origin: str, origin_ref: str | None, now: datetime
) -> list[int]:
    """The accepted values as check-ins; their ids in the items' order."""
    if not accepted:
        return []
    week = week_start(local_date(now))
    rows = [
        {
            "key_result_id": entry.kr.id,
            "value": entry.value,
            "confidence": entry.confidence,
            "note": entry.note,
            "author_id": actor.id,
            "created_at": now,
            "week": week,
            "origin": origin,
            "origin_ref": origin_ref,
        }
        for entry in accepted
    ]
    # each key result takes one value (a repeated key is refused), so its id names the row: the
    # rows come back in any order, in one statement on both databases
    ids = {kr_id: checkin_id for kr_id, checkin_id in db.session.execute(_insert_checkins(), rows)}
    return [ids[entry.kr.id] for entry in accepted]


@cache
def _insert_checkins() -> Insert:
    return insert(CheckIn).returning(CheckIn.key_result_id, CheckIn.id)


def _store_latest(accepted: list[_Accepted], now: datetime) -> None:
    """Each key result's latest state, due-date value and figures, in one statement (their rows
    are locked)."""
    if not accepted:
        return
    rows: list[dict[str, Any]] = []
    for entry in accepted:
        kr, cap = entry.kr, entry.kr.objective.cycle.attainment_cap
        due_value = due_after(kr, local_date(now), entry.value)  # a new value, never a correction
        state = {"current": entry.value, "confidence": entry.confidence, "note": entry.note}
        state["due_value"] = due_value
        progress, points = key_result_figures(_Latest(kr, entry.value, due_value), cap)
        rows.append(
            {"b_id": kr.id, "b_last_checkin_at": now, "b_progress": stored(progress)}
            | {"b_points": stored(points), "b_version": kr.version + 1}
            | {f"b_{name}": value for name, value in state.items()}
        )
    db.session.execute(_update_latest(), rows)
    for row in rows:
        sync(
            KeyResult,
            row["b_id"],
            current=row["b_current"],
            confidence=row["b_confidence"],
            last_note=row["b_note"],
            due_value=row["b_due_value"],
            last_checkin_at=row["b_last_checkin_at"],
            progress=row["b_progress"],
            points=row["b_points"],
            version=row["b_version"],
        )


class _Latest:
    """A key result read with a new latest value (what its figures are computed from)."""

    def __init__(self, kr: KeyResult, current: Decimal, due_value: Decimal | None) -> None:
        self._kr, self.current, self.due_value = kr, current, due_value

    def __getattr__(self, name: str) -> Any:
        return getattr(self._kr, name)


_KR = KeyResult.__table__


@cache
def _update_latest() -> Update:
    def typed(name: str, column: str) -> Any:
        return bindparam(name, type_=_KR.c[column].type)

    return (
        update(_KR)
        .where(_KR.c.id == bindparam("b_id"))
        .values(
            current=typed("b_current", "current"),
            confidence=typed("b_confidence", "confidence"),
            last_note=typed("b_note", "last_note"),
            due_value=typed("b_due_value", "due_value"),
            last_checkin_at=typed("b_last_checkin_at", "last_checkin_at"),
            progress=typed("b_progress", "progress"),
            points=typed("b_points", "points"),
            version=typed("b_version", "version"),
        )
    )
