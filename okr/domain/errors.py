"""Domain errors: a stable message ``code`` plus string ``params``, translated by the web layer.

Every code has an English template in ``okr.domain.explain.ERROR_TEMPLATES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """A refused input or rule; `code` and `params` say which and why, in data."""

    def __init__(self, code: str, params: Mapping[str, str] | None = None) -> None:
        self.code = code
        self.params: dict[str, str] = {k: str(v) for k, v in (params or {}).items()}
        super().__init__(code, self.params)

    def __str__(self) -> str:
        from okr.domain.explain import describe

        try:
            return describe(self.code, self.params)
        except KeyError:
            return f"{self.code} {self.params}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: {"code": ..., "params": {...}}."""
        return {"code": self.code, "params": dict(self.params)}


class InvalidNumber(DomainError):
    """Text or value that is not a finite number, or a number outside what a field allows."""


class InvalidSpec(DomainError):
    """A key-result specification that cannot be scored; `issues` lists every problem found."""

    def __init__(
        self,
        code: str,
        params: Mapping[str, str] | None = None,
        issues: tuple[Any, ...] = (),
    ) -> None:
        super().__init__(code, params)
        self.issues = issues


class InvalidWeight(DomainError):
    """A negative weight, or weights whose total is zero."""


class WeightsDoNotSum(DomainError):
    """Weights of one set that do not add up to the expected total (never normalised)."""


class InvalidRating(DomainError):
    """A rating outside its scale, for an unknown criterion, or a peer rating oneself."""


class InvalidTemplate(DomainError):
    """A review template that is inconsistent (parts, criteria, scales, adjustments)."""


class InvalidBands(InvalidTemplate):
    """Grade bands that are empty, duplicated or do not start at zero."""


class InvalidAdjustment(DomainError):
    """A bonus or deduction of an unknown kind or with a bad count."""


class InvalidScore(DomainError):
    """A part fraction or a score that the scoring rules cannot place."""


class InvalidCalibration(DomainError):
    """A quota or a consecutive-low rule that cannot be applied."""


class InvalidPeriod(DomainError):
    """A period that does not line up with its cycle kind, or an unreadable period label."""
