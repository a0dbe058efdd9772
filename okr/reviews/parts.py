"""One part of an appraisal as scoring gathers it (okr.reviews.scoring)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from okr.domain.steps import Step


@dataclass
class PartResult:
    """One part's fraction (0..1, or up to the cap for key results), or why it is missing."""

    part: str
    weight: Decimal
    fraction: Decimal | None
    steps: tuple[Step, ...] = ()
    missing_reason: Step | None = None
