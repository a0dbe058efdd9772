"""Domain derivations and errors in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from okr.domain.errors import DomainError
from okr.domain.explain import ERROR_TEMPLATES, N_, STEP_TEMPLATES
from okr.domain.numbers import fmt, round_display
from okr.domain.steps import Step

# Derivation lines the web layer adds around the domain's (reviews: why a part is missing).
APP_TEMPLATES: dict[str, str] = {
    "review.no_objectives": N_("No individual objectives in this cycle, so there is no OKR score."),
    "review.objective_unscored": N_("No progress figure yet for: {titles}."),
    "review.not_rated": N_("The {part} part is not rated yet."),
    # the scheme simulator (okr/reviews/simulator.py)
    "simulate.kr_entered": N_("Key-result score entered: {percent}% = {progress}."),
    "simulate.kr_missing": N_("No key-result score was entered, so that part is missing."),
}

PART_WORDS = {
    "kr": _l("key-result attainment"),
    "peer": _l("peer evaluation"),
    "interview": _l("one-on-one interview"),
    "self": _l("self-assessment"),
}

# Codes that appear as values of {rule} and {scope} in derivation lines.
VALUE_WORDS = {
    "own_krs": _l("its own key results"),
    "children": _l("the objectives aligned to it"),
    "both": _l("both its key results and the objectives aligned to it"),
    "key_results": _l("the key results"),
    "key results": _l("the key results"),
    "objectives": _l("the objectives"),
    "parts": _l("the parts"),
    "criteria": _l("the criteria"),
    "peer": _l("the peer raters"),
}


def _word(key: str, value: str) -> str:
    if key == "part" and value in PART_WORDS:
        return str(PART_WORDS[value])
    if key in ("rule", "scope"):
        if value.startswith("criteria."):
            part = value.removeprefix("criteria.")
            return gettext("the criteria of %(part)s", part=str(PART_WORDS.get(part, part)))
        if value in VALUE_WORDS:
            return str(VALUE_WORDS[value])
    return _shown(value)


SHOWN_PLACES = 4
_NUMBER = re.compile(r"^-?\d+\.\d{5,}$")


def _shown(value: str) -> str:
    """Long exact fractions are shown to 4 decimals (half up); the stored value stays exact."""
    if not _NUMBER.match(value):
        return value
    try:
        return fmt(round_display(Decimal(value), SHOWN_PLACES))
    except InvalidOperation:
        return value


def describe(code: str, params: Mapping[str, str]) -> str:
    """One derivation line or error in the current language."""
    template = STEP_TEMPLATES.get(code) or ERROR_TEMPLATES.get(code) or APP_TEMPLATES.get(code)
    if template is None:
        return code
    return gettext(template).format_map({k: _word(k, v) for k, v in params.items()})


def describe_steps(steps: Iterable[Step]) -> list[str]:
    """A derivation as sentences."""
    return [describe(step.code, step.params) for step in steps]


def error_message(error: DomainError) -> str:
    """A domain refusal in words a manager understands."""
    return describe(error.code, error.params)
