"""The scheme simulator: a template and sample inputs give the full breakdown, no database involved.

HR tries a scheme on sample numbers before rolling it out.  The inputs (documented in
docs/review-templates.md, "Simulator input") are what an appraisal would gather::

    {"kr_percent": "85",                                  # the person's OKR score, in percent
     "peer": [{"cooperation": 4, ...}, {...}],            # one object per rater
     "interview": {"results": 4, ...}, "self": {...},     # ratings by criterion key
     "adjustments": {"typo": 2, "major_error": ["-3"]},   # occurrences by adjustment kind:
                                                          # a count, or for a ranged kind the
                                                          # points of each occurrence
     "free_adjustments": [{"reason": "…", "points": "3"}],  # only if the template allows them
     "rollups": {"monthly": ["90", "85.5"]}}              # a roll-up part's monthly composites

They are checked against the template (unknown criteria, ratings outside a scale, unknown
adjustment kinds are refused, each where it is), then scored exactly as an appraisal is
(okr.reviews.scoring, okr.domain): a part left empty is reported missing, never counted as 0;
a rater with no ratings at all is ignored like an unsubmitted form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.domain.composite import Adjustment
from okr.domain.composite import composite as composite_score
from okr.domain.errors import DomainError
from okr.domain.numbers import HUNDRED, fmt, round_display
from okr.domain.outcomes import SCOPES, outcomes_for
from okr.domain.ratings import normalise, peer_score
from okr.domain.steps import Step, rounding_step
from okr.domain.template import Criterion, Part
from okr.explain import PART_WORDS, describe_steps, error_message
from okr.review_templates.sample_rollups import SampleRollups, sample_rollups
from okr.review_templates.sample_values import (
    SectionValues,
    empty,
    free_adjustments,
    kind_adjustments,
    kr_fraction,
    number,
    sample_ranks,
    section_values,
)
from okr.reviews.rollup_parts import rollup_parts
from okr.reviews.scoring import Breakdown, PartResult, qualitative_part
from okr.reviews.sections import section_parts
from okr.schemes.format import TemplateSpec, counted_parts

INPUT_FIELDS = (
    "kr_percent",
    "peer",
    "interview",
    "self",
    "sections",
    "adjustments",
    "free_adjustments",
    "ranks",
    "rollups",
)
RATED_PARTS = ("peer", "interview", "self")
DISPLAY_PLACES = 2
MAX_RATERS = 20
FREE_ROWS = 3  # free-form rows on the page

Ratings = dict[str, Decimal | None]


class InputsInvalid(Exception):
    """Sample inputs refused; `problems` lists (place, message), e.g. ("peer.1.innovation", ...)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class SampleInputs:
    """Checked inputs: the KR fraction (None = not given), ratings per part, adjustment counts."""

    kr: Decimal | None = None
    peer: tuple[Ratings, ...] = ()
    interview: Ratings = field(default_factory=dict)
    self: Ratings = field(default_factory=dict)
    adjustments: tuple[Adjustment, ...] = ()
    sections: SectionValues = field(default_factory=dict)
    ranks: dict[str, int | None] = field(default_factory=dict)
    rollups: SampleRollups = field(default_factory=dict)  # the shorter cycles' results


def _criteria(spec: TemplateSpec, part: str) -> tuple[Criterion, ...]:
    return tuple(spec.domain.criteria.get(Part(part), ()))


def _ratings(
    spec: TemplateSpec, part: str, sheet: Any, place: str, problems: list[tuple[str, str]]
) -> Ratings:
    criteria = {c.key: c for c in _criteria(spec, part)}
    if not isinstance(sheet, dict):
        problems.append((place, _("Ratings must map each criterion key to a rating.")))
        return {}
    ratings: Ratings = {}
    for key, value in sheet.items():
        criterion = criteria.get(key)
        if criterion is None:
            problems.append(
                (
                    f"{place}.{key}",
                    _("“%(key)s” is not a criterion of %(part)s.", key=key, part=PART_WORDS[part]),
                )
            )
            continue
        if empty(value):
            ratings[key] = None
            continue
        try:
            ratings[key] = number(value)
            normalise(criterion, ratings[key])  # refuses a rating outside the scale
        except DomainError as exc:
            problems.append((f"{place}.{key}", error_message(exc, spec.glossary())))
    return ratings


