"""Bonuses and deductions with reasons on a person's cycle, as the review template defines them
(seed 003: 错别字 -0.5 each, 重大差错 -5 to -1 each, 单篇阅读超10万 +2 each).

What can be recorded is the template's: the template of the cycle's review that appraises the
person, else the cycle's own (`okr.cycles.templates.scheme_for`); with neither, nothing. A row
names one of its kinds and a count (for a ranged kind the points of each occurrence too), or
it is free-form (a reason and any points) where the template allows that. Every entry is
checked by the same domain function that scores it (`okr.domain.composite.apply_adjustments`),
so the form, the demo and anything else that records agree with the score; a reason is always
required.

The person's management chain and admins record them; the person reads their own; nobody else
sees them (not even with department transparency on).  They can be added, and removed by whoever
added them or an admin, until the cycle is closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.cycles.templates import scheme_for
from okr.domain.composite import Adjustment as Entry
from okr.domain.composite import apply_adjustments
from okr.domain.errors import InvalidAdjustment
from okr.domain.numbers import fmt
from okr.errors import Invalid
from okr.explain import error_message
from okr.extensions import db
from okr.objectives.models import Adjustment
from okr.org.models import Person
from okr.org.queries import report_ids
from okr.schemes.format import TemplateSpec

MAX_POINTS = Decimal(1000)
"""The largest bonus or deduction of one row: far above any scheme's scale (100 or 120 points)."""
MAX_COUNT = 100
"""The most occurrences one row records (a month of daily typos fits many times over)."""
REASON_LIMIT = 300

# The form field a domain refusal is shown beside.
FIELD_OF = {
    "adjust.unknown_kind": "kind",
    "adjust.free_form_refused": "kind",
    "adjust.bad_count": "count",
    "adjust.fixed_points": "points",
    "adjust.out_of_range": "points",
    "adjust.free_form_points": "points",
}


@dataclass(frozen=True)
class KindOption:
    """One choice of what to record: a kind of the template, or free-form (`key` None)."""

    key: str | None
    label: str  # the template's label with its points: "错别字 −0.5", "重大差错 −5 … −1"
    needs_points: bool  # ranged or free-form: the points are typed


def signed(value: Decimal) -> str:
    """Points as the template lists them: +2, −0.5 (a real minus sign)."""
    text = fmt(value)
    return f"−{text[1:]}" if text.startswith("-") else f"+{text}"


def kind_options(spec: TemplateSpec) -> list[KindOption]:
    """The template's kinds with their points, and "Other (free-form)" only where it allows it."""
    labels = spec.glossary().kinds
    found = []
    for kind in spec.domain.adjustment_kinds:
        label = labels.get(kind.key, kind.key)
        if kind.points is not None:
            found.append(KindOption(kind.key, f"{label} {signed(kind.points)}", False))
        else:
            assert kind.low is not None and kind.high is not None
            shown = f"{label} {signed(kind.low)} … {signed(kind.high)}"
            found.append(KindOption(kind.key, shown, True))
    if spec.domain.free_form:
        found.append(KindOption(None, _("Other (free-form)"), True))
    return found


def no_template_message() -> str:
    return _(
        "Choose this cycle's review template first: its bonuses and deductions decide what "
        "can be recorded."
    )


def can_manage(viewer: Person, person: Person) -> bool:
    """The person's management chain and admins record adjustments (never for themselves)."""
    if viewer.id == person.id:
        return False
    return viewer.is_admin or person.id in report_ids(viewer.id)


def may_delete(viewer: Person, adjustment: Adjustment) -> bool:
    """Whoever recorded an adjustment may take it back; admins may remove any. A streak rule's
    carried points are taken back only by undoing HR's act on the flags page."""
    if adjustment.streak_action_id is not None:
        return False
    return viewer.is_admin or adjustment.author_id == viewer.id


def adjustments_of(cycle: Cycle, person: Person) -> list[Adjustment]:
    """A person's adjustments in a cycle, oldest first, with their authors (one query)."""
    return list(
        db.session.scalars(
            select(Adjustment)
            .where(Adjustment.cycle_id == cycle.id, Adjustment.person_id == person.id)
            .options(db.joinedload(Adjustment.author))
            .order_by(Adjustment.created_at, Adjustment.id)
        )
    )


