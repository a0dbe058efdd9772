"""Scorecard sections (考核表): a template's own parts made of indicators with points.

The seeds' scorecards give each indicator (考核指标) its 分值 (max points) and a 评分标准:

* ``points``: the rater enters the indicator's points, from 0 to its max;
* ``deductions``: the max minus a fixed amount per occurrence ("100 分，每违规一次 −1"),
  the count entered, floored at 0;
* ``value``: the measured value scored by a key-result rule (okr.domain.krspec): a per-unit
  or tiers rule gives its points exactly (seed 003: "每提高1%,得0.5分,最高得10分"); any other
  kind gives its attainment (0..1) times the max;
* ``kr``: fed by the person's key result linked to the indicator (okr.reviews.kr_indicators),
  ``score`` saying how: ``points``, the key result's own exact points (a per-unit or tiers key
  result whose max points are the indicator's), or ``attainment``, its attainment in percent
  times the max, capped at the template's attainment cap.

A section's points are the exact sum of its indicators' points, so 5.5 of 20 plus 5.8 of 10
is 11.3 whatever the maxima. An indicator with no value leaves its section missing (never
counted as 0), like a part nobody rated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from okr.domain.attainment import attainment, max_points_of
from okr.domain.errors import InvalidRating, InvalidTemplate
from okr.domain.krspec import KeyResultSpec, ensure_valid_spec
from okr.domain.numbers import ZERO, Number, fmt, in_domain_context, to_decimal
from okr.domain.steps import Step, join_terms


class Rule(StrEnum):
    """How an indicator turns what is entered into points."""

    POINTS = "points"
    DEDUCTIONS = "deductions"
    VALUE = "value"
    KR = "kr"


class KRScore(StrEnum):
    """What a key-result-fed indicator takes from its key result."""

    POINTS = "points"
    ATTAINMENT = "attainment"


@dataclass(frozen=True)
class Indicator:
    """One indicator of a section: its max points and how it is scored.

    `each` is the signed points per occurrence of a ``deductions`` indicator; `spec` the
    key-result rule of a ``value`` indicator."""

    key: str
    max_points: Decimal
    rule: Rule
    each: Decimal | None = None
    spec: KeyResultSpec | None = None
    score: KRScore | None = None
    cap: Decimal = Decimal(1)

    @property
    def kr_fed(self) -> bool:
        return self.rule is Rule.KR

    @classmethod
    def points(cls, key: str, max_points: Number) -> Indicator:
        return cls(key, to_decimal(max_points), Rule.POINTS)

    @classmethod
    def deductions(cls, key: str, max_points: Number, each: Number) -> Indicator:
        return cls(key, to_decimal(max_points), Rule.DEDUCTIONS, each=to_decimal(each))

    @classmethod
    def value(cls, key: str, max_points: Number, spec: KeyResultSpec) -> Indicator:
        return cls(key, to_decimal(max_points), Rule.VALUE, spec=spec)

    @classmethod
    def kr(cls, key: str, max_points: Number, score: KRScore, cap: Number = 1) -> Indicator:
        """Fed by a key result: its points, or its attainment in percent (capped at `cap`)."""
        return cls(key, to_decimal(max_points), Rule.KR, score=score, cap=to_decimal(cap))


@dataclass(frozen=True)
class Section:
    """A part of the template made of indicators; its max is the sum of theirs."""

    key: str
    indicators: tuple[Indicator, ...]

    @property
    def max_points(self) -> Decimal:
        return sum((i.max_points for i in self.indicators), ZERO)


@dataclass(frozen=True)
class SectionScore:
    """A section's exact points (None when an indicator has no value) and its steps."""

    points: Decimal | None
    max_points: Decimal
    missing: tuple[str, ...]
    steps: tuple[Step, ...]


