"""Benchmark the long work of a whole company as jobs: finalizing and releasing a review (issue 9:
10,000 appraisals, 20 s), then the big exports (results.xlsx for everyone, 10 s; the 周报 XLSX of
the head of 1,000+, 3 s; the people export).

    .venv/bin/python -m bench.review_jobs [--people 10000] [--url postgresql://...]

It starts a throwaway PostgreSQL (tests/pg.py) unless --url names an empty database, generates
the company as `flask --app okr bench seed` does, opens the last closed full review again (its
results, ranks, releases, acknowledgements, plans and overrides undone; the inputs stay), then
asks for the finalize job and then the release job, as the calibration page does, then for each
export job as its page does, and runs each as a worker does (okr.jobs.runner.run_job, in this
process): wall time, SQL statements and, for an export, the file's size.
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
from okr.bench.org import ACCOUNTS
from okr.bench.seed import FULL_TEMPLATE, seed
from okr.calibration.jobs import FINALIZE, RELEASE
from okr.cycles.models import Cycle
from okr.db import local_date, utcnow
from okr.extensions import db
from okr.files.models import StoredFile
from okr.jobs.models import Job
from okr.jobs.runner import run_job
from okr.jobs.services import submit
from okr.org.models import Person
from okr.people.exporting import PEOPLE, people_params
from okr.rankings.export import RESULTS, results_params
from okr.rankings.queries import RankingFilter, seen_by
from okr.reviews.models import (
    Appraisal,
    CalibrationChange,
    ImprovementItem,
    ImprovementPlan,
    Review,
    ReviewTemplate,
)
from okr.team.exports import WEEKLY, weekly_params
from okr.team.weekly import cycle_weeks, report_week
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


def run(kind: str, params: dict[str, Any], actor_id: int) -> dict[str, Any]:
    """Ask for the job as the page does, then run it as a worker does: seconds and statements."""
    with unit_of_work():
        job_id = submit(kind, {**params, "locale": "zh"}, actor_id, key="bench").id
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
    size = db.session.scalar(select(StoredFile.size).where(StoredFile.id == job.file_id))
    return {
        "kind": kind,
        "seconds": seconds,
        "statements": statements[0],
        "done": job.done,
        "message": job.message or "",
        "kb": (size or 0) / 1024,
    }


def exports(review_id: int) -> list[tuple[str, dict[str, Any], int]]:
    """The big exports, asked for as their pages do: (kind, parameters, who asks)."""
    people = {
        role: db.session.scalars(select(Person).where(Person.email == ACCOUNTS[role])).one()
        for role in ("head", "hr")
    }
    review = db.session.get_one(Review, review_id)
    cycle = db.session.scalars(select(Cycle).where(Cycle.is_current)).one()
    week = report_week(cycle_weeks(cycle), local_date(utcnow()))
    everyone = RankingFilter(seen_by(review, people["hr"]), None, None, None)
    return [
        (RESULTS, results_params(review, people["hr"], None, everyone), people["hr"].id),
        (WEEKLY, weekly_params(cycle, people["head"], None, week), people["head"].id),
        (PEOPLE, people_params("xlsx", "zh", utcnow()), people["hr"].id),
    ]


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
                figures = run(kind, {"review_id": review_id}, actor_id)
                total += figures["seconds"]
                print(
                    f"{kind}: {figures['seconds']:.1f} s, {figures['statements']:,} statements,"
                    f" {figures['done']:,} appraisals; {figures['message']}"
                )
            print(f"finalize + release: {total:.1f} s")
            for kind, params, asker in exports(review_id):
                figures = run(kind, params, asker)
                print(
                    f"{kind}: {figures['seconds']:.2f} s, {figures['statements']:,} statements,"
                    f" {figures['kb']:,.0f} KB"
                )
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