def read_inputs(spec: TemplateSpec, data: Any) -> SampleInputs:
    """Check sample inputs against the template; every problem is reported with its place."""
    if not isinstance(data, dict):
        raise InputsInvalid([("_", _("The inputs must be one JSON object."))])
    problems: list[tuple[str, str]] = []
    unknown = sorted(set(data) - set(INPUT_FIELDS))
    if unknown:
        problems.append(("_", _("Unknown fields: %(fields)s.", fields=", ".join(unknown))))
    for part in RATED_PARTS:
        if data.get(part) and not _criteria(spec, part):
            problems.append(
                (part, _("This template has no criteria for %(part)s.", part=PART_WORDS[part]))
            )
    kr = kr_fraction(spec, data.get("kr_percent"), problems)
    sheets = data.get("peer") or []
    if not isinstance(sheets, list):
        problems.append(("peer", _("Peer ratings must be a list with one object per rater.")))
        sheets = []
    elif len(sheets) > MAX_RATERS:
        problems.append(("peer", _("At most %(n)d raters.", n=MAX_RATERS)))
    inputs = SampleInputs(
        kr,
        tuple(
            _ratings(spec, "peer", sheet, f"peer.{i}", problems)
            for i, sheet in enumerate(sheets[:MAX_RATERS])
        ),
        _ratings(spec, "interview", data.get("interview") or {}, "interview", problems),
        _ratings(spec, "self", data.get("self") or {}, "self", problems),
        (
            *kind_adjustments(spec, data.get("adjustments") or {}, problems),
            *free_adjustments(spec, data.get("free_adjustments") or [], problems),
        ),
        section_values(spec, data.get("sections") or {}, problems),
        sample_ranks(data.get("ranks") or {}, problems),
        sample_rollups(spec, data.get("rollups") or {}, problems),
    )
    if problems:
        raise InputsInvalid(problems)
    return inputs


def inputs_from_form(spec: TemplateSpec, form: Mapping[str, str], raters: int) -> dict[str, Any]:
    """The simulator page's fields (kr_percent, peer-0-<key>, interview-<key>,
    sections-<section>-<indicator>, adjustments-<kind>, free_adjustments-<n>-reason/points) as
    inputs."""

    def sheet(prefix: str, part: str) -> dict[str, str | None]:
        return {
            c.key: (form.get(f"{prefix}-{c.key}") or "").strip() or None
            for c in _criteria(spec, part)
        }

    counted = counted_parts(spec)
    return {
        "kr_percent": (form.get("kr_percent") or "").strip() or None,
        "peer": [sheet(f"peer-{i}", "peer") for i in range(raters)] if "peer" in counted else [],
        "interview": sheet("interview", "interview") if "interview" in counted else {},
        "self": sheet("self", "self") if "self" in counted else {},
        "sections": {
            s.key: {
                i.key: (form.get(f"sections-{s.key}-{i.key}") or "").strip() or None
                for i in s.indicators
            }
            for s in spec.domain.sections
        },
        "ranks": {scope: (form.get(f"ranks-{scope}") or "").strip() for scope in SCOPES},
        "rollups": {key: (form.get(f"rollups-{key}") or "").split() for key in spec.domain.rollups},
        "adjustments": {
            kind.key: (form.get(f"adjustments-{kind.key}") or "").strip()
            for kind in spec.domain.adjustment_kinds
        },
        "free_adjustments": [
            {
                "reason": (form.get(f"free_adjustments-{i}-reason") or "").strip(),
                "points": (form.get(f"free_adjustments-{i}-points") or "").strip(),
            }
            for i in range(FREE_ROWS if spec.domain.free_form else 0)
        ],
    }


