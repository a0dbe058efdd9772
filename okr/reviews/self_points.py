"""A self-assessed section's two columns (seed 002's 自考核 and 考核人考核), side by side.

The person enters their own points for each indicator of a section marked ``self_assessed`` on
the self-assessment (``Appraisal.self_indicator_values``); the manager enters the reviewer's on
the interview's result step (``Appraisal.indicator_values``), and only the reviewer's count.
Both are shown together on the appraisal, in the derivation (one ``section.self_assessed`` line
per indicator, frozen with the rest at finalize) and in the PDF record. The person's points are
shown to anyone else only once the self-assessment is submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from okr.domain.errors import DomainError
from okr.domain.numbers import fmt, parse_decimal
from okr.domain.scorecard import Indicator, Section, score_section
from okr.domain.steps import Step
from okr.reviews.models import Appraisal
from okr.schemes.format import TemplateSpec
from okr.schemes.scorecards import label_words, self_assessed

Values = Mapping[str, Mapping[str, str]]
NOT_ENTERED = "—"


@dataclass(frozen=True)
class PointsRow:
    """One indicator: its label, max, the person's points and the reviewer's ("—": none)."""

    key: str
    label: str
    max_points: str
    self_points: str
    reviewer_points: str


@dataclass(frozen=True)
class SelfAssessedSection:
    key: str
    label: str
    rows: list[PointsRow]


def self_values_shown(appraisal: Appraisal, viewer_id: int | None) -> Values:
    """The person's own points as `viewer_id` may see them: the person always, anyone else
    once the self-assessment is submitted (before that, nothing)."""
    if viewer_id == appraisal.person_id or appraisal.self_submitted_at is not None:
        return appraisal.self_indicator_values or {}
    return {}


def _points(section: str, indicator: Indicator, entered: str | None) -> str:
    """The points a value gives by the indicator's rule, exactly ("—" when none is entered)."""
    if entered in (None, ""):
        return NOT_ENTERED
    try:
        score = score_section(
            Section(section, (indicator,)), {indicator.key: parse_decimal(entered)}
        )
    except DomainError:
        return str(entered)  # a value the template no longer takes, shown as entered
    return fmt(score.points) if score.points is not None else NOT_ENTERED


def side_by_side(spec: TemplateSpec, own: Values, reviewer: Values) -> list[SelfAssessedSection]:
    """Each self-assessed section with the person's and the reviewer's points per indicator."""
    found = []
    for section in spec.sections():
        domain = spec.domain.section(section["key"])
        if not self_assessed(section) or domain is None:
            continue
        labels = {
            i["key"]: str(label_words(i.get("label"), i["key"])) for i in section["indicators"]
        }
        rows = [
            PointsRow(
                ind.key,
                labels.get(ind.key, ind.key),
                fmt(ind.max_points),
                _points(domain.key, ind, (own.get(domain.key) or {}).get(ind.key)),
                _points(domain.key, ind, (reviewer.get(domain.key) or {}).get(ind.key)),
            )
            for ind in domain.indicators
        ]
        found.append(SelfAssessedSection(domain.key, spec.part_label(domain.key), rows))
    return found


def self_assessed_steps(spec: TemplateSpec, appraisal: Appraisal, reviewer: Values) -> list[Step]:
    """The derivation's line per indicator of a self-assessed section once the person submitted:
    their points beside the reviewer's, which are the ones that count."""
    if appraisal.self_submitted_at is None:
        return []
    return [
        Step.of(
            "section.self_assessed",
            section=section.key,
            indicator=row.key,
            self=row.self_points,
            points=row.reviewer_points,
            max=row.max_points,
        )
        for section in side_by_side(spec, appraisal.self_indicator_values or {}, reviewer)
        for row in section.rows
    ]


def record_rows(spec: TemplateSpec, appraisal: Appraisal) -> list[tuple[str, str, str, str]]:
    """The PDF record's rows: (section · indicator, plan points, self, reviewer), the person's
    points once submitted."""
    return [
        (f"{section.label} · {row.label}", row.max_points, row.self_points, row.reviewer_points)
        for section in side_by_side(
            spec, self_values_shown(appraisal, None), appraisal.indicator_values or {}
        )
        for row in section.rows
    ]
