"""What a cycle's status allows."""

from __future__ import annotations

from okr.cycles.models import Cycle

STATUSES = ("planning", "running", "reviewing", "closed")


NEXT_STATUS = {"planning": "running", "running": "reviewing", "reviewing": "closed"}


def plan_editable(cycle: Cycle) -> bool:
    """Objectives, targets and weights can change only while the cycle is being planned."""
    return cycle.status == "planning"


def checkins_open(cycle: Cycle) -> bool:
    """Check-ins are taken while the cycle runs and during its review (final values)."""
    return cycle.status in ("running", "reviewing")