def total_points(items: list[Adjustment]) -> Decimal:
    """Bonuses minus deductions, exact."""
    return sum((item.points for item in items), Decimal(0))


def _ensure_open(cycle: Cycle) -> None:
    if cycle.status == "closed":
        raise Invalid(
            {
                "_": _(
                    "%(cycle)s is closed: its bonuses and deductions can no longer change.",
                    cycle=cycle.label,
                )
            }
        )


def _reason_error(reason: str) -> str | None:
    if not reason:
        return _("Say why.")
    if len(reason) > REASON_LIMIT:
        return _(
            "Keep the reason to %(limit)s characters; this one has %(count)s.",
            limit=REASON_LIMIT,
            count=len(reason),
        )
    return None


def _entry(
    spec: TemplateSpec, kind: str | None, count: int, points: Decimal | None, reason: str
) -> tuple[Entry | None, dict[str, str]]:
    """What the template will score, or the refusals by field (before the domain's own)."""
    errors: dict[str, str] = {}
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_COUNT:
        errors["count"] = _("Enter a whole number from 1 to %(max)s.", max=MAX_COUNT)
    if kind is None:
        if not spec.domain.free_form:
            errors["kind"] = _(
                "This template allows only its own bonuses and deductions: choose one of them."
            )
        elif count != 1 and "count" not in errors:
            errors["count"] = _("A free-form adjustment is recorded once: enter its total points.")
        if not points:
            errors["points"] = _("Enter points other than 0: + for a bonus, − for a deduction.")
        return (None if errors else Entry.free_form(reason, points or 0)), errors
    found = spec.domain.adjustment_kind(kind)
    if found is None:
        errors["kind"] = _("Choose one of this template's bonuses and deductions.")
    elif found.is_ranged and points is None:
        errors["points"] = _(
            "Enter the points of each one, from %(low)s to %(high)s.",
            low=fmt(found.low or 0),
            high=fmt(found.high or 0),
        )
    return (None if errors else Entry(kind, count, points=points)), errors


def checked_points(
    spec: TemplateSpec,
    kind: str | None,
    count: int,
    points: Decimal | None,
    reason: str,
) -> Decimal:
    """The signed total an entry adds, as the template scores it; Invalid by field otherwise."""
    entry, errors = _entry(spec, kind, count, points, reason)
    if (message := _reason_error(reason)) is not None:
        errors["reason"] = message
    total = None
    if entry is not None:
        try:
            result = apply_adjustments(spec.domain, [entry])
        except InvalidAdjustment as exc:
            errors[FIELD_OF.get(exc.code, "points")] = error_message(exc, spec.glossary())
        else:
            total = result.bonus_raw - result.deduction_raw
            if abs(total) > MAX_POINTS:
                errors["points"] = _(
                    "Enter at most %(max)s points either way, not %(points)s.",
                    max=fmt(MAX_POINTS),
                    points=fmt(total),
                )
    if errors or total is None:
        raise Invalid(errors)
    return total


def add_adjustment(
    cycle: Cycle,
    person: Person,
    actor: Person,
    *,
    reason: str,
    kind: str | None = None,
    count: int = 1,
    points: Decimal | None = None,
) -> Adjustment:
    """Record `count` occurrences of one of the template's kinds (`points`: each one's, for a
    ranged kind), or free-form `points` (kind None) where the template allows; always a reason."""
    _ensure_open(cycle)
    scheme = scheme_for(cycle, person.id)
    if scheme is None:
        raise Invalid({"_": no_template_message()})
    reason = reason.strip()
    total = checked_points(scheme.spec, kind, count, points, reason)
    adjustment = Adjustment(
        cycle_id=cycle.id,
        person_id=person.id,
        kind=kind,
        count=count,
        points=total,
        reason=reason,
        author_id=actor.id,
    )
    db.session.add(adjustment)
    db.session.flush()
    return adjustment


def delete_adjustment(adjustment: Adjustment, cycle: Cycle) -> None:
    """Take an adjustment back while the cycle is not closed (not a streak rule's points)."""
    _ensure_open(cycle)
    if adjustment.streak_action_id is not None:
        raise Invalid(
            {"_": _("These points follow a streak rule: undo HR's act on the flags page.")}
        )
    db.session.delete(adjustment)
    db.session.flush()
