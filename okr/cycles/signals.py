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

review_templates = _signals.signal(
    "cycle-review-templates",
    doc="The review templates a cycle may name (sender: None; including: ids of templates to "
    "list even when superseded). A receiver returns a list of okr.cycles.templates.TemplateChoice.",
)

scheme_for = _signals.signal(
    "cycle-scheme-for",
    doc="The review template whose bonuses and deductions apply to a person in a cycle (sender: "
    "the cycle; person_id). A receiver returns an okr.cycles.templates.CycleScheme or None.",
)
