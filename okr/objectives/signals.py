"""What features above okrs contribute to its pages (blinker signals); okrs never imports them.

Receivers are connected by the factory (see `okr.wiring.connect_signals`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from blinker import Namespace

from okr.org.models import Person

_signals = Namespace()

plan_items = _signals.signal(
    "okr-page-plan-items",
    doc="Open improvement-plan items to show on a person's OKR page (sender: the viewer; "
    "person_id, before: the cycle's start). A receiver returns a list, checked for access.",
)


def open_plan_items(viewer: Person, person_id: int, before: date) -> list[Any]:
    """A person's open items from earlier cycles' plans that the viewer may see (reviews)."""
    results = plan_items.send(viewer, person_id=person_id, before=before)
    return [item for _receiver, items in results for item in items]
