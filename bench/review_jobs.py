"""Benchmark finalizing and releasing a whole review as jobs (issue 9: 10,000 appraisals, 20 s).

    .venv/bin/python -m bench.review_jobs [--people 10000] [--url postgresql://...]

It starts a throwaway PostgreSQL (tests/pg.py) unless --url names an empty database, generates
the company as `flask --app okr bench seed` does, opens the last closed full review again (its
results, ranks, releases, acknowledgements, plans and overrides undone; the inputs stay), then
asks for the finalize job and then the release job, as the calibration page does, and runs each
as a worker does (okr.jobs.runner.run_job, in this process): wall time and SQL statements.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import delete, event, func, select, update

from okr import create_app
from okr.bench.bulk import analyze
from okr.bench.seed import FULL_TEMPLATE, seed
from okr.calibration.jobs import FINALIZE, RELEASE
from okr.extensions import db
from okr.jobs.models import Job
from okr.jobs.runner import run_job
from okr.jobs.services import submit
from okr.reviews.models import (
    Appraisal,
    CalibrationChange,
    ImprovementItem,
    ImprovementPlan,
    Review,
    ReviewTemplate,
)
from okr.unit_of_work import unit_of_work
from tests import pg


def reopen() -> Review:
    """The last closed review on the full template, as it was before HR finalized it."""
    review = db.session.scalars(
        select(Review)
        .join(ReviewTemplate, ReviewTemplate.id == Review.template_id)
        .where(ReviewTemplate.family == FULL_TEMPLATE)
        .order_by(Review.id.desc())
    ).first()
    assert review is not None, "the generated company has no full review"
    mine = select(Appraisal.id).where(Appraisal.review_id == review.id)
    plans = select(ImprovementPlan.id).where(ImprovementPlan.appraisal_id.in_(mine))
    db.session.execute(delete(ImprovementItem).where(ImprovementItem.plan_id.in_(plans)))
    db.session.execute(delete(ImprovementPlan).where(ImprovementPlan.appraisal_id.in_(mine)))
    db.session.execute(delete(CalibrationChange).where(CalibrationChange.appraisal_id.in_(mine)))
    db.session.execute(
        update(Appraisal)
        .where(Appraisal.review_id == review.id)
        .values(
            status="interviewed",
            result=None,
            final_grade=None,
            rank=None,
            finalized_at=None,
            released_at=None,
            acknowledged_at=None,
            acknowledgement=None,
            acknowledgement_note="",
        )
        .execution_options(synchronize_session=False)
    )
    review.status = "open"
    return review


def run(kind: str, review_id: int, actor_id: int) -> dict[str, Any]:
    """Ask for the job as the page does, then run it as a worker does: seconds and statements."""
    with unit_of_work():
        job_id = submit(kind, {"review_id": review_id, "locale": "zh"}, actor_id, key="bench").id
    statements = [0]

    def count(*_args: Any) -> None:
        statements[0] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    started = time.perf_counter()
    try:
        run_job(job_id)
    finally:
        seconds = time.perf_counter() - started
        event.remove(db.engine, "before_cursor_execute", count)
    job = db.session.get(Job, job_id)
    assert job.status == "done", job.error
    return {
        "kind": kind,
        "seconds": seconds,
        "statements": statements[0],
        "done": job.done,
        "message": job.message,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--url", help="an empty database (default: a throwaway PostgreSQL)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="okr-bench-"))
    os.environ["OKR_INSTANCE_PATH"] = str(folder)
    with ExitStack() as stack:
        url = args.url or stack.enter_context(pg.running_server())
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            seed(args.people)
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                analyze(connection)
            print(f"generated {args.people:,} people in {time.perf_counter() - started:.1f} s")
            review = reopen()
            review_id, actor_id = review.id, review.created_by_id
            appraisals = db.session.scalar(
                select(func.count()).where(Appraisal.review_id == review_id)
            )
            db.session.commit()
            print(f"review {review_id}: {appraisals:,} appraisals, open again")
            total = 0.0
            for kind in (FINALIZE, RELEASE):
                figures = run(kind, review_id, actor_id)
                total += figures["seconds"]
                print(
                    f"{kind}: {figures['seconds']:.1f} s, {figures['statements']:,} statements,"
                    f" {figures['done']:,} appraisals; {figures['message']}"
                )
            print(f"finalize + release: {total:.1f} s")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
