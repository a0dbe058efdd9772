"""Scorecard indicators fed by the person's key results (template rule ``{"kind": "kr"}``).

A key result names the indicator it feeds (``KeyResult.indicator``, "section.indicator"; at
most one per person, indicator and cycle: okr.objectives.indicator_links). When an appraisal is
computed, each key-result-fed indicator takes its value from the person's linked key result:

* ``"score": "points"``: the key result's own exact points (a per-unit or tiers key result);
* ``"score": "attainment"``: its attainment in percent (the domain multiplies it by the max,
  capped at the template's attainment cap).

A person without a linked key result, or whose key result has no value yet, leaves the
indicator missing (its section is not scored; never 0). What the manager typed for such an
indicator is never used. The links of a whole review are read in one query (`links_of`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from okr.domain.attainment import attainment
from okr.domain.errors import DomainError
from okr.domain.numbers import fmt
from okr.domain.scorecard import KRScore, Rule
from okr.domain.steps import Step
from okr.explain import describe
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from okr.objectives.queries import individual_of
from okr.objectives.rules import spec_of
from okr.reviews.models import Review
from okr.schemes.format import TemplateSpec

Links = Mapping[str, KeyResult]
"""A person's linked key results by the indicator they feed ("section.indicator")."""


@dataclass(frozen=True)
class Fed:
    """One key-result-fed indicator's value for the domain (None: missing) and its line."""

    section: str
    indicator: str
    value: Decimal | None
    step: Step


def fed_keys(spec: TemplateSpec) -> dict[str, KRScore]:
    """The template's key-result-fed indicators ("section.indicator") and what each takes."""
    return {
        f"{section.key}.{item.key}": item.score
        for section in spec.domain.sections
        for item in section.indicators
        if item.rule is Rule.KR and item.score is not None
    }


def links_of(cycle_id: int, person_ids: Collection[int] | Any) -> dict[int, dict[str, KeyResult]]:
    """Every linked key result of these people's individual objectives in the cycle (one query;
    `person_ids` may be a select of ids)."""
    found: dict[int, dict[str, KeyResult]] = defaultdict(dict)
    if isinstance(person_ids, Collection):
        if not person_ids:
            return found
        person_ids = list(person_ids)
    rows = db.session.execute(
        select(KeyResult, Objective.owner_id)
        .join(Objective, KeyResult.objective_id == Objective.id)
        .where(individual_of(cycle_id, person_ids), KeyResult.indicator.is_not(None))
        .order_by(KeyResult.id)
    )
    for kr, owner_id in rows:
        found[owner_id].setdefault(str(kr.indicator), kr)
    return found


def _value(kr: KeyResult, score: KRScore) -> tuple[Decimal | None, str]:
    """What the key result gives the indicator, and that figure as the derivation shows it."""
    result = attainment(spec_of(kr), kr.current)
    if score is KRScore.POINTS:
        if result.points is None:
            return None, ""
        return result.points, fmt(result.points)
    percent = result.progress * 100
    return percent, f"{fmt(percent)}%"


def fed_values(spec: TemplateSpec, links: Links) -> list[Fed]:
    """Each key-result-fed indicator of the template from the person's linked key result."""
    found = []
    for key, score in fed_keys(spec).items():
        section, indicator = key.split(".", 1)
        kr = links.get(key)
        if kr is None:
            step = Step.of("indicator.kr_not_linked", indicator=indicator)
            found.append(Fed(section, indicator, None, step))
            continue
        if kr.current is None:
            step = Step.of("indicator.kr_no_value", indicator=indicator, title=kr.title)
            found.append(Fed(section, indicator, None, step))
            continue
        try:
            value, shown = _value(kr, score)
        except DomainError:  # a rule that no longer scores: missing, like a refused value
            value, shown = None, ""
        if value is None:
            step = Step.of("indicator.kr_no_value", indicator=indicator, title=kr.title)
        else:
            code = (
                "indicator.from_kr" if score is KRScore.POINTS else "indicator.from_kr_attainment"
            )
            step = Step.of(
                code,
                indicator=indicator,
                title=kr.title,
                value=f"{fmt(kr.current)}{kr.unit or ''}",
                points=shown,
            )
        found.append(Fed(section, indicator, value, step))
    return found


def with_fed(values: Mapping[str, Mapping[str, Any]], fed: list[Fed]) -> dict[str, dict[str, Any]]:
    """The entered values with every key-result-fed indicator replaced by its key result's
    (or removed when it has none: never what was typed)."""
    merged = {section: dict(entered) for section, entered in values.items()}
    for item in fed:
        entered = merged.setdefault(item.section, {})
        entered.pop(item.indicator, None)
        if item.value is not None:
            entered[item.indicator] = item.value
    return merged


def frozen_values(
    spec: TemplateSpec, entered: Mapping[str, Mapping[str, Any]] | None, links: Links
) -> dict[str, dict[str, Any]] | None:
    """The indicator values an appraisal keeps when it is finalized: those entered, with each
    key-result-fed indicator's as read now (so a released result's values, which rewards for the
    highest value compare, are what it was scored from); None when the template has none."""
    if not fed_keys(spec):
        return None
    merged = with_fed(entered or {}, fed_values(spec, links))
    return {
        section: {key: fmt(v) if isinstance(v, Decimal) else v for key, v in values.items()}
        for section, values in merged.items()
    }


def links_for_appraisal(spec: TemplateSpec, review_id: int | None, person_id: int) -> Links:
    """One appraisal's links, read only when its template has key-result-fed indicators."""
    if review_id is None or not fed_keys(spec):
        return {}
    cycle_id = db.session.scalar(select(Review.cycle_id).where(Review.id == review_id))
    return links_of(cycle_id, [person_id]).get(person_id, {}) if cycle_id else {}


def fed_lines(spec: TemplateSpec, links: Links) -> dict[str, list[str]]:
    """Each section's key-result-fed indicators as read-only lines, in the reader's language."""
    words = spec.glossary()
    found: dict[str, list[str]] = defaultdict(list)
    for item in fed_values(spec, links):
        found[item.section].append(describe(item.step.code, item.step.params, words))
    return dict(found)
