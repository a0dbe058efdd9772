"""Domain derivations and errors in the reader's language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from flask_babel import gettext

from okr.domain.errors import DomainError
from okr.domain.explain import ERROR_TEMPLATES, STEP_TEMPLATES
from okr.domain.numbers import fmt, round_display
from okr.domain.steps import Step

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
    template = STEP_TEMPLATES.get(code) or ERROR_TEMPLATES.get(code)
    if template is None:
        return code
    return gettext(template).format_map({k: _shown(v) for k, v in params.items()})


def describe_steps(steps: Iterable[Step]) -> list[str]:
    """A derivation as sentences."""
    return [describe(step.code, step.params) for step in steps]


def error_message(error: DomainError) -> str:
    """A domain refusal in words a manager understands."""
    return describe(error.code, error.params)
