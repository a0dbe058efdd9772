"""Finalizing, calibrating, ranking, releasing and acknowledging appraisals.

A whole review is finalized or released a chunk of appraisals at a time (`CHUNK`): each chunk is
read with a few IN-queries and written with one statement of each kind, so the queries grow with
the chunks, not with the appraisals. `finalizing` and `releasing` yield after each flushed chunk,
where a job commits (okr.calibration.jobs); `finalize_all` and `release` run them to the end.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, bindparam, func, select, update
from sqlalchemy.orm import load_only
from sqlalchemy.orm.attributes import set_committed_value

from okr.calibration.live import chunk_inputs
from okr.calibration.ranks import review_ranks
from okr.cycles.models import Cycle
from okr.db import stored, utcnow
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.org.models import Person
from okr.plans.drafting import draft_plan, draft_plans
from okr.reviews.cycle_results import refresh_rollup_sources
from okr.reviews.kr_indicators import Links, frozen_values, links_for_appraisal
from okr.reviews.models import Appraisal, CalibrationChange, Review
from okr.reviews.scoring import Breakdown
from okr.reviews.services import breakdown
from okr.schemes.format import TemplateSpec

CHUNK = 500
"""Appraisals finalized or released per chunk (one transaction per chunk in a job)."""


@dataclass(frozen=True)
class Tally:
    """How far a batched finalize or release got: appraisals done, others passed, the last id."""

    done: int = 0
    passed: int = 0
    after: int = 0

    @property
    def seen(self) -> int:
        return self.done + self.passed

    def then(self, done: int, seen: int, last: int) -> Tally:
        return Tally(self.done + done, self.passed + seen - done, last)


def _last(tallies: Iterable[Tally]) -> Tally:
    """Run the chunks to the end; the last tally says what they did."""
    last = deque(tallies, maxlen=1)
    return last[0] if last else Tally()


def _frozen(
    result: Breakdown, now: datetime, spec: TemplateSpec, appraisal: Appraisal, links: Links
) -> dict[str, Any]:
    """What finalizing stores on an appraisal: the derivation, its figures and grade, the moment,
    and for a template with key-result-fed indicators the values they were scored from."""
    grade = result.result.grade if result.result else None
    frozen = {
        "result": result.to_data(),
        "composite": result.result.composite if result.result else None,
        "grade": grade,
        "final_grade": grade,
        "finalized_at": now,
        "status": "calibrated",
    }
    values = frozen_values(spec, appraisal.indicator_values, links)
    return frozen if values is None else {**frozen, "indicator_values": values}


def _store(changes: list[tuple[Appraisal, dict[str, Any]]]) -> None:
    """Write new values of these appraisals in one statement, each only if nobody saved it since
    it was read (its version); the session's objects then hold what was written."""
    if not changes:
        return
    table = Appraisal.__table__
    rows = [
        {**values, "version": a.version + 1, "b_id": a.id, "b_version": a.version}
        for a, values in changes
    ]
    written = db.session.execute(
        update(table).where(
            table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version")
        ),
        rows,
    )
    if written.rowcount != len(rows):
        raise StaleEdit()
    for appraisal, values in changes:
        for name, value in values.items():
            set_committed_value(appraisal, name, stored(value) if name == "composite" else value)
        set_committed_value(appraisal, "version", appraisal.version + 1)


# Finalizing ---------------------------------------------------------------------------------


def finalize(appraisal: Appraisal, spec: TemplateSpec) -> None:
    """Freeze the derivation: from now on the appraisal never changes with templates or OKRs.

    A grade the template names for an improvement plan gets a drafted plan.
    """
    if appraisal.finalized_at is not None:
        return
    result = breakdown(appraisal, spec)
    if not result.complete:
        raise Invalid({"_": _("Not every part that counts is scored yet; it cannot be finalized.")})
    links = links_for_appraisal(spec, appraisal.review_id, appraisal.person_id)
    for name, value in _frozen(result, utcnow(), spec, appraisal, links).items():
        setattr(appraisal, name, value)
    db.session.flush()
    draft_plan(appraisal, spec)


def _open_chunk(review_id: int, after: int, size: int) -> list[Appraisal]:
    """The next `size` open appraisals after id `after`, locked until the chunk is written."""
    return list(
        db.session.scalars(
            select(Appraisal)
            .where(
                Appraisal.review_id == review_id,
                Appraisal.finalized_at.is_(None),
                Appraisal.id > after,
            )
            .order_by(Appraisal.id)
            .limit(size)
            .with_for_update()
        )
    )


def _finalize_chunk(
    review: Review, spec: TemplateSpec, appraisals: list[Appraisal], now: datetime
) -> int:
    """Finalize the complete ones among these appraisals as `finalize` does; returns how many."""
    inputs = chunk_inputs(review, appraisals)
    complete = []
    for appraisal in appraisals:
        result = inputs.breakdown(spec, appraisal)
        if result.complete:
            links = (inputs.links or {}).get(appraisal.person_id, {})
            complete.append((appraisal, _frozen(result, now, spec, appraisal, links)))
    _store(complete)
    cycle = db.session.get(Cycle, review.cycle_id)
    assert cycle is not None
    draft_plans([a for a, _values in complete], spec, cycle, inputs.objectives, inputs.forms)
    return len(complete)


