"""Weekly check-ins: the log is append-only; the key result keeps its latest state."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, bindparam, exists, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from okr.cycles.models import Cycle
from okr.cycles.rules import checkins_open
from okr.db import local_date, utcnow
from okr.domain.errors import DomainError
from okr.domain.krspec import KRKind
from okr.domain.numbers import parse_decimal
from okr.domain.periods import week_start
from okr.errors import Invalid, StaleEdit
from okr.explain import error_message
from okr.extensions import db
from okr.objectives.due import due_after
from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.objectives.progress import refresh_key_result, refresh_objective_chain
from okr.objectives.rules import CONFIDENCES, typed_percent, unit_fit_problem
from okr.org.models import Person


def parse_value(kr: KeyResult, text: str) -> Decimal:
    """A check-in value from what the person typed, fitting the key result's unit (rules.py);
    a milestone takes done (1) or not (0)."""
    try:
        value = parse_decimal(text, allow_percent=True)
    except DomainError as exc:
        raise Invalid({"value": error_message(exc)}) from exc
    if kr.kind == KRKind.MILESTONE and value not in (0, 1):
        raise Invalid({"value": _("A milestone is either done (1) or not done (0).")})
    if problem := unit_fit_problem(kr, value, typed_percent(text)):
        raise Invalid({"value": problem})
    return value


def ensure_open(cycle: Cycle) -> None:
    """Check-ins are taken while the cycle runs and during its review."""
    if not checkins_open(cycle):
        raise Invalid({"_": _("Check-ins are open while the cycle runs and during its review.")})


def checked_value(kr: KeyResult, value_text: str, confidence: str) -> Decimal:
    """A check-in's value once its confidence is one of the three and the value fits the unit."""
    if confidence not in CONFIDENCES:
        raise Invalid({"confidence": _("Choose on track, at risk or off track.")})
    return parse_value(kr, value_text)


def record_checkin(
    kr: KeyResult,
    value_text: str,
    confidence: str,
    note: str,
    author: Person,
    seen_version: int | None,
    now: datetime | None = None,
    *,
    origin: str = "form",
    origin_ref: str | None = None,
) -> CheckIn:
    """Record a new value for a key result and roll progress up; a stale form is refused.

    `origin` says how it came in (the page's form, the API: okr.checkins.sources.ORIGINS), and
    `origin_ref` from where (the API token)."""
    objective = db.session.get_one(Objective, kr.objective_id)  # loaded with the key result
    cycle = db.session.get_one(Cycle, objective.cycle_id)
    ensure_open(cycle)
    if seen_version is not None and kr.version != seen_version:
        raise StaleEdit()
    value = checked_value(kr, value_text, confidence)
    now = now or utcnow()
    checkin = CheckIn(
        key_result_id=kr.id,
        value=value,
        confidence=confidence,
        note=note.strip(),
        author=author,
        created_at=now,
        week=week_start(local_date(now)),
        origin=origin,
        origin_ref=origin_ref,
    )
    kr.last_checkin_at = now
    _store(kr, cycle, checkin)
    return checkin


def _store(kr: KeyResult, cycle: Cycle, checkin: CheckIn) -> None:
    """Add a check-in, make it the key result's latest state (and the value standing on its due
    date when it counts for it) and roll progress up."""
    kr.due_value = due_after(
        kr, local_date(checkin.created_at), checkin.value, checkin.corrects_id
    )  # read before the check-in is added: a correction replays the log without it
    db.session.add(checkin)
    kr.current, kr.confidence, kr.last_note = checkin.value, checkin.confidence, checkin.note
    refresh_key_result(kr, cycle.attainment_cap)
    try:
        db.session.flush()
    except StaleDataError as exc:  # saved by someone else between our read and our write
        raise StaleEdit() from exc
    refresh_objective_chain(kr.objective_id)


def correct_checkin(
    kr: KeyResult,
    wrong: CheckIn,
    value_text: str,
    confidence: str,
    note: str,
    reason: str,
    author: Person,
    now: datetime | None = None,
) -> CheckIn:
    """Correct a key result's latest check-in by a new one that supersedes it, with the reason.

    History is never rewritten: the wrong check-in stays in the log, marked as corrected. The
    correction counts for the wrong one's week; the key result's value and progress follow it.
    """
    cycle = _correctable(kr, wrong)
    value = _checked_correction(kr, wrong, value_text, confidence, note, reason)
    correction = CheckIn(
        key_result_id=kr.id,
        value=value,
        confidence=confidence,
        note=note.strip(),
        author=author,
        created_at=now or utcnow(),
        week=wrong.week,
        corrects_id=wrong.id,
        reason=reason.strip(),
    )
    _store(kr, cycle, correction)
    return correction


