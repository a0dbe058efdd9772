"""Finalize and release from the calibration page run as jobs: the board follows them, a worker
does the work a chunk at a time, and the result is what finalizing one appraisal at a time gives.

The first test runs real `flask jobs worker` processes (on both queues and both databases); the
others run the queued job in this process (`run_jobs`), as a worker would.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from okr.calibration import results
from okr.extensions import db
from okr.jobs.models import Job
from okr.jobs.runner import JobContext
from okr.reviews.models import Appraisal, Review
from tests.factories import Org, one_at_a_time, stored_results, varied_review
from tests.helpers import flashes, text
from tests.jobs.harness import wait_for

MOMENT = datetime(2026, 12, 9, 10, 30, tzinfo=UTC)


def _base(review: Review) -> str:
    return f"/reviews/{review.id}/calibration"


def _jobs() -> list[Job]:
    return list(db.session.scalars(select(Job).order_by(Job.id)))


def _ended(job_id: int) -> Job | None:
    job = db.session.get(Job, job_id)
    return job if job.status in ("done", "failed") else None


def _as_asked(stored: dict[str, Any], *jobs: Job) -> dict[str, Any]:
    """The rows with each job's stamp (the moment it was asked for) read as MOMENT."""
    stamps = {job.created_at for job in jobs}
    for row in stored["appraisals"].values():
        for key in ("finalized_at", "released_at"):
            if row[key] in stamps:
                row[key] = MOMENT
    return stored


def _expected(org: Org) -> tuple[dict[str, Any], dict[str, Any]]:
    """What finalizing and releasing one appraisal at a time store (then undone)."""
    finalized, released = one_at_a_time(org, MOMENT)
    db.session.rollback()
    return finalized, released


def _finalize_button(board: str) -> str:
    return re.search(
        r"<button[^>]*>Finalize the complete ones of \d+ open appraisals?</button>", board
    ).group(0)


def test_finalize_and_release_through_the_page_with_a_worker(
    client, login, make_person, make_department, workers, monkeypatch
):
    org = varied_review(make_person, make_department, people=30)
    review = org.reviews[-1]
    finalized, released = _expected(org)
    base = _base(review)
    hr = login(org.hr)

    # the button asks for the job; a second click finds it; the board says it is waiting
    assert hr.post(f"{base}/finalize").status_code == 303
    assert hr.post(f"{base}/finalize").status_code == 303
    (job,) = _jobs()
    assert (job.kind, job.status, job.created_by_id) == ("review.finalize", "queued", org.hr.id)
    board = text(hr.get(base))
    assert 'id="calibration-job"' in board and "Finalizing a review" in board
    assert "Waiting for a worker…" in board and "disabled" in _finalize_button(board)
    refused = hr.post(f"{base}/release", follow_redirects=True)
    assert "The review is being finalized or released; wait until it ends." in flashes(refused)
    assert len(_jobs()) == 1
    block = hr.get(f"{base}/jobs/{job.id}", headers={"HX-Request": "true"})
    assert block.status_code == 200 and "<html" not in text(block)
    assert text(block).lstrip().startswith('<section class="card notice" id="calibration-job"')

    monkeypatch.setenv("OKR_REVIEW_JOB_CHUNK", "7")  # five chunks, five commits
    workers.start()
    job = wait_for(lambda: _ended(job.id), "the finalize job")
    assert (job.status, job.attempts, job.done, job.total) == ("done", 1, 30, 30), workers.log()
    done = hr.get(f"{base}/jobs/{job.id}", headers={"HX-Request": "true"})
    assert done.headers["HX-Redirect"] == base
    count = sum(1 for row in finalized["appraisals"].values() if row["finalized_at"])
    left = 30 - count
    message = f"{count} finalized; {left} not complete yet (the status “open” lists them with what each is missing)."
    board = hr.get(base)
    assert message in flashes(board) and 'id="calibration-job"' not in text(board)
    assert job.message == message
    assert _as_asked(stored_results(review), job) == finalized

    assert hr.post(f"{base}/release").status_code == 303
    second = _jobs()[-1]
    assert second.kind == "review.release"
    second = wait_for(lambda: _ended(second.id), "the release job")
    assert (second.status, second.done, second.total) == ("done", count, count), workers.log()
    board = hr.get(f"{base}/jobs/{second.id}", follow_redirects=True)
    assert f"{count} results released and ranked inside each department." in flashes(board)
    assert _as_asked(stored_results(review), job, second) == released


def test_the_board_follows_the_job_chunk_by_chunk(
    app, client, login, make_person, make_department, run_jobs, monkeypatch
):
    org = varied_review(make_person, make_department, people=20)
    base = _base(org.reviews[-1])
    hr = login(org.hr)
    hr.post(f"{base}/finalize")
    (job,) = _jobs()
    app.config["REVIEW_JOB_CHUNK"] = 6
    seen = []
    commit = JobContext.checkpoint

    def look_after_each_commit(context: JobContext) -> None:
        commit(context)
        block = text(hr.get(f"{base}/jobs/{job.id}", headers={"HX-Request": "true"}))
        working = re.search(r"Working: (\d+) of (\d+)…", block)
        bar = re.search(r'<progress max="(\d+)" value="(\d+)">', block)
        seen.append((working.groups(), bar.groups()))

    monkeypatch.setattr(JobContext, "checkpoint", look_after_each_commit)
    run_jobs()
    assert seen == [((str(n), "20"), ("20", str(n))) for n in (0, 6, 12, 18, 20)]
    assert (
        hr.get(f"{base}/jobs/{job.id}", headers={"HX-Request": "true"}).headers["HX-Redirect"]
        == base
    )