def field_name(place: str) -> str:
    """The page field a problem belongs to: "peer.1.innovation" -> "peer-1-innovation"."""
    return place.replace(".", "-")


# Scoring ----------------------------------------------------------------------------------


def _kr_part(fraction: Decimal | None) -> PartResult:
    if fraction is None:
        return PartResult("kr", Decimal(0), None, (), Step.of("simulate.kr_missing"))
    step = Step.of("simulate.kr_entered", percent=fraction * HUNDRED, progress=fraction)
    return PartResult("kr", Decimal(0), fraction, (step,))


def _peer_part(spec: TemplateSpec, sheets: tuple[Ratings, ...]) -> PartResult:
    """Mean over the raters who rated something (incomplete sheets are left out, and said so)."""
    minimum = spec.domain.min_peer_raters
    rated = {
        str(i): {k: v for k, v in sheet.items() if v is not None}
        for i, sheet in enumerate(sheets, start=1)
        if any(v is not None for v in sheet.values())
    }
    reason = Step.of("peer.too_few_raters", count=0, minimum=minimum)
    criteria = _criteria(spec, "peer")
    if not rated or not criteria:
        return PartResult("peer", Decimal(0), None, (), reason)
    score = peer_score(criteria, rated, "ratee", minimum)
    if score.fraction is None:
        reason = Step.of("peer.too_few_raters", count=len(score.counted_raters), minimum=minimum)
        return PartResult("peer", Decimal(0), None, score.steps, reason)
    return PartResult("peer", Decimal(0), score.fraction, score.steps)


def simulate(spec: TemplateSpec, inputs: SampleInputs) -> Breakdown:
    """Every part, the composite, the grade and the whole derivation, as an appraisal computes them."""

    def rated(ratings: Ratings) -> dict[str, str]:
        return {k: fmt(v) for k, v in ratings.items() if v is not None}

    parts = {
        "kr": _kr_part(inputs.kr),
        "peer": _peer_part(spec, inputs.peer),
        "interview": qualitative_part(spec, "interview", rated(inputs.interview)),
        "self": qualitative_part(spec, "self", rated(inputs.self)),
    }
    for name, item in parts.items():
        item.weight = spec.domain.weight(Part(name))
    fractions = {Part(p.part): (p.fraction if p.weight > 0 else None) for p in parts.values()}
    own, points = section_parts(spec, inputs.sections)
    parts.update(own)
    rolled_parts, rolled = rollup_parts(spec, inputs.rollups)
    parts.update(rolled_parts)
    ratings = {"interview": inputs.interview, "self": inputs.self}
    result = composite_score(spec.domain, fractions, inputs.adjustments, ratings, points, rolled)
    problems = [
        p.missing_reason
        for p in parts.values()
        if p.weight > 0 and p.fraction is None and p.missing_reason
    ]
    steps = [step for p in parts.values() if p.weight > 0 for step in p.steps]
    found = outcomes_for(spec.domain.outcomes, result.composite, result.grade, inputs.ranks)
    return Breakdown(
        parts,
        result,
        (*steps, *problems, *result.steps, *(o.step for o in found)),
        problems,
        found,
    )


def shown(value: Decimal | None) -> str:
    """A score as displayed: rounded half up to DISPLAY_PLACES decimals (the one rounding)."""
    return "—" if value is None else fmt(round_display(value, DISPLAY_PLACES))


def derivation(spec: TemplateSpec, breakdown: Breakdown) -> list[str]:
    """Every derivation line in the reader's language, ending with the display rounding."""
    steps = list(breakdown.steps)
    if breakdown.result is not None and breakdown.result.composite is not None:
        steps.append(rounding_step(breakdown.result.composite, DISPLAY_PLACES))
    return describe_steps(steps, spec.glossary())