def finalizing(
    review: Review,
    spec: TemplateSpec,
    now: datetime,
    *,
    chunk: int = CHUNK,
    since: Tally | None = None,
) -> Iterator[Tally]:
    """Finalize every complete open appraisal of the review, `chunk` at a time (after `since`).

    Each gets what `finalize` would store and draft (stamped `now`); yields the tally after each
    flushed chunk. Open appraisals that are not complete are passed and stay open.
    """
    tally = since or Tally()
    refresh_rollup_sources(review, spec)  # a roll-up part freezes the results released by now
    while appraisals := _open_chunk(review.id, tally.after, chunk):
        done = _finalize_chunk(review, spec, appraisals, now)
        tally = tally.then(done, len(appraisals), appraisals[-1].id)
        yield tally


def finalize_all(review: Review, spec: TemplateSpec, *, chunk: int = CHUNK) -> tuple[int, int]:
    """Finalize every complete open appraisal; returns (finalized, left incomplete)."""
    tally = _last(finalizing(review, spec, utcnow(), chunk=chunk))
    return tally.done, tally.passed


def _count(review: Review, *where: ColumnElement[bool]) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Appraisal).where(Appraisal.review_id == review.id, *where)
    )


def override_grade(
    appraisal: Appraisal,
    spec: TemplateSpec,
    grade: str,
    reason: str,
    actor: Person,
    version: int | None,
) -> None:
    """HR changes a grade in calibration: a reason is required and the change is audited; inputs stay."""
    if version is not None and appraisal.version != version:
        raise StaleEdit()
    if appraisal.acknowledged_at is not None:
        raise Invalid({"grade": _("The person has acknowledged this result; it is locked.")})
    if grade not in spec.band_labels():
        raise Invalid({"grade": _("Choose one of the template's grades.")})
    if not reason.strip():
        raise Invalid({"reason": _("Say why the grade changes; the reason is recorded.")})
    finalize(appraisal, spec)
    if grade == appraisal.final_grade:
        raise Invalid({"grade": _("That is the grade it has already.")})
    db.session.add(
        CalibrationChange(
            appraisal_id=appraisal.id,
            from_grade=appraisal.final_grade,
            to_grade=grade,
            reason=reason.strip(),
            actor_id=actor.id,
        )
    )
    appraisal.final_grade = grade
    db.session.flush()


def override(
    appraisal: Appraisal,
    spec: TemplateSpec,
    grade: str,
    reason: str,
    actor: Person,
    version: int | None,
) -> None:
    """Override a grade (audited); a new plan grade gets a drafted improvement plan."""
    override_grade(appraisal, spec, grade, reason, actor, version)
    draft_plan(appraisal, spec)


# Releasing ----------------------------------------------------------------------------------


def waiting_release(review: Review) -> int:
    """How many finalized results of the review are not released yet (one query)."""
    return _count(review, Appraisal.finalized_at.is_not(None), Appraisal.released_at.is_(None))


def _finalized_chunk(review_id: int, after: int, size: int) -> list[Appraisal]:
    """The next `size` finalized appraisals after id `after` (what releasing writes), locked."""
    return list(
        db.session.scalars(
            select(Appraisal)
            .options(
                load_only(Appraisal.id, Appraisal.rank, Appraisal.released_at, Appraisal.version)
            )
            .where(
                Appraisal.review_id == review_id,
                Appraisal.finalized_at.is_not(None),
                Appraisal.id > after,
            )
            .order_by(Appraisal.id)
            .limit(size)
            .with_for_update()
        )
    )


def releasing(
    review: Review, now: datetime, *, chunk: int = CHUNK, since: Tally | None = None
) -> Iterator[Tally]:
    """Rank every finalized appraisal inside its department by the composite as shown (ties
    share a rank) and publish those not released yet (stamped `now`), `chunk` at a time after
    `since`; yields the tally after each flushed chunk. The review is released at the end."""
    ranks = review_ranks(review.id)
    tally = since or Tally()
    while appraisals := _finalized_chunk(review.id, tally.after, chunk):
        changes = [
            (a, {"rank": ranks.get(a.id), "released_at": a.released_at or now})
            for a in appraisals
            if a.rank != ranks.get(a.id) or a.released_at is None
        ]
        released = sum(1 for a, _values in changes if a.released_at is None)
        _store(changes)
        tally = tally.then(released, len(appraisals), appraisals[-1].id)
        yield tally
    review.status = "released"
    db.session.flush()


def release(review: Review, spec: TemplateSpec, *, chunk: int = CHUNK) -> int:
    """Publish the finalized results to the people (and rank them); returns how many were released."""
    if not waiting_release(review):
        raise Invalid({"_": _("Nothing finalized is waiting to be released.")})
    return _last(releasing(review, utcnow(), chunk=chunk)).done
