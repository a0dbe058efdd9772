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
}

PART_WORDS = {
    "kr": _l("key-result attainment"),
    "peer": _l("peer evaluation"),
    "interview": _l("one-on-one interview"),
    "self": _l("self-assessment"),
}

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
    shown = {k: str(PART_WORDS[v]) if k == "part" and v in PART_WORDS else _shown(v) for k, v in params.items()}
    return gettext(template).format_map(shown)


def describe_steps(steps: Iterable[Step]) -> list[str]:
    """A derivation as sentences."""
    return [describe(step.code, step.params) for step in steps]


def error_message(error: DomainError) -> str:
    """A domain refusal in words a manager understands."""
    return describe(error.code, error.params)
