"""Seed 002's rule, a cycle option: each objective has a quantity, a quality and a time target."""

from __future__ import annotations

from flask_babel import gettext as _

from okr.cycles.models import Cycle
from okr.domain.due_dates import missing_aspects
from okr.labels import ASPECT_LABELS
from okr.objectives.models import Objective


def aspect_problems(cycle: Cycle, objectives: list[Objective]) -> list[str]:
    """Under a cycle that asks for them, each objective scored from its own key results names the
    targets it lacks (quantity, quality, time); none otherwise. Key results must be loaded."""
    if not cycle.require_aspects:
        return []
    problems = []
    for objective in objectives:
        if not objective.key_results and objective.progress_rule != "own_krs":
            continue  # its progress comes from the objectives aligned to it
        missing = missing_aspects(kr.aspect for kr in objective.key_results)
        if missing:
            problems.append(
                _(
                    "“%(title)s” needs a quantity, a quality and a time target; missing: %(missing)s.",
                    title=objective.title,
                    missing=_(", ").join(str(ASPECT_LABELS[a.value]) for a in missing),
                )
            )
    return problems
