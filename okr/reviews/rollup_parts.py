"""A roll-up template's parts from the released results stored with the appraisal.

`appraisal.rollup_sources` holds, by roll-up part key, the released results of the shorter
cycles read for it (okr.reviews.rollup_sources reads them for a whole review at once and
stores them here; finalize freezes them with the appraisal). This module turns them back into
domain values and rolls them up (okr.domain.cycle_rollup): the part's value with its
derivation, a part with no result missing (never 0). The data is exact text, so what an
appraisal stored reads back to the same Decimals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from okr.domain.cycle_rollup import CycleResult, RollupResult, earned, roll_up
from okr.domain.numbers import HUNDRED, to_decimal
from okr.reviews.parts import PartResult
from okr.schemes.format import TemplateSpec


def source_data(result: CycleResult) -> dict[str, Any]:
    """One result as stored: its cycle, exact composite, outcome rules applied, department rank."""
    return {
        "cycle": result.cycle,
        "composite": str(result.composite),
        "outcomes": sorted(result.outcomes),
        "rank": result.rank,
    }


def sources_of(data: Sequence[Mapping[str, Any]]) -> list[CycleResult]:
    """Stored results back as domain values, in their stored order (oldest cycle first)."""
    return [
        CycleResult(
            str(item["cycle"]),
            to_decimal(str(item["composite"])),
            frozenset(str(o) for o in item.get("outcomes") or []),
            None if item.get("rank") is None else int(item["rank"]),
        )
        for item in data
    ]


def stored_results(
    sources: Mapping[str, Sequence[Mapping[str, Any]]],
) -> dict[str, list[CycleResult]]:
    """appraisal.rollup_sources as domain values, by part key."""
    return {key: sources_of(items) for key, items in sources.items()}


def rollup_parts(
    spec: TemplateSpec, sources: Mapping[str, Sequence[CycleResult]]
) -> tuple[dict[str, PartResult], dict[str, RollupResult]]:
    """Each roll-up part (its share of its max as fraction, for display) and its result; a
    part with no results given is missing."""
    parts: dict[str, PartResult] = {}
    results: dict[str, RollupResult] = {}
    for key, rollup in spec.domain.rollups.items():
        weight = spec.domain.weight(key)
        found = roll_up(key, rollup, list(sources.get(key) or ()))
        results[key] = found
        if found.value is None:
            parts[key] = PartResult(key, weight, None, (), found.steps[0])
            continue
        top = weight if spec.domain.points else HUNDRED
        fraction = found.value / top if top else Decimal(0)
        parts[key] = PartResult(key, weight, fraction, found.steps)
    return parts, results


@dataclass(frozen=True)
class RollupRow:
    """One released result that fed a roll-up part, as a page shows it."""

    cycle: str
    composite: Decimal
    bonuses: tuple[str, ...]  # the labels of the year-end bonuses it earned
    rank: int | None


@dataclass(frozen=True)
class RollupView:
    """A roll-up part's sources: what they are (family, mean or sum) and the results read."""

    part: str
    family: str
    of: str
    rows: tuple[RollupRow, ...]


def rollup_views(
    spec: TemplateSpec, sources: Mapping[str, Sequence[Mapping[str, Any]]]
) -> list[RollupView]:
    """The results that fed each roll-up part (stored with the appraisal; no query)."""
    if not spec.domain.rollups:
        return []
    words = spec.glossary()
    views = []
    for key, rollup in spec.domain.rollups.items():
        rows = tuple(
            RollupRow(
                r.cycle,
                r.composite,
                tuple(words.outcomes.get(b.key, b.key) for b in rollup.bonuses if earned(b, r)),
                r.rank,
            )
            for r in sources_of(sources.get(key) or [])
        )
        views.append(RollupView(key, rollup.family, str(rollup.of), rows))
    return views


def rollup_lines(
    spec: TemplateSpec,
    sources: Mapping[str, Sequence[Mapping[str, Any]]],
    shown: Callable[[Decimal], str],
) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """The record's lines: each roll-up part's label and its (cycle, composite shown,
    department rank, year-end bonuses earned) rows."""
    return [
        (
            spec.part_label(view.part),
            [
                (r.cycle, shown(r.composite), str(r.rank or "—"), "、".join(r.bonuses) or "—")
                for r in view.rows
            ],
        )
        for view in rollup_views(spec, sources)
    ]
