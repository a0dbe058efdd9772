"""Scores and criteria sheets as pages show them: frozen when finalized, live otherwise.

The live figures come from ``okr.reviews.scoring.compute`` on inputs loaded in batches
(``okr.reviews.queries.inputs_of``), the frozen ones from the stored derivation. Only what the
viewer may see leaves this module: peer ratings as aggregates once enough raters submitted,
never a rater's name or sheet. Scores are rounded here, once, for display.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

from okr.domain.numbers import fmt, round_display
from okr.domain.steps import Step
from okr.domain.weights import plain_mean
from okr.explain import NO_GLOSSARY, Glossary, describe, describe_steps
from okr.reviews.models import Appraisal, PeerForm
from okr.reviews.outcome_results import company_rank, needs_company_rank, outcomes_of, sentences
from okr.reviews.queries import Inputs, live
from okr.reviews.rollup_parts import RollupView, rollup_views
from okr.reviews.scoring import Breakdown, frozen_steps
from okr.schemes.format import TemplateSpec

SCORE_PLACES = 2
STATUS_LABELS = {
    "draft": _l("not started"),
    "self_assessed": _l("self-assessed"),
    "peer_rated": _l("peer-rated"),
    "interviewed": _l("interviewed"),
    "calibrated": _l("calibrated"),
    "acknowledged": _l("acknowledged"),
}
PER_RATER_STEPS = ("peer.rater", "peer.rater_incomplete")


def appraisal_status(code: str) -> str:
    return str(STATUS_LABELS.get(code, code))


def shown_score(value: Decimal | str | None) -> str:
    """A score rounded half up to 2 decimals for display (the stored value stays exact)."""
    if value is None or value == "":
        return "—"
    return fmt(round_display(Decimal(value), SCORE_PLACES))


# Scores as shown ---------------------------------------------------------------------------


@dataclass
class PartRow:
    part: str
    weight: Decimal
    fraction: Decimal | None
    points: Decimal | None
    missing: str | None = None


@dataclass
class CriterionMean:
    label: str
    scale: str
    mean: Decimal


@dataclass
class PeerAggregate:
    """The team evaluation as the ratee's side sees it: means only, and only past the minimum."""

    submitted: int
    minimum: int
    shown: bool
    means: list[CriterionMean]
    fraction: Decimal | None


@dataclass
class Scores:
    frozen: bool
    parts: list[PartRow]
    weighted_sum: Decimal | None
    adjustments: Decimal | None
    composite: Decimal | None
    grade: str | None
    final_grade: str | None
    total_scale: Decimal
    steps: list[str]
    missing: list[str]
    peer: PeerAggregate | None
    needs_plan: bool
    outcomes: list[tuple[str, bool]] = field(default_factory=list)  # (sentence, pending)
    rollups: list[RollupView] = field(default_factory=list)  # the results that fed roll-ups


