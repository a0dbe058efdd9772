"""The simulator's roll-up inputs: the shorter cycles' composites, given as raw numbers.

A roll-up part (okr.domain.cycle_rollup) takes released results; the simulator takes them as
sample inputs instead, by part key::

    "rollups": {"monthly": ["90", "85.5", {"composite": "88", "outcomes": ["award"], "rank": 2}]}

Each result is a composite (a number), or an object with the composite, the keys of the
outcome rules that applied (`outcomes`), the department rank (`rank`) and a cycle label
(`cycle`; default its position, 1, 2 …). An empty list leaves the part missing, never 0. On the
page a part's field holds the composites separated by spaces. Every problem is reported at
``rollups.<part>`` (the page's field).
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from okr.domain.cycle_rollup import CycleResult
from okr.domain.errors import DomainError
from okr.review_templates.sample_values import empty, number
from okr.schemes.format import TemplateSpec

MAX_RESULTS = 24
ITEM_FIELDS = {"cycle", "composite", "outcomes", "rank"}

SampleRollups = dict[str, tuple[CycleResult, ...]]


def sample_rollups(
    spec: TemplateSpec, value: Any, problems: list[tuple[str, str]]
) -> SampleRollups:
    """The sample results of each roll-up part, checked; unknown parts and bad items refused."""
    found: SampleRollups = {}
    if not isinstance(value, dict):
        problems.append(("rollups", _("Roll-up results must map each roll-up part to a list.")))
        return found
    for key, items in value.items():
        place = f"rollups.{key}"
        if key not in spec.domain.rollups:
            problems.append(
                (place, _("“%(key)s” is not a roll-up part of this template.", key=key))
            )
            continue
        if isinstance(items, str):
            items = items.split()
        if not isinstance(items, list):
            problems.append((place, _("Give the results as a list.")))
            continue
        if len(items) > MAX_RESULTS:
            problems.append((place, _("At most %(n)d results.", n=MAX_RESULTS)))
            continue
        results = [_result(item, i, place, problems) for i, item in enumerate(items, start=1)]
        found[key] = tuple(r for r in results if r is not None)
    return found


def _result(item: Any, n: int, place: str, problems: list[tuple[str, str]]) -> CycleResult | None:
    data = item if isinstance(item, dict) else {"composite": item}
    if set(data) - ITEM_FIELDS:
        fields = ", ".join(sorted(set(data) - ITEM_FIELDS))
        problems.append((place, _("Result %(n)d: unknown fields: %(fields)s.", n=n, fields=fields)))
        return None
    raw = data.get("composite")
    try:
        composite = None if empty(raw) else number(raw)
    except DomainError:
        composite = None
    if composite is None or composite < 0:
        problems.append((place, _("Result %(n)d needs a composite: a number from 0.", n=n)))
        return None
    outcomes = data.get("outcomes") or []
    rank = data.get("rank")
    if not isinstance(outcomes, list) or not all(isinstance(o, str) for o in outcomes):
        problems.append((place, _("Result %(n)d: “outcomes” lists outcome rule keys.", n=n)))
        return None
    if not empty(rank) and (
        isinstance(rank, bool) or not re.fullmatch(r"\d{1,6}", str(rank)) or int(str(rank)) < 1
    ):
        problems.append((place, _("Result %(n)d: the rank is a whole number from 1.", n=n)))
        return None
    label = str(data.get("cycle") or n)
    return CycleResult(
        label, composite, frozenset(outcomes), None if empty(rank) else int(str(rank))
    )