def test_a_retried_job_skips_what_it_committed_and_counts_all_it_did(
    app, client, login, make_person, make_department, run_jobs, monkeypatch
):
    org = varied_review(make_person, make_department, people=30)
    review = org.reviews[-1]
    finalized, _released = _expected(org)
    base = _base(review)
    hr = login(org.hr)
    hr.post(f"{base}/finalize")
    app.config["REVIEW_JOB_CHUNK"] = 8
    commits = []
    commit = JobContext.checkpoint

    def connection_lost_after_the_second_chunk(context: JobContext) -> None:
        commit(context)
        commits.append(context.job.done)
        if len(commits) == 3:  # the total, then two chunks committed
            raise OperationalError("COMMIT", {}, ConnectionError("the connection dropped"))

    monkeypatch.setattr(JobContext, "checkpoint", connection_lost_after_the_second_chunk)
    run_jobs()
    (job,) = _jobs()
    assert (job.status, job.attempts) == ("queued", 1)  # to be retried
    partly = db.session.scalar(
        select(func.count()).where(
            Appraisal.review_id == review.id, Appraisal.finalized_at.is_not(None)
        )
    )
    assert 0 < partly < sum(1 for r in finalized["appraisals"].values() if r["finalized_at"])
    monkeypatch.setattr(JobContext, "checkpoint", commit)
    run_jobs()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.attempts) == ("done", 2)
    assert _as_asked(stored_results(review), job) == finalized
    count = sum(1 for row in finalized["appraisals"].values() if row["finalized_at"])
    board = hr.get(f"{base}/jobs/{job.id}", follow_redirects=True)
    assert f"{count} finalized; {30 - count} not complete yet" in " ".join(flashes(board))


def test_a_chunk_somebody_saved_into_is_read_again(
    client, login, make_person, make_department, run_jobs, monkeypatch
):
    if db.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL locks the chunk's rows: no save comes between its read and write")
    org = varied_review(make_person, make_department, people=10)
    review = org.reviews[-1]
    finalized, _released = _expected(org)
    login(org.hr).post(f"{_base(review)}/finalize")
    read, saves = results.chunk_inputs, []

    def someone_saves_once(review, appraisals):
        if not saves:  # a save on another connection, after the chunk was read
            saves.append(appraisals[0].id)
            with db.engine.begin() as connection:
                connection.execute(
                    update(Appraisal.__table__)
                    .where(Appraisal.id == appraisals[0].id)
                    .values(version=Appraisal.__table__.c.version + 1)
                )
        return read(review, appraisals)

    monkeypatch.setattr(results, "chunk_inputs", someone_saves_once)
    run_jobs()
    (job,) = _jobs()
    assert (job.status, job.attempts) == ("done", 1)
    stored = _as_asked(stored_results(review), job)
    version = stored["appraisals"][saves[0]]["version"]  # the save and the finalize after it
    assert version == finalized["appraisals"][saves[0]]["version"] + 1
    stored["appraisals"][saves[0]]["version"] -= 1
    assert stored == finalized


def test_a_failed_job_sends_the_board_to_its_page(
    client, login, make_person, make_department, run_jobs, monkeypatch
):
    org = varied_review(make_person, make_department, people=10)
    base = _base(org.reviews[-1])
    hr = login(org.hr)
    hr.post(f"{base}/finalize")

    def broken(*_args, **_kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("okr.calibration.jobs.finalizing", broken)
    run_jobs()
    (job,) = _jobs()
    assert job.status == "failed"
    poll = hr.get(f"{base}/jobs/{job.id}", headers={"HX-Request": "true"})
    assert poll.headers["HX-Redirect"] == f"/jobs/{job.id}"
    page = hr.get(f"{base}/jobs/{job.id}", follow_redirects=True)
    assert "The job failed." in text(page) and "ValueError: a bug" in text(page)
    assert db.session.scalar(select(func.count()).where(Appraisal.finalized_at.is_not(None))) == 0


def test_only_hr_asks_for_or_follows_the_jobs(client, login, make_person, make_department):
    org = varied_review(make_person, make_department, people=10)
    base = _base(org.reviews[-1])
    login(org.hr).post(f"{base}/finalize")
    (job,) = _jobs()
    for person in (org.managers[0], org.staff[0]):
        login(person)
        assert client.post(f"{base}/finalize").status_code == 403
        assert client.post(f"{base}/release").status_code == 403
        assert client.get(f"{base}/jobs/{job.id}").status_code == 403
    assert [j.id for j in _jobs()] == [job.id]


def test_a_job_of_another_review_is_not_found_on_this_board(
    client, login, make_person, make_department
):
    org = varied_review(make_person, make_department, people=10)
    review = org.reviews[-1]
    other = Review(
        name="其他",
        cycle_id=review.cycle_id,
        template_id=review.template_id,
        self_deadline=review.self_deadline,
        peer_deadline=review.peer_deadline,
        interview_deadline=review.interview_deadline,
        created_by_id=org.hr.id,
    )
    db.session.add(other)
    db.session.commit()
    hr = login(org.hr)
    hr.post(f"{_base(review)}/finalize")
    (job,) = _jobs()
    assert hr.get(f"{_base(other)}/jobs/{job.id}").status_code == 404
    assert hr.get(f"{_base(review)}/jobs/{job.id + 1}").status_code == 404