def _dec(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def peer_aggregate(
    spec: TemplateSpec, appraisal: Appraisal, forms: list[PeerForm], fraction: Decimal | None
) -> PeerAggregate | None:
    """Per-criterion means of the complete submitted sheets, withheld below the minimum."""
    criteria = spec.criteria("peer")
    if not criteria:
        return None
    keys = [c["key"] for c in criteria]
    counted = [
        f
        for f in forms
        if f.submitted_at is not None
        and f.rater_id != appraisal.person_id
        and all((f.ratings or {}).get(k) not in (None, "") for k in keys)
    ]
    minimum = spec.domain.min_peer_raters
    shown = len(counted) >= minimum
    means = []
    if shown:
        for criterion in criteria:
            mean = plain_mean([f.ratings[criterion["key"]] for f in counted], scope="peer").value
            assert mean is not None
            low, high = criterion.get("scale", ["1", "5"])
            means.append(
                CriterionMean(criterion.get("label") or criterion["key"], f"{low}–{high}", mean)
            )
    return PeerAggregate(len(counted), minimum, shown, means, fraction if shown else None)


def visible_steps(
    steps: Iterable[Step], peer_withheld: bool, glossary: Glossary = NO_GLOSSARY
) -> list[str]:
    """The derivation in words, each line once; no single rater's figure below the minimum."""
    shown = [s for s in steps if not (peer_withheld and s.code in PER_RATER_STEPS)]
    return describe_steps(dict.fromkeys(shown), glossary)


def scores_of(
    spec: TemplateSpec, appraisal: Appraisal, inputs: Inputs, result: Breakdown | None = None
) -> Scores:
    """The breakdown as shown: frozen when finalized, live otherwise, with the template's rewards
    and penalties that apply (by the final grade, the composite and the department rank)."""
    if appraisal.result is not None:
        scores = _frozen_scores(spec, appraisal, inputs)
    else:
        scores = _live_scores(spec, appraisal, inputs, result or live(spec, appraisal, inputs))
    if spec.domain.outcomes:
        company = company_rank(appraisal) if needs_company_rank(spec) else None
        grade = scores.final_grade or scores.grade
        found = outcomes_of(spec, appraisal, scores.composite, grade, company)
        scores.outcomes = sentences(spec, found)
    if spec.domain.rollups:
        scores.rollups = rollup_views(spec, appraisal.rollup_sources or {})
    return scores


def _frozen_scores(spec: TemplateSpec, appraisal: Appraisal, inputs: Inputs) -> Scores:
    """The figures and derivation stored when the appraisal was finalized."""
    data = appraisal.result
    parts = [
        PartRow(p, Decimal(v["weight"]), _dec(v["fraction"]), _dec(v["points"]))
        for p, v in data["parts"].items()
    ]
    peer_fraction = next((p.fraction for p in parts if p.part == "peer"), None)
    peer = peer_aggregate(spec, appraisal, inputs.forms, peer_fraction)
    return Scores(
        True,
        parts,
        _dec(data.get("weighted_sum")),
        _dec(data.get("adjustments")),
        _dec(data.get("composite")),
        data.get("grade"),
        appraisal.final_grade,
        spec.domain.total_scale,
        visible_steps(
            frozen_steps(appraisal), peer is not None and not peer.shown, spec.glossary()
        ),
        [],
        peer,
        (appraisal.final_grade or data.get("grade")) in spec.domain.improvement_plan_grades,
    )


def _live_scores(
    spec: TemplateSpec, appraisal: Appraisal, inputs: Inputs, result: Breakdown
) -> Scores:
    """The live computation, with why each counted part is still missing."""
    words = spec.glossary()
    points = result.result.part_points if result.result else {}
    parts = [
        PartRow(
            p.part,
            p.weight,
            p.fraction,
            points.get(p.part),
            describe(p.missing_reason.code, p.missing_reason.params, words)
            if p.weight > 0 and p.fraction is None and p.missing_reason
            else None,
        )
        for p in result.parts.values()
    ]
    peer = peer_aggregate(spec, appraisal, inputs.forms, result.parts["peer"].fraction)
    composite = result.result
    return Scores(
        False,
        parts,
        composite.weighted_sum if composite else None,
        composite.adjustments.net if composite else None,
        composite.composite if composite else None,
        composite.grade if composite else None,
        appraisal.final_grade,
        spec.domain.total_scale,
        visible_steps(result.steps, peer is not None and not peer.shown, words),
        describe_steps(result.problems, words),
        peer,
        bool(composite and composite.needs_improvement_plan),
    )


# Criteria sheets (read-only) -----------------------------------------------------------------


@dataclass
class SheetRow:
    label: str
    scale: str
    value: str | None
    words: str | None = None


def sheet(spec: TemplateSpec, part: str, ratings: dict[str, str]) -> list[SheetRow]:
    """A part's criteria with the given ratings, for read-only display."""
    rows = []
    for criterion in spec.criteria(part):
        low, high = criterion.get("scale", ["1", "5"])
        rows.append(
            SheetRow(
                criterion.get("label") or criterion["key"],
                f"{low}–{high}",
                (ratings or {}).get(criterion["key"]),
                spec.level_words(part, criterion["key"], (ratings or {}).get(criterion["key"])),
            )
        )
    return rows
