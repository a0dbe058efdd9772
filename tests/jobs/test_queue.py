"""Jobs on a real queue: real worker processes, on the embedded SQLite queue and on Redis.

Each test runs on both databases and both queue backends. The worker is `flask --app okr jobs
worker`, as deployed; the test kinds are in tests/jobs/kinds.py.
"""

from __future__ import annotations

import signal
from pathlib import Path

from sqlalchemy import func, select

from okr.extensions import db
from okr.files.models import StoredFile
from okr.jobs.models import Job
from okr.jobs.services import submit
from okr.unit_of_work import unit_of_work
from tests.jobs.harness import wait_for


def _submit(kind: str, key: str | None = None, actor_id: int | None = None, **params) -> int:
    with unit_of_work():
        job = submit(kind, params, actor_id, key=key)
    return job.id


def _job(job_id: int) -> Job:
    return db.session.get(Job, job_id)


def _ended(job_id: int) -> Job | None:
    job = _job(job_id)
    return job if job.status in ("done", "failed") else None


def test_a_job_runs_to_the_end_with_its_progress_and_file(workers, queue_app):
    workers.start()
    job_id = _submit("test.numbers", count=5)
    job = wait_for(lambda: _ended(job_id), "the job to end")
    assert (job.status, job.done, job.total, job.attempts) == ("done", 5, 5, 1), workers.log()
    assert job.active_key is None and job.finished_at is not None
    stored = db.session.get(StoredFile, job.file_id)
    assert stored.content == b"1\n2\n3\n4\n5" and stored.size == 9


def test_a_transient_failure_is_retried_and_a_bug_fails_with_its_reason(workers, queue_app):
    workers.start()
    flaky = _submit("test.flaky", failures=2)
    broken = _submit("test.broken")
    flaky_job = wait_for(lambda: _ended(flaky), "the flaky job")
    broken_job = wait_for(lambda: _ended(broken), "the broken job")
    assert (flaky_job.status, flaky_job.attempts) == ("done", 3), workers.log()
    assert (broken_job.status, broken_job.attempts, broken_job.failure) == ("failed", 1, "error")
    assert "ValueError: this job cannot work" in broken_job.error


def test_a_job_that_keeps_failing_transiently_fails_after_its_last_attempt(workers, queue_app):
    workers.start()
    job_id = _submit("test.flaky", failures=5)  # more failures than its 3 attempts
    job = wait_for(lambda: _ended(job_id), "the flaky job")
    assert (job.status, job.attempts, job.failure) == ("failed", 3, "error")
    assert "OperationalError" in job.error


def test_the_same_job_asked_twice_while_active_is_one_job(workers, queue_app):
    first = _submit("test.gated", key="review-7", name="twice")
    second = _submit("test.gated", key="review-7", name="twice")
    assert first == second
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    workers.start()
    (Path(queue_app.instance_path) / "release-twice").touch()
    assert wait_for(lambda: _ended(first), "the job").status == "done"
    third = _submit("test.gated", key="review-7", name="twice")  # ended: a new one may start
    assert third != first


def test_a_kind_never_runs_more_than_its_cap_at_once(workers, queue_app):
    workers.start(workers=3)
    ids = [_submit("test.gated", name=f"cap{n}") for n in range(2)]
    started = Path(queue_app.instance_path)
    wait_for(
        lambda: _job(ids[0]).status == "running" or _job(ids[1]).status == "running", "a start"
    )
    running = [i for i in ids if _job(i).status == "running"]
    assert len(running) == 1  # test.gated's cap is 1, though three worker threads are free
    first = running[0]
    other = ids[1 - ids.index(first)]
    assert _job(other).status == "queued"
    (started / f"release-cap{ids.index(first)}").touch()
    assert wait_for(lambda: _ended(first), "the first").status == "done"
    (started / f"release-cap{ids.index(other)}").touch()
    assert wait_for(lambda: _ended(other), "the second").status == "done"


def test_a_job_whose_worker_is_killed_runs_again_on_another_worker(workers, queue_app):
    doomed = workers.start()
    job_id = _submit("test.gated", name="killed")
    folder = Path(queue_app.instance_path)
    wait_for(lambda: (folder / "started-killed-1").exists(), "the first attempt to start")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(10)
    assert _job(job_id).status == "running"  # nobody told the database
    workers.start()
    wait_for(lambda: (folder / "started-killed-2").exists(), "the second attempt", timeout=20)
    (folder / "release-killed").touch()
    job = wait_for(lambda: _ended(job_id), "the job")
    assert (job.status, job.attempts, job.done) == ("done", 2, 2), workers.log()


def test_a_job_killed_on_its_last_attempt_is_failed_not_left_running(workers, queue_app):
    folder = Path(queue_app.instance_path)
    job_id = _submit("test.gated", name="twice-killed")  # max_attempts = 2
    for attempt in (1, 2):
        worker = workers.start()
        wait_for(
            lambda a=attempt: (folder / f"started-twice-killed-{a}").exists(), f"attempt {attempt}"
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    workers.start()  # its sweeper notices the lost job
    job = wait_for(lambda: _ended(job_id), "the job to be failed", timeout=20)
    assert (job.status, job.failure, job.attempts) == ("failed", "worker_lost", 2)
    assert job.active_key is None
