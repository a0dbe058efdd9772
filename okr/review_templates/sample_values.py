"""Sample values of the scheme simulator: numbers, scorecard values, and the bonuses and
deductions typed in (a section's points come from okr.reviews.sections.section_parts, as an
appraisal's do).

Adjustments are checked as a real appraisal checks them: a kind's count, or for a ranged kind
(重大差错 −5 … −1) the points of each occurrence within its range; free-form points with a
reason only where the template allows them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.domain.composite import Adjustment
from okr.domain.errors import DomainError
from okr.domain.numbers import HUNDRED, fmt, parse_decimal, to_decimal
from okr.domain.scorecard import Section, score_section
from okr.explain import error_message
from okr.schemes.format import TemplateSpec

MAX_OCCURRENCES = 9999


def number(value: Any, *, percent: bool = False) -> Decimal:
    """A typed or JSON number, read exactly."""
    if isinstance(value, bool):
        raise DomainError("number.not_number", {"value": repr(value)})
    if isinstance(value, str):
        return parse_decimal(value, allow_percent=percent)
    return to_decimal(str(value) if isinstance(value, float) else value)


def empty(value: Any) -> bool:
    """Nothing typed."""
    return value is None or (isinstance(value, str) and not value.strip())


def _occurrences(
    spec: TemplateSpec, kind: str, value: Any, place: str, problems: list[tuple[str, str]]
) -> list[Adjustment]:
    """A fixed kind's count, or a ranged kind's points of each occurrence ("-3 -5")."""
    found = spec.domain.adjustment_kind(kind)
    assert found is not None
    if not found.is_ranged:
        if isinstance(value, bool) or not re.fullmatch(r"\d{1,4}", str(value).strip()):
            problems.append((place, _("Enter how many times, a whole number from 0.")))
            return []
        count = int(str(value).strip())
        return [Adjustment(kind, count)] if count else []
    items = value if isinstance(value, list) else re.split(r"[\s,，;；]+", str(value).strip())
    occurrences = []
    for item in [i for i in items if not empty(i)][:MAX_OCCURRENCES]:
        try:
            points = number(item)
            found.each(points)
        except DomainError as exc:
            problems.append((place, error_message(exc, spec.glossary())))
            return []
        occurrences.append(Adjustment(kind, 1, points=points))
    return occurrences


def kind_adjustments(
    spec: TemplateSpec, value: Any, problems: list[tuple[str, str]]
) -> list[Adjustment]:
    if not isinstance(value, dict):
        problems.append(("adjustments", _("Adjustments must map each kind to a count.")))
        return []
    adjustments: list[Adjustment] = []
    for kind, count in value.items():
        place = f"adjustments.{kind}"
        if spec.domain.adjustment_kind(kind) is None:
            problems.append(
                (place, _("“%(kind)s” is not an adjustment of this template.", kind=kind))
            )
        elif not empty(count) and count != []:
            adjustments += _occurrences(spec, kind, count, place, problems)
    return adjustments


def free_adjustments(
    spec: TemplateSpec, rows: Any, problems: list[tuple[str, str]]
) -> list[Adjustment]:
    """Points outside the kinds, each with a reason; refused unless the template allows them."""
    if not isinstance(rows, list):
        problems.append(("free_adjustments", _("Free-form adjustments must be a list.")))
        return []
    rows = [r for r in rows if not (isinstance(r, dict) and all(map(empty, r.values())))]
    if rows and not spec.domain.free_form:
        problems.append(
            (
                "free_adjustments",
                _("This template allows only its own bonuses and deductions, not free-form ones."),
            )
        )
        return []
    adjustments = []
    for i, row in enumerate(rows):
        place = f"free_adjustments.{i}"
        reason = str(row.get("reason") or "").strip() if isinstance(row, dict) else ""
        if not reason:
            problems.append((f"{place}.reason", _("Say why.")))
            continue
        try:
            points = number(row.get("points"))
        except DomainError as exc:
            problems.append((f"{place}.points", error_message(exc)))
            continue
        if points == 0:
            problems.append(
                (
                    f"{place}.points",
                    _("Enter points other than 0: + for a bonus, − for a deduction."),
                )
            )
            continue
        adjustments.append(Adjustment.free_form(reason, points))
    return adjustments


def kr_fraction(spec: TemplateSpec, value: Any, problems: list[tuple[str, str]]) -> Decimal | None:
    """The OKR score typed in percent as a fraction, within the attainment cap."""
    if empty(value):
        return None
    try:
        percent = number(value, percent=True)
    except DomainError as exc:
        problems.append(("kr_percent", error_message(exc)))
        return None
    highest = spec.domain.attainment_cap * HUNDRED
    if not 0 <= percent <= highest:
        problems.append(
            (
                "kr_percent",
                _(
                    "The key-result score must be between 0%% and %(max)s%% (the template's attainment cap).",
                    max=fmt(highest),
                ),
            )
        )
        return None
    return percent / HUNDRED


def sample_ranks(value: Any, problems: list[tuple[str, str]]) -> dict[str, int | None]:
    """The sample ranks by scope (department, company) for rules on ranks; empty: not ranked."""
    ranks: dict[str, int | None] = {}
    if not isinstance(value, dict):
        problems.append(("ranks", _("Ranks must map department and company to a rank.")))
        return ranks
    for scope, rank in value.items():
        if scope not in ("department", "company"):
            problems.append(("ranks", _("Ranks are in the department or the company.")))
        elif empty(rank):
            ranks[scope] = None
        elif (
            isinstance(rank, bool)
            or not re.fullmatch(r"\d{1,6}", str(rank).strip())
            or int(str(rank)) < 1
        ):
            problems.append((f"ranks.{scope}", _("Enter a rank: a whole number from 1.")))
        else:
            ranks[scope] = int(str(rank).strip())
    return ranks


# Scorecard sections ------------------------------------------------------------------------

SectionValues = dict[str, dict[str, Decimal | None]]


def section_values(
    spec: TemplateSpec, value: Any, problems: list[tuple[str, str]]
) -> SectionValues:
    """The values entered for each section's indicators, each a number (empty: not given);
    each is checked against its indicator (points within the max, a whole count ...)."""
    if not isinstance(value, dict):
        problems.append(
            ("sections", _("Sections must map each section to its indicators' values."))
        )
        return {}
    known = {s.key: s for s in spec.domain.sections}
    found: SectionValues = {}
    for key, entered in value.items():
        section = known.get(key)
        if section is None or not isinstance(entered, dict):
            problems.append(
                ("sections", _("“%(key)s” is not a section of this template.", key=key))
            )
            continue
        found[key] = {}
        for indicator in section.indicators:
            raw = entered.get(indicator.key)
            place = f"sections.{key}.{indicator.key}"
            try:
                number_ = None if empty(raw) else number(raw)
                if number_ is not None:
                    score_section(Section(key, (indicator,)), {indicator.key: number_})
            except DomainError as exc:
                problems.append((place, error_message(exc, spec.glossary())))
                continue
            found[key][indicator.key] = number_
        for other in sorted(set(entered) - {i.key for i in section.indicators}):
            problems.append(
                (f"sections.{key}", _("“%(key)s” is not an indicator of this section.", key=other))
            )
    return found
