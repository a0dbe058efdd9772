"""The scorecard indicator a key result feeds (``KeyResult.indicator``), checked on every path.

The indicators offered are the key-result-fed ones (rule ``{"kind": "kr"}``) of the template the
owner will be assessed with in the cycle (okr.cycles.templates.scheme_for: the cycle's review
appraising them, else the cycle's own template). Only an individual key result can feed one, a
``points`` indicator only from a per-unit or tiers key result whose max points are the
indicator's max, and each person feeds each indicator from one key result per cycle.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from okr.cycles.templates import scheme_for
from okr.domain.attainment import max_points_of
from okr.domain.errors import DomainError
from okr.domain.numbers import fmt
from okr.domain.scorecard import Indicator, KRScore, Rule
from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.definition import KeyResultData, apply_definition
from okr.objectives.models import KeyResult, Objective
from okr.objectives.queries import individual_of
from okr.objectives.rules import spec_of
from okr.schemes.format import TemplateSpec
from okr.schemes.scorecards import label_words


def fed_indicators(spec: TemplateSpec) -> dict[str, tuple[Indicator, str]]:
    """The template's key-result-fed indicators ("section.indicator") with their labels."""
    found: dict[str, tuple[Indicator, str]] = {}
    for section in spec.sections():
        domain = spec.domain.section(section["key"])
        if domain is None:
            continue
        for item, indicator in zip(section["indicators"], domain.indicators, strict=True):
            if indicator.rule is Rule.KR:
                label = f"{spec.part_label(section['key'])} · {label_words(item.get('label'), item['key'])}"
                found[f"{section['key']}.{indicator.key}"] = (indicator, label)
    return found


def indicator_choices(objective: Objective) -> list[tuple[str, str]]:
    """What the key-result form offers for an objective: none, or the owner's template's
    key-result-fed indicators (an individual objective only)."""
    if objective.level != "individual":
        return []
    scheme = scheme_for(objective.cycle, objective.owner_id)
    if scheme is None:
        return []
    return [(key, label) for key, (_i, label) in fed_indicators(scheme.spec).items()]


def defined(kr: KeyResult, objective: Objective, data: KeyResultData) -> list[str]:
    """apply_definition, then the indicator it feeds: what the add and edit services run."""
    warnings = apply_definition(kr, data, objective.cycle, objective.due_on)
    link_indicator(kr, objective, data.indicator)
    return warnings


def link_indicator(kr: KeyResult, objective: Objective, indicator: str | None) -> None:
    """Set the indicator the key result feeds (None or "": none), refused beside the field."""
    indicator = (indicator or "").strip() or None
    if indicator is None or (indicator == kr.indicator and kr.id is not None):
        kr.indicator = indicator
        if indicator is None:
            return
    scheme = (
        scheme_for(objective.cycle, objective.owner_id) if objective.level == "individual" else None
    )
    fed = fed_indicators(scheme.spec) if scheme is not None else {}
    if indicator not in fed:
        raise Invalid(
            {
                "indicator": _(
                    "Choose an indicator of the owner's review template fed by key results."
                )
            }
        )
    _check_fits(kr, fed[indicator][0])
    taken = db.session.scalar(
        select(KeyResult.title)
        .join(Objective, KeyResult.objective_id == Objective.id)
        .where(
            individual_of(objective.cycle_id, objective.owner_id),
            KeyResult.indicator == indicator,
            KeyResult.id != kr.id if kr.id is not None else KeyResult.id.is_not(None),
        )
        .limit(1)
    )
    if taken is not None:
        raise Invalid(
            {
                "indicator": _(
                    "The key result “%(title)s” already feeds this indicator: one per person and cycle.",
                    title=taken,
                )
            }
        )
    kr.indicator = indicator


def _check_fits(kr: KeyResult, indicator: Indicator) -> None:
    """A points indicator takes a per-unit or tiers key result's points, with the same max."""
    if indicator.score is not KRScore.POINTS:
        return
    try:
        top = max_points_of(spec_of(kr))
    except DomainError:
        top = None
    if top != indicator.max_points:
        raise Invalid(
            {
                "indicator": _(
                    "This indicator takes a per-unit or tiers key result's points, at most %(max)s: "
                    "give the key result that many max points.",
                    max=fmt(indicator.max_points),
                )
            }
        )
