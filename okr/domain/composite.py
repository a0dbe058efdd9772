"""The composite score of an appraisal on the template's scale, adjustments and grade.

* Part points = part fraction x part weight / 100 x total scale; the weighted sum adds them.
  A section of indicators (okr.domain.scorecard) gives its points over its max as fraction.
  In a points template each part's weight is its max points: a rated part gives fraction x
  max, a section its exact points, and the sum is exact (5.5 + 5.8 = 11.3).
  Fractions run from 0 to 1; only the KR part may go up to the template's attainment cap
  (over-achievement such as 1.2); anything outside is refused.
* A part that weighs more than 0 and has no fraction makes the result incomplete:
  ``complete=False``, the missing parts listed, no composite and no grade (a missing part is
  never counted as zero).  Fractions given for parts that weigh 0 are ignored (and said so).
* A roll-up part (okr.domain.cycle_rollup) gives its value (the mean or sum of shorter
  cycles' composites) as points in a points template, value × weight ÷ 100 otherwise; no
  value leaves it missing. Its year-end bonuses are added to the weighted sum as the seed says
  ("年度考核综合分加4分"), outside the adjustments' caps (a bonus is capped only by its own cap).
* Adjustments: each occurrence adds its kind's signed points (fixed, or chosen within the
  kind's range); free-form points only where the template allows them, a streak rule's
  carried points always; bonus and deduction totals are capped by the template's caps.
* Composite = weighted sum + year-end bonuses + capped bonus - capped deduction, floored at 0; it is NOT
  capped above: bonuses can lift it past the scale (e.g. 103 of 100), the derivation says so.
* Grade = the band the composite reaches; an improvement plan is needed when the template
  lists that grade.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from okr.domain.cycle_rollup import RollupResult, rollup_points, year_end_bonus
from okr.domain.errors import InvalidAdjustment, InvalidScore
from okr.domain.grades import grade_for
from okr.domain.numbers import (
    HUNDRED,
    ONE,
    ZERO,
    Number,
    fmt,
    in_domain_context,
    round_display,
    to_decimal,
)
from okr.domain.steps import Step, join_terms
from okr.domain.template import Part, ReviewTemplate, as_part

GRADE_PLACES = 2


@dataclass(frozen=True)
class Adjustment:
    """Occurrences of one adjustment kind (e.g. two typos), with an optional note.

    `points` is each occurrence's points for a ranged kind (重大差错 -1 to -5). A free-form
    adjustment (``free=True``) names its reason in `kind` and gives its points; it counts only
    where the template allows free-form adjustments."""

    kind: str
    count: int = 1
    note: str = ""
    points: Decimal | None = None
    free: bool = False
    carried: bool = False  # a streak rule's points carried here: counted even without free_form

    @classmethod
    def free_form(cls, reason: str, points: Number) -> Adjustment:
        """Points outside the template's kinds, with their reason."""
        return cls(reason, 1, "", to_decimal(points), free=True)


@dataclass(frozen=True)
class AdjustmentsResult:
    """Bonus and deduction totals before and after their caps, and the net effect."""

    bonus_raw: Decimal
    deduction_raw: Decimal
    bonus: Decimal
    deduction: Decimal
    net: Decimal
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class CompositeResult:
    """Part points, weighted sum, adjustments, composite and grade, with every step."""

    complete: bool
    part_points: Mapping[str, Decimal]  # by part key: Part or the template's own section
    missing_parts: tuple[str, ...]
    weighted_sum: Decimal | None
    adjustments: AdjustmentsResult
    composite: Decimal | None
    grade: str | None
    needs_improvement_plan: bool
    steps: tuple[Step, ...]
    year_end: Decimal = ZERO  # the roll-up parts' year-end bonuses (okr.domain.cycle_rollup)


