"""The canonical form of a checked review template: what is stored and exported.

Numbers are exact text, keys come in a fixed order and defaults are written out, so exporting
a template and importing it again gives the same template.
"""

from __future__ import annotations

from typing import Any

from okr.domain.numbers import fmt
from okr.schemes.format import FORMAT, PARTS
from okr.schemes.level_checks import canonical_levels
from okr.schemes.outcome_format import canonical_outcomes
from okr.schemes.problems import exact_number
from okr.schemes.rollup_format import canonical_rollups, rollup_keys
from okr.schemes.scorecards import canonical_sections, section_keys
from okr.schemes.streak_format import canonical_streaks


def _text(value: Any) -> str:
    number = exact_number(value)
    assert number is not None
    return fmt(number)


def _criterion(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": item["key"].strip(),
        "label": (item.get("label") or item["key"]).strip(),
        "weight": _text(item["weight"]),
        "scale": [_text(v) for v in item.get("scale", ["1", "5"])],
        **({"levels": canonical_levels(item["levels"], _text)} if item.get("levels") else {}),
    }


def _band(band: dict[str, Any]) -> dict[str, Any]:
    return {
        "label": band["label"].strip(),
        "min": _text(band["min"]),
        **({"inclusive": False} if band.get("inclusive") is False else {}),
        **({"require": _condition(band["require"])} if band.get("require") else {}),
    }


def _condition(condition: dict[str, Any]) -> dict[str, str]:
    count = str(condition.get("count", "all"))
    return {"part": condition["part"], "level": _text(condition["level"]), "count": count}


def _kind_points(kind: dict[str, Any]) -> dict[str, str]:
    """Fixed points, or the range each occurrence's points are chosen from."""
    if kind.get("points") is None and "min" in kind:
        return {"min": _text(kind["min"]), "max": _text(kind["max"])}
    return {"points": _text(kind["points"])}


def _adjustments(adjustments: dict[str, Any]) -> dict[str, Any]:
    return {
        "kinds": [
            {
                "key": kind["key"].strip(),
                "label": (kind.get("label") or kind["key"]).strip(),
                **_kind_points(kind),
            }
            for kind in adjustments.get("kinds") or []
        ],
        "free_form": adjustments.get("free_form") is True,
        "bonus_cap": None
        if adjustments.get("bonus_cap") is None
        else _text(adjustments["bonus_cap"]),
        "deduction_cap": None
        if adjustments.get("deduction_cap") is None
        else _text(adjustments["deduction_cap"]),
    }


def canonical(data: dict[str, Any]) -> dict[str, Any]:
    """The stored and exported form of a checked template: exact text numbers, fixed key order."""
    return {
        "format": FORMAT,
        "name": data["name"].strip(),
        "description": (data.get("description") or "").strip(),
        "composite": "points" if data.get("composite") == "points" else "weighted",
        "total_scale": _text(data.get("total_scale", "100")),
        "attainment_cap": _text(data.get("attainment_cap", "1")),
        "parts": {
            p: _text(data["parts"][p])
            for p in (*PARTS, *section_keys(data), *rollup_keys(data))
            if p in data["parts"]
        },
        **({"sections": canonical_sections(data)} if data.get("sections") else {}),
        "criteria": {
            part: [_criterion(item) for item in data["criteria"][part]]
            for part in PARTS
            if (data.get("criteria") or {}).get(part)
        },
        "bands": [_band(band) for band in data["bands"]],
        "adjustments": _adjustments(data.get("adjustments") or {}),
        "quotas": {label: _text(v) for label, v in (data.get("quotas") or {}).items()},
        "improvement_plan_grades": list(data.get("improvement_plan_grades") or []),
        "min_peer_raters": int(str(data.get("min_peer_raters", 1))),
        **({"outcomes": canonical_outcomes(data)} if data.get("outcomes") else {}),
        **({"streaks": canonical_streaks(data)} if data.get("streaks") else {}),
        **({"rollups": canonical_rollups(data)} if data.get("rollups") else {}),
    }
