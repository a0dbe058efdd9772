"""Checking a review template before it is stored: every problem at once, each where it belongs.

Problems carry a place (``parts.kr``, ``criteria.peer.2``, ``bands.1.min``, ``quotas.优秀``,
``adjustments.kinds.0.points``, ``_`` for the whole template) so a form shows each beside its
field and an import lists them all.  A template that passes is returned in its canonical form
(numbers as exact text, keys in a fixed order, defaults written out): that is what is stored
and exported, so exporting and importing a template again gives the same template.  The JSON
format's own parser (format.parse) then has the last word.

The head fields are checked here, the rules of each section in `section_checks`, the numbers and the list of problems in
`problems`, the canonical form in `canonical`.
"""

from __future__ import annotations

import hashlib
import json
import re
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from okr.domain.numbers import ONE, fmt
from okr.errors import Invalid
from okr.schemes import section_checks as sections
from okr.schemes.canonical import canonical
from okr.schemes.format import FORMAT, TemplateFormatError, TemplateSpec, loads, parse
from okr.schemes.outcome_format import check_outcomes
from okr.schemes.problems import Problems
from okr.schemes.rollup_format import check_rollups
from okr.schemes.scorecards import check_sections
from okr.schemes.streak_format import check_streaks

FIELDS = (
    "format",
    "name",
    "description",
    "composite",
    "total_scale",
    "attainment_cap",
    "parts",
    "sections",
    "criteria",
    "bands",
    "adjustments",
    "quotas",
    "improvement_plan_grades",
    "min_peer_raters",
    "outcomes",
    "streaks",
    "rollups",
)
MAX_IMPORT_BYTES = 256 * 1024
MAX_CAP = Decimal(10)
"""The highest attainment cap: 1000%, as for cycles."""
MAX_RATERS = 100


class TemplateInvalid(Invalid):
    """A template refused; `problems` lists (place, message) for every problem found."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        merged: dict[str, str] = {}
        for place, message in problems:
            merged[place] = f"{merged[place]} {message}" if place in merged else message
        super().__init__(merged)
        self.problems = problems


def _check_top(c: Problems, data: dict[str, Any]) -> None:
    """The fields outside the sections: names, format, name, description, scales, raters."""
    _check_fields(c, data)
    _check_scales(c, data)
    _check_raters(c, data)


def _check_fields(c: Problems, data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        c.add("_", _("Unknown fields: %(fields)s.", fields=", ".join(unknown)))
    if data.get("format", FORMAT) != FORMAT:
        c.add(
            "format",
            _(
                "Unknown format “%(format)s”; expected %(expected)s.",
                format=data.get("format"),
                expected=FORMAT,
            ),
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        c.add("name", _("The template needs a name."))
    elif len(name.strip()) > 200:
        c.add("name", _("The name can be at most 200 characters long."))
    if not isinstance(data.get("description", ""), str):
        c.add("description", _("The description must be text."))


def _check_scales(c: Problems, data: dict[str, Any]) -> None:
    scale = c.number(data.get("total_scale", "100"), "total_scale", _("The total scale"), None)
    if scale is not None and scale <= 0:
        c.add("total_scale", _("The total scale must be above 0, not %(scale)s.", scale=fmt(scale)))
    cap = c.number(
        data.get("attainment_cap", "1"), "attainment_cap", _("The attainment cap"), None, MAX_CAP
    )
    if cap is not None and cap < ONE:
        c.add(
            "attainment_cap",
            _("The attainment cap must be at least 1 (100%%), not %(cap)s.", cap=fmt(cap)),
        )


def _check_raters(c: Problems, data: dict[str, Any]) -> None:
    raters = data.get("min_peer_raters", 1)
    if (
        isinstance(raters, bool)
        or not re.fullmatch(r"\d{1,4}", str(raters))
        or not 1 <= int(str(raters)) <= MAX_RATERS
    ):
        c.add(
            "min_peer_raters",
            _(
                "The minimum number of peer raters must be a whole number from 1 to %(max)d.",
                max=MAX_RATERS,
            ),
        )


def validate(data: Any) -> tuple[dict[str, Any], TemplateSpec]:
    """Check a template dict, reporting every problem; return its canonical form and parsed spec."""
    if not isinstance(data, dict):
        raise TemplateInvalid([("_", _("The file must hold one JSON object."))])
    c = Problems()
    _check_top(c, data)
    check_sections(c, data)
    check_outcomes(c, data)
    check_streaks(c, data)
    check_rollups(c, data)
    weights = sections.check_parts(c, data)
    sections.check_criteria(c, data, weights)
    labels = sections.check_bands(c, data)
    sections.check_adjustments(c, data)
    sections.check_policies(c, data, labels)
    if c.problems:
        raise TemplateInvalid(c.problems)
    spec = canonical(data)
    try:
        return spec, parse(spec)
    except TemplateFormatError as exc:  # the format's own rules have the last word
        raise TemplateInvalid([("_", m) for m in exc.messages]) from exc


def read_json(text: str | bytes) -> dict[str, Any]:
    """Template JSON from a file or a text box, every number kept exact."""
    if len(text) > MAX_IMPORT_BYTES:
        raise TemplateInvalid([("_", _("The file is too large for a template (at most 256 KB)."))])
    try:
        return loads(text)
    except TemplateFormatError as exc:
        raise TemplateInvalid([("_", m) for m in exc.messages]) from exc


def fingerprint(spec: dict[str, Any]) -> str:
    """A short digest of a spec, to notice that someone else saved the template meanwhile."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