def validate_section(section: Section) -> None:
    """Indicators with unique keys, a max above 0, and rules that fit it."""
    if not section.indicators:
        raise InvalidTemplate("section.empty", {"section": section.key})
    keys: set[str] = set()
    for indicator in section.indicators:
        where = {"section": section.key, "indicator": indicator.key}
        if indicator.key in keys:
            raise InvalidTemplate("section.duplicate_indicator", where)
        keys.add(indicator.key)
        if indicator.max_points <= 0:
            raise InvalidTemplate("section.max_not_positive", where)
        if indicator.rule is Rule.DEDUCTIONS and (indicator.each is None or indicator.each >= 0):
            raise InvalidTemplate("section.deduction_not_negative", where)
        if indicator.rule is Rule.VALUE:
            assert indicator.spec is not None
            ensure_valid_spec(indicator.spec)
            top = max_points_of(indicator.spec)
            if top is not None and top > indicator.max_points:
                raise InvalidTemplate(
                    "section.rule_above_max",
                    {**where, "points": fmt(top), "max": fmt(indicator.max_points)},
                )


def _indicator_points(indicator: Indicator, entered: Decimal) -> tuple[Decimal, list[Step]]:
    top = indicator.max_points
    key = indicator.key
    if indicator.rule is Rule.POINTS:
        if not ZERO <= entered <= top:
            raise InvalidRating(
                "indicator.points_out_of_range",
                {"indicator": key, "points": fmt(entered), "max": fmt(top)},
            )
        return entered, [Step.of("indicator.points", indicator=key, points=entered, max=top)]
    if indicator.rule is Rule.DEDUCTIONS:
        assert indicator.each is not None
        if entered < 0 or entered != entered.to_integral_value():
            raise InvalidRating("indicator.bad_count", {"indicator": key, "count": fmt(entered)})
        raw = top + entered * indicator.each
        points = max(ZERO, raw)
        step = Step.of(
            "indicator.deductions",
            indicator=key,
            max=top,
            count=entered,
            each=indicator.each,
            points=points,
        )
        return points, [step]
    if indicator.rule is Rule.KR:
        return _kr_points(indicator, entered)
    assert indicator.spec is not None
    result = attainment(indicator.spec, entered)
    steps = list(result.steps)
    if result.points is not None:  # per-unit, tiers: their points, exactly
        return result.points, steps
    points = result.progress * top
    steps.append(
        Step.of(
            "indicator.attainment", indicator=key, progress=result.progress, max=top, points=points
        )
    )
    return points, steps


def _kr_points(indicator: Indicator, entered: Decimal) -> tuple[Decimal, list[Step]]:
    """A key result's points as they are (0 to the max), or its attainment percent × the max."""
    top, key = indicator.max_points, indicator.key
    if indicator.score is KRScore.POINTS:
        if not ZERO <= entered <= top:
            raise InvalidRating(
                "indicator.points_out_of_range",
                {"indicator": key, "points": fmt(entered), "max": fmt(top)},
            )
        return entered, [Step.of("indicator.kr_points", indicator=key, points=entered, max=top)]
    if entered < 0:
        raise InvalidRating("indicator.negative_percent", {"indicator": key, "value": fmt(entered)})
    progress = min(entered / 100, indicator.cap)
    points = progress * top
    step = Step.of("indicator.attainment", indicator=key, progress=progress, max=top, points=points)
    return points, [step]


@in_domain_context
def score_section(section: Section, entered: Mapping[str, Number | None]) -> SectionScore:
    """The exact sum of the section's indicator points; any indicator without a value leaves
    the section missing. Values for keys the section does not have are refused."""
    known = {i.key for i in section.indicators}
    for key in entered:
        if key not in known:
            raise InvalidRating("indicator.unknown", {"section": section.key, "indicator": key})
    steps: list[Step] = []
    points: list[Decimal] = []
    missing: list[str] = []
    for indicator in section.indicators:
        value = entered.get(indicator.key)
        if value is None or value == "":
            missing.append(indicator.key)
            continue
        got, found = _indicator_points(indicator, to_decimal(value))
        steps.extend(found)
        points.append(got)
    top = section.max_points
    if missing:
        steps.append(Step.of("section.incomplete", section=section.key, missing=", ".join(missing)))
        return SectionScore(None, top, tuple(missing), tuple(steps))
    total = sum(points, ZERO)
    steps.append(
        Step.of("section.sum", section=section.key, terms=join_terms(points), points=total, max=top)
    )
    return SectionScore(total, top, (), tuple(steps))
