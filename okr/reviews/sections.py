"""A template's own scorecard sections as parts of an appraisal: their exact points from the
values entered and the key results linked to their indicators (okr.reviews.kr_indicators)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from okr.domain.errors import DomainError
from okr.domain.numbers import Number
from okr.domain.scorecard import score_section
from okr.domain.steps import Step
from okr.reviews.kr_indicators import Links, fed_values, links_for_appraisal, with_fed
from okr.reviews.models import Appraisal
from okr.reviews.parts import PartResult
from okr.reviews.self_points import self_assessed_steps
from okr.schemes.format import TemplateSpec

SectionValues = Mapping[str, Mapping[str, Number | None]]


def section_parts(
    spec: TemplateSpec, values: SectionValues
) -> tuple[dict[str, PartResult], dict[str, Decimal | None]]:
    """Each section as a part (its points over its max as fraction) and its exact points; a
    section with an indicator not entered, or one its rule refuses, is missing (never 0)."""
    parts: dict[str, PartResult] = {}
    points: dict[str, Decimal | None] = {}
    for section in spec.domain.sections:
        weight = spec.domain.weight(section.key)
        try:
            score = score_section(section, values.get(section.key) or {})
        except DomainError as exc:  # a stored value the template no longer takes
            reason = Step.of(exc.code, **exc.params)
            parts[section.key] = PartResult(section.key, weight, None, (), reason)
            points[section.key] = None
            continue
        points[section.key] = score.points
        if score.points is None:
            reason = Step.of(
                "section.incomplete", section=section.key, missing=", ".join(score.missing)
            )
            parts[section.key] = PartResult(section.key, weight, None, score.steps[:-1], reason)
            continue
        fraction = score.points / score.max_points
        parts[section.key] = PartResult(section.key, weight, fraction, score.steps)
    return parts, points


def own_sections(
    spec: TemplateSpec, appraisal: Appraisal, values: SectionValues, links: Links | None
) -> tuple[dict[str, PartResult], dict[str, Decimal | None]]:
    """The sections from the values entered and the linked key results (read when not given),
    with the lines of both self-assessed columns and of the key results, before each sum."""
    if links is None:
        links = links_for_appraisal(spec, appraisal.review_id, appraisal.person_id)
    fed = fed_values(spec, links)
    values = with_fed(values, fed)
    own, points = section_parts(spec, values)
    both = self_assessed_steps(spec, appraisal, values)  # both columns, before the sum
    for key, item in own.items():
        lines = [f.step for f in fed if f.section == key]
        item.steps = (*(s for s in both if s.params["section"] == key), *lines, *item.steps)
    return own, points