def _correctable(kr: KeyResult, wrong: CheckIn) -> Cycle:
    """The key result's cycle, once the check-in may be corrected: check-ins are open and it is
    still the latest; the key result's row stays locked so nobody checks in meanwhile."""
    cycle = db.session.get_one(Cycle, db.session.get_one(Objective, kr.objective_id).cycle_id)
    if not checkins_open(cycle):
        raise Invalid(
            {"_": _("Check-ins can be corrected while the cycle runs and during its review.")}
        )
    locked = db.session.scalar(  # nobody checks in or corrects meanwhile
        select(KeyResult.version).where(KeyResult.id == kr.id).with_for_update()
    )
    if locked != kr.version:
        raise StaleEdit()
    latest = latest_checkins([kr.id]).get(kr.id)
    if latest is None or latest.id != wrong.id:
        raise Invalid(
            {
                "_": _(
                    "Only the latest check-in can be corrected, and this one is no longer the latest."
                )
            }
        )
    return cycle


def _checked_correction(
    kr: KeyResult, wrong: CheckIn, value_text: str, confidence: str, note: str, reason: str
) -> Decimal:
    """The corrected value, once the correction has a reason and changes something."""
    if confidence not in CONFIDENCES:
        raise Invalid({"confidence": _("Choose on track, at risk or off track.")})
    value = parse_value(kr, value_text)
    if not reason.strip():
        raise Invalid({"reason": _("Say what was wrong; the reason is kept with the correction.")})
    if (value, confidence, note.strip()) == (wrong.value, wrong.confidence, wrong.note):
        raise Invalid(
            {
                "value": _(
                    "This is what the check-in says already: change the value, the confidence or the note."
                )
            }
        )
    return value


def superseded() -> ColumnElement[bool]:
    """Check-ins that a correction supersedes: left out wherever "the value" is read."""
    correction = aliased(CheckIn)
    return exists().where(correction.corrects_id == CheckIn.id)


# Reading the log: never the whole of it --------------------------------------------------


def latest_checkins(kr_ids: list[int]) -> dict[int, CheckIn]:
    """The newest check-in of each key result that no correction superseded, with its author."""
    if not kr_ids:
        return {}
    rows = db.session.scalars(_latest(), {"kr_ids": kr_ids})
    return {checkin.key_result_id: checkin for checkin in rows}


def weekly_values(kr_id: int, weeks: int = 60) -> list[tuple[date, Decimal]]:
    """The last value of each week (local day it was recorded), oldest first, for the chart;
    a correction stands for the week of the check-in it corrects."""
    rows = db.session.execute(_weekly(), {"kr_id": kr_id, "weeks": weeks}).all()
    return [(local_date(at), value) for at, value in reversed(rows)]


# Built once: the daily pages and every check-in read these, and building a statement with
# its subqueries costs more CPU than PostgreSQL spends running it.


@cache
def _latest() -> Select[tuple[CheckIn]]:
    """The newest standing check-in of each of :kr_ids, with its author."""
    newest = (
        select(func.max(CheckIn.id))
        .where(CheckIn.key_result_id.in_(bindparam("kr_ids", expanding=True)), ~superseded())
        .group_by(CheckIn.key_result_id)
    )
    return select(CheckIn).where(CheckIn.id.in_(newest)).options(db.joinedload(CheckIn.author))


@cache
def _weekly() -> Select[tuple[datetime, Decimal]]:
    """The time and value of the last standing check-in of each week of :kr_id, newest first."""
    last_of_week = (
        select(func.max(CheckIn.id))
        .where(CheckIn.key_result_id == bindparam("kr_id"), ~superseded())
        .group_by(CheckIn.week)
    )
    return (
        select(CheckIn.created_at, CheckIn.value)
        .where(CheckIn.id.in_(last_of_week))
        .order_by(CheckIn.id.desc())
        .limit(bindparam("weeks"))
    )


def log_query(kr_id: int) -> Select[tuple[CheckIn]]:
    """A key result's check-ins, newest first, with their authors and what corrects what."""
    return (
        select(CheckIn)
        .where(CheckIn.key_result_id == kr_id)
        .options(
            db.joinedload(CheckIn.author),
            db.joinedload(CheckIn.corrects),
            db.joinedload(CheckIn.corrected_by).joinedload(CheckIn.author),
        )
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())
    )