@in_domain_context
def apply_adjustments(
    template: ReviewTemplate, adjustments: Sequence[Adjustment]
) -> AdjustmentsResult:
    """Sum bonuses and deductions per occurrence, each total capped by the template."""
    steps: list[Step] = []
    bonus_raw = deduction_raw = ZERO
    for item in adjustments:
        points, step = _item_points(template, item)
        steps.append(step)
        if points > 0:
            bonus_raw += points
        else:
            deduction_raw -= points
    bonus, deduction = bonus_raw, deduction_raw
    if template.bonus_cap is not None and bonus_raw > template.bonus_cap:
        bonus = template.bonus_cap
        steps.append(Step.of("adjust.bonus_capped", raw=bonus_raw, cap=bonus))
    if template.deduction_cap is not None and deduction_raw > template.deduction_cap:
        deduction = template.deduction_cap
        steps.append(Step.of("adjust.deduction_capped", raw=deduction_raw, cap=deduction))
    net = bonus - deduction
    if adjustments:
        steps.append(Step.of("adjust.total", bonus=bonus, deduction=deduction, net=net))
    return AdjustmentsResult(bonus_raw, deduction_raw, bonus, deduction, net, tuple(steps))


def _item_points(template: ReviewTemplate, item: Adjustment) -> tuple[Decimal, Step]:
    """An adjustment's signed points and the step that says how, or why it cannot count."""
    if item.carried and item.points:
        return item.points, Step.of("adjust.carried", kind=item.kind, points=item.points)
    if item.free:
        if not template.free_form:
            raise InvalidAdjustment("adjust.free_form_refused", {"kind": item.kind})
        if item.points is None or item.points == 0:
            raise InvalidAdjustment("adjust.free_form_points", {"kind": item.kind})
        return item.points, Step.of("adjust.free", kind=item.kind, points=item.points)
    kind = template.adjustment_kind(item.kind)
    if kind is None:
        raise InvalidAdjustment("adjust.unknown_kind", {"kind": item.kind})
    if isinstance(item.count, bool) or not isinstance(item.count, int) or item.count < 1:
        raise InvalidAdjustment("adjust.bad_count", {"kind": item.kind, "count": str(item.count)})
    each = kind.each(item.points)
    points = each * item.count
    code = "adjust.item_ranged" if kind.is_ranged else "adjust.item"
    extra = {"low": kind.low, "high": kind.high} if kind.is_ranged else {}
    return points, Step.of(code, kind=kind.key, count=item.count, each=each, points=points, **extra)


def _part_points(
    template: ReviewTemplate,
    parts: Mapping[str, Decimal | None],
    sections: Mapping[str, Decimal | None],
    rollups: Mapping[str, RollupResult],
) -> tuple[dict[str, Decimal], list[str], list[Step]]:
    points: dict[str, Decimal] = {}
    missing: list[str] = []
    steps: list[Step] = []
    for part in template.part_keys:
        weight = template.weight(part)
        own = template.section(part)
        rolled = rollups.get(part) if part in template.rollups else None
        if part in template.rollups:
            given = None if rolled is None else rolled.value
        else:
            given = sections.get(part) if own else parts.get(part)
        if weight == 0:
            if given is not None:
                steps.append(Step.of("composite.part_unweighted", part=part))
            continue
        if given is None:
            missing.append(part)
            continue
        if part in template.rollups:
            value, step = rollup_points(part, given, weight, template.points)
        elif own is not None:
            value, step = _section_points(template, part, given, own.max_points)
        else:
            value, step = _rated_points(template, part, given)
        points[part] = value
        steps.append(step)
    return points, missing, steps


def _section_points(
    template: ReviewTemplate, part: str, got: Decimal, top: Decimal
) -> tuple[Decimal, Step]:
    """A section's exact points (a points template), or its share of its weight."""
    if template.points:
        return got, Step.of("composite.section", part=part, points=got, max=top)
    value = got / top * template.weight(part) / HUNDRED * template.total_scale
    step = Step.of(
        "composite.section_weighted",
        part=part,
        got=got,
        max=top,
        weight=template.weight(part),
        scale=template.total_scale,
        points=value,
    )
    return value, step


