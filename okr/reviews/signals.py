"""What happens to a review that features above reviews must hear about (blinker signals).

reviews never imports those features: they connect receivers (see `okr.wiring.connect_signals`).
Receivers run inside the caller's transaction; they flush, never commit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

appraisals_opened = _signals.signal(
    "review-appraisals-opened",
    doc="A review's appraisals were created (sender: the review), by a request or the open job "
    "(again when a retried job runs). okr.flags.carry puts streak points waiting for this "
    "period on them; a receiver must be idempotent.",
)
