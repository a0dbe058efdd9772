"""A cycle's review template: the one its bonuses and deductions follow (asked of reviews).

Review templates belong to reviews, a feature above cycles, so cycles ask through signals
(`okr.cycles.signals`); `okr.reviews.cycle_templates` answers. For a person in a cycle the
template is the one of the cycle's review that appraises them (the latest, if several), else
the cycle's own (`Cycle.template_id`), else none: then nothing can be recorded yet.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from okr.cycles import signals
from okr.cycles.models import Cycle
from okr.schemes.format import TemplateSpec

DEFAULT_FAMILY = "okr-default"
"""The built-in template a new cycle's form offers first."""


@dataclass(frozen=True)
class TemplateChoice:
    """A review template a cycle can name."""

    id: int
    label: str
    family: str
    current: bool = True  # False: superseded by a newer version (listed as a cycle's choice)


@dataclass(frozen=True)
class CycleScheme:
    """The template whose adjustment kinds apply, and whether it comes from a review."""

    template_id: int
    name: str
    spec: TemplateSpec
    from_review: bool


def template_choices(including: Collection[int] = ()) -> list[TemplateChoice]:
    """The current review templates, and the ones named in `including` even if superseded."""
    results = signals.review_templates.send(None, including=set(including))
    return [choice for _receiver, choices in results for choice in choices]


def default_template_id(choices: list[TemplateChoice]) -> int | None:
    """The current version of the default template, if it is loaded."""
    return next((c.id for c in choices if c.current and c.family == DEFAULT_FAMILY), None)


def scheme_for(cycle: Cycle, person_id: int) -> CycleScheme | None:
    """The template whose bonuses and deductions are recorded for this person in this cycle."""
    for _receiver, scheme in signals.scheme_for.send(cycle, person_id=person_id):
        if scheme is not None:
            return scheme
    return None