def _rated_points(template: ReviewTemplate, part: str, fraction: Decimal) -> tuple[Decimal, Step]:
    """fraction × weight / 100 × scale, or fraction × max points in a points template."""
    limit = template.attainment_cap if part == Part.KR else ONE
    if fraction < 0 or fraction > limit:
        raise InvalidScore(
            "composite.fraction_out_of_range",
            {"part": part, "fraction": fmt(fraction), "limit": fmt(limit)},
        )
    weight = template.weight(part)
    if template.points:
        value = fraction * weight
        return value, Step.of(
            "composite.part_points", part=part, fraction=fraction, max=weight, points=value
        )
    value = fraction * weight / HUNDRED * template.total_scale
    step = Step.of(
        "composite.part",
        part=part,
        fraction=fraction,
        weight=weight,
        scale=template.total_scale,
        points=value,
    )
    return value, step


@in_domain_context
def composite(
    template: ReviewTemplate,
    parts: Mapping[Part | str, Number | None],
    adjustments: Sequence[Adjustment] = (),
    ratings: Mapping[str, Mapping[str, Number | None]] | None = None,
    sections: Mapping[str, Decimal | None] | None = None,
    rollups: Mapping[str, RollupResult] | None = None,
) -> CompositeResult:
    """Weighted sum of part fractions on the template scale (or, in a points template, the
    exact sum of points), with the sections' points and the roll-up parts' values (`rollups`:
    part key -> okr.domain.cycle_rollup.roll_up's result); then the year-end bonuses and the
    adjustments, then the grade (whose band may also ask for `ratings`: part -> criterion key
    -> rating)."""
    fractions = {as_part(k): (None if v is None else to_decimal(v)) for k, v in parts.items()}
    points, missing, steps = _part_points(template, fractions, sections or {}, rollups or {})
    adjusted = apply_adjustments(template, adjustments)
    steps.extend(adjusted.steps)
    if missing:
        steps.append(Step.of("composite.incomplete", missing=", ".join(missing)))
        return CompositeResult(
            False, points, tuple(missing), None, adjusted, None, None, False, tuple(steps)
        )
    weighted_sum = sum(points.values(), ZERO)
    steps.append(
        Step.of("composite.weighted_sum", terms=join_terms(points.values()), sum=weighted_sum)
    )
    weights = {part: template.weight(part) for part in template.rollups}
    year_end, bonus_steps = year_end_bonus(template.rollups, rollups or {}, weights)
    steps.extend(bonus_steps)
    raw = weighted_sum + year_end + adjusted.net
    if bonus_steps:
        steps.append(
            Step.of(
                "composite.total_year_end",
                weighted_sum=weighted_sum,
                bonus=year_end,
                net=adjusted.net,
                composite=raw,
            )
        )
    else:
        steps.append(
            Step.of("composite.total", weighted_sum=weighted_sum, net=adjusted.net, composite=raw)
        )
    value = raw
    if raw < 0:
        value = ZERO
        steps.append(Step.of("composite.floored", raw=raw, composite=value))
    elif raw > template.total_scale:
        steps.append(Step.of("composite.above_scale", composite=raw, scale=template.total_scale))
    # The grade is decided on the composite as shown (GRADE_PLACES, half up), so a figure like
    # 79.99999999999999 that only arises from dividing by 3 grades as the 80.00 people see.
    shown = round_display(value, GRADE_PLACES)
    if shown != value:
        steps.append(
            Step.of("composite.graded_on", composite=value, shown=shown, places=GRADE_PLACES)
        )
    rated = {
        str(part): {k: to_decimal(v) for k, v in sheet.items() if v not in (None, "")}
        for part, sheet in (ratings or {}).items()
    }
    keys = {str(part): [c.key for c in items] for part, items in template.criteria.items()}
    graded = grade_for(template.bands, shown, rated, keys)
    steps.extend(graded.steps)
    plan = graded.label in template.improvement_plan_grades
    if plan:
        steps.append(Step.of("grade.improvement_plan", label=graded.label))
    return CompositeResult(
        True, points, (), weighted_sum, adjusted, value, graded.label, plan, tuple(steps), year_end
    )
