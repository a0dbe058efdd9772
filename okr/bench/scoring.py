"""Appraisal breakdowns for the generator, in worker processes when the company is big.

Each breakdown is the app's own computation (okr.reviews.scoring.compute) on transient model
objects, as finalize runs it; for a plan grade the weakest criteria are found as draft_plan finds
them (okr.plans.weakest.weakest_criteria). The work is pure, so it runs in spawned processes (no
database connection is inherited) while the main process generates OKRs.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from decimal import Decimal
from typing import Any

# (appraisal id, review id, person id, interview ratings, self ratings,
#  objectives [(title, progress, weight)], forms [(id, rater id, ratings, submitted at)],
#  adjustments [(id, kind or None for free-form, count, reason, points in total)])
Inputs = tuple[
    int,
    int,
    int,
    dict[str, str],
    dict[str, str],
    list[tuple[str, Decimal | None, Decimal]],
    list[tuple[int, int, dict[str, str], datetime]],
    list[tuple[int, str | None, int, str, Decimal]],
]
# (appraisal id, frozen result, composite, grade, weakest criteria for a plan:
#  [(part, label, mean as shown, target rating, top of the scale)])
Scored = tuple[
    int, dict[str, Any], Decimal | None, str | None, list[tuple[str, str, str, str, str]]
]

_specs: dict[str, Any] = {}


def _load(specs: dict[str, dict[str, Any]]) -> None:
    from okr.reviews.models import ReviewTemplate
    from okr.reviews.services import spec_of

    for family, spec in specs.items():
        _specs[family] = spec_of(ReviewTemplate(spec=spec))


def score(family: str, batch: list[Inputs]) -> list[Scored]:
    """Breakdowns of a batch of appraisals under one template."""
    from okr.domain.numbers import fmt, round_display
    from okr.objectives.models import Adjustment, Objective
    from okr.plans.weakest import target_rating, weakest_criteria
    from okr.reviews.models import Appraisal, PeerForm
    from okr.reviews.scoring import compute

    spec = _specs[family]
    scored: list[Scored] = []
    for appraisal_id, review_id, person_id, interview, own, objectives, forms, adjustments in batch:
        subject = Appraisal(
            id=appraisal_id,
            review_id=review_id,
            person_id=person_id,
            interview_ratings=interview,
            self_ratings=own,
        )
        peers = [
            PeerForm(id=i, appraisal_id=appraisal_id, rater_id=r, ratings=ratings, submitted_at=at)
            for i, r, ratings, at in forms
        ]
        result = compute(
            spec,
            subject,
            [Objective(title=t, progress=p, weight=w) for t, p, w in objectives],
            peers,
            [
                Adjustment(id=i, kind=kind, count=count, reason=reason, points=points)
                for i, kind, count, reason, points in adjustments
            ],
        )
        if not result.complete or result.result is None:
            raise RuntimeError(
                f"generated appraisal {appraisal_id} cannot be finalized: {result.problems}"
            )
        grade = result.result.grade
        weak = []
        if grade in spec.domain.improvement_plan_grades:
            weak = [
                (
                    w.part,
                    w.label,
                    fmt(round_display(w.mean, 2)),
                    fmt(target_rating(w)),
                    fmt(w.criterion.scale.max),
                )
                for w in weakest_criteria(spec, subject, peers)
            ]
        scored.append((appraisal_id, result.to_data(), result.result.composite, grade, weak))
    return scored


class Scorer:
    """Runs `score` in `workers` spawned processes, or here when workers is 1."""

    def __init__(self, specs: dict[str, dict[str, Any]], workers: int) -> None:
        self.pool = None
        if workers > 1:
            self.pool = ProcessPoolExecutor(
                workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_load,
                initargs=(specs,),
            )
        else:
            _load(specs)

    def submit(self, family: str, batch: list[Inputs]) -> Future[list[Scored]]:
        if self.pool is not None:
            return self.pool.submit(score, family, batch)
        done: Future[list[Scored]] = Future()
        done.set_result(score(family, batch))
        return done

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()
