"""Derivations as data: each computation returns ``steps``, a tuple of ``Step(code, params)``.

Params are strings; Decimals are rendered exactly with ``numbers.fmt`` (plain notation, no
trailing fraction zeros, never rounded).  Codes and their English templates are listed in
``okr.domain.explain``; the web layer translates them.  ``to_dict``/``from_dict`` give a
JSON-ready form so a finalized appraisal can store its derivation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from okr.domain.errors import DomainError
from okr.domain.numbers import fmt, round_display

ParamValue = Decimal | int | str


def render_param(value: ParamValue) -> str:
    """Render one step parameter as text: Decimals exactly, ints and text as they are."""
    if isinstance(value, bool):
        raise TypeError("booleans are not step parameters")
    if isinstance(value, Decimal):
        return fmt(value)
    return str(value)


def _check_data(data: Any) -> tuple[str, dict[str, str]]:
    if not isinstance(data, Mapping):
        raise DomainError("derivation.invalid", {"reason": "not an object"})
    code, params = data.get("code"), data.get("params", {})
    if not isinstance(code, str) or not code:
        raise DomainError("derivation.invalid", {"reason": "code missing"})
    if not isinstance(params, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in params.items()
    ):
        raise DomainError("derivation.invalid", {"reason": "params must map text to text"})
    return code, dict(params)


@dataclass(frozen=True)
class Step:
    """One line of a derivation: a stable code and its string parameters."""

    code: str
    params: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        params = {str(k): v for k, v in self.params.items()}
        if not all(isinstance(v, str) for v in params.values()):
            raise TypeError("step params must be strings; use Step.of to render numbers")
        object.__setattr__(self, "params", params)

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items()))))

    @classmethod
    def of(cls, code: str, **params: ParamValue) -> Step:
        """Build a step, rendering Decimal parameters exactly."""
        return cls(code, {k: render_param(v) for k, v in params.items()})

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: {"code": ..., "params": {...}}."""
        return {"code": self.code, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Step:
        """Rebuild a step from to_dict output; refuses malformed data."""
        code, params = _check_data(data)
        return cls(code, params)


class Severity(StrEnum):
    """How serious a validation issue is: errors block scoring, warnings only inform."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    """One validation finding with a stable code (translated like errors)."""

    code: str
    params: dict[str, str] = field(default_factory=dict)
    severity: Severity = Severity.ERROR

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.params.items())), self.severity))

    @classmethod
    def error(cls, code: str, **params: ParamValue) -> Issue:
        """An issue that makes the checked value unusable."""
        return cls(code, {k: render_param(v) for k, v in params.items()}, Severity.ERROR)

    @classmethod
    def warning(cls, code: str, **params: ParamValue) -> Issue:
        """An issue worth showing that does not block scoring."""
        return cls(code, {k: render_param(v) for k, v in params.items()}, Severity.WARNING)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with severity."""
        return {"code": self.code, "params": dict(self.params), "severity": str(self.severity)}


def steps_to_data(steps: Iterable[Step]) -> list[dict[str, Any]]:
    """A derivation as a JSON-ready list."""
    return [s.to_dict() for s in steps]


def steps_from_data(data: Sequence[Mapping[str, Any]]) -> tuple[Step, ...]:
    """Rebuild a stored derivation; refuses malformed entries."""
    if isinstance(data, str | bytes) or not isinstance(data, Sequence):
        raise DomainError("derivation.invalid", {"reason": "not a list"})
    return tuple(Step.from_dict(item) for item in data)


def join_terms(values: Iterable[ParamValue], sep: str = " + ") -> str:
    """Render a list of numbers for a step parameter, e.g. '40 + 30 + 20'."""
    return sep.join(render_param(v) for v in values)


def rounding_step(value: Decimal, places: int) -> Step:
    """The display rounding as a step: value, places and the half-up result."""
    return Step.of(
        "round.half_up", value=value, places=places, rounded=round_display(value, places)
    )
