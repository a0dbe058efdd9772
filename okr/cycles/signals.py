"""What happens to a cycle that features above cycles must hear about (blinker signals).

cycles never imports those features: they connect receivers (see `okr.wiring.connect_signals`).
Receivers run inside the service call, in its transaction; they flush, never commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

cap_changed = _signals.signal(
    "cycle-cap-changed",
    doc="A cycle's attainment cap changed (sender: the cycle); its cached progress is stale.",
)
