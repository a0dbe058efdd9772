"""Finalizing and releasing a whole review in chunks: what one appraisal at a time stores, in a
number of queries that grows with the chunks, not with the appraisals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from okr.calibration import live, results
from okr.calibration.results import finalize, finalize_all, release
from okr.db import dated
from okr.errors import StaleEdit
from okr.extensions import db
from okr.reviews.models import Appraisal, Review
from tests.factories import one_at_a_time, stored_results, varied_review

MOMENT = datetime(2026, 12, 9, 10, 30, tzinfo=UTC)


def test_chunks_store_the_figures_ranks_grades_and_plans_of_one_at_a_time(
    make_person, make_department
):
    org = varied_review(make_person, make_department, people=30)
    review = org.reviews[-1]
    # an override before the batch: its audit row and grade stay, its appraisal is skipped
    overridden = org.appraisal(org.staff[0])
    with dated(MOMENT):  # both paths write at one moment, so every field can be compared
        finalize(overridden, org.spec)
        results.override(overridden, org.spec, "优秀", "校准会决定", org.hr, None)
    db.session.commit()

    one_finalized, one_released = one_at_a_time(org, MOMENT)
    db.session.rollback()
    with dated(MOMENT):
        done, left = finalize_all(db.session.get(Review, review.id), org.spec, chunk=7)
    batch_finalized = stored_results(review)
    with dated(MOMENT):
        released = release(db.session.get(Review, review.id), org.spec, chunk=7)
    batch_released = stored_results(review)
    db.session.rollback()

    rows = one_finalized["appraisals"].values()
    assert (done + 1, left) == (  # the overridden one was finalized before
        sum(1 for r in rows if r["finalized_at"] is not None),
        sum(1 for r in rows if r["finalized_at"] is None),
    )
    assert done >= 10 and left >= 5, (done, left)  # the data is varied enough to mean something
    assert len(one_finalized["plans"]) >= 5 and len(one_finalized["changes"]) == 1
    assert released == done + 1
    assert batch_finalized["appraisals"] == one_finalized["appraisals"]
    assert batch_finalized["plans"] == one_finalized["plans"]
    assert batch_finalized == one_finalized
    assert batch_released == one_released
    ranks = [r["rank"] for r in one_released["appraisals"].values() if r["finalized_at"]]
    assert None not in ranks and len(set(ranks)) > 3


def test_the_session_reads_what_the_chunks_wrote(make_person, make_department):
    org = varied_review(make_person, make_department, people=10)
    review = org.reviews[-1]
    appraisals = list(db.session.scalars(select(Appraisal).where(Appraisal.review_id == review.id)))
    before = {a.id: a.version for a in appraisals}
    finalize_all(review, org.spec, chunk=3)
    release(review, org.spec, chunk=3)
    in_session = {
        a.id: (a.version, a.final_grade, a.composite, a.rank, a.released_at) for a in appraisals
    }
    db.session.expire_all()
    stored = {
        a.id: (a.version, a.final_grade, a.composite, a.rank, a.released_at)
        for a in db.session.scalars(select(Appraisal).where(Appraisal.review_id == review.id))
    }
    assert in_session == stored
    assert any(stored[i][0] > v for i, v in before.items())


def test_a_chunk_saved_into_meanwhile_is_refused_whole(make_person, make_department, monkeypatch):
    org = varied_review(make_person, make_department, people=10)
    review = org.reviews[-1]
    read = live.chunk_inputs

    def someone_saves(review, appraisals):
        first = appraisals[0]
        db.session.execute(  # as a save on another connection would, after the chunk was read
            update(Appraisal.__table__)
            .where(Appraisal.id == first.id)
            .values(version=Appraisal.__table__.c.version + 1)
        )
        return read(review, appraisals)

    monkeypatch.setattr(results, "chunk_inputs", someone_saves)
    with pytest.raises(StaleEdit):
        finalize_all(review, org.spec, chunk=50)


FINALIZE_PER_CHUNK = 10
"""The chunk, its objectives, forms and adjustments, the UPDATE; for plans: those there already,
the key results, the plans' INSERT, their ids, the items' INSERT."""
RELEASE_PER_CHUNK = 2
"""The chunk and the UPDATE."""


def test_queries_grow_with_the_chunks_not_the_appraisals(
    make_person, make_department, count_queries
):
    counts: dict[tuple[str, int, int], int] = {}
    for size, day in ((20, date(2026, 11, 21)), (60, date(2027, 2, 21))):
        org = varied_review(make_person, make_department, people=size, day=day, tag=str(size))
        review_id = org.reviews[-1].id
        for chunk in (10, 1000):
            with count_queries() as queries:
                finalize_all(db.session.get(Review, review_id), org.spec, chunk=chunk)
            counts["finalize", size, chunk] = queries.count
            with count_queries() as queries:
                release(db.session.get(Review, review_id), org.spec, chunk=chunk)
            counts["release", size, chunk] = queries.count
            db.session.rollback()
    for name, per_chunk in (("finalize", FINALIZE_PER_CHUNK), ("release", RELEASE_PER_CHUNK)):
        # one chunk: the same statements for 20 appraisals as for 60
        assert counts[name, 20, 1000] == counts[name, 60, 1000], counts
        # chunks of 10: at most a fixed number more for each further chunk (2 at 20, 6 at 60)
        assert counts[name, 20, 10] - counts[name, 20, 1000] <= 1 * per_chunk, counts
        assert counts[name, 60, 10] - counts[name, 60, 1000] <= 5 * per_chunk, counts
        assert counts[name, 60, 10] > counts[name, 20, 10], counts
