"""A record batch never stays "running" after its worker died: real workers killed with kill -9.

The job system's sweeper (every worker runs one) notices the silent job and queues it again,
or fails it after its last attempt; the worker's rendering processes die with it.
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import update

from okr.extensions import db
from okr.jobs.models import Job
from okr.unit_of_work import unit_of_work
from tests.helpers import text
from tests.jobs.harness import wait_for
from tests.records.batches import alive, batches, descendants, grandchildren, job_of, stored_zip

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def start_batch(client, world) -> str:
    response = client.post(
        f"/records/reviews/{world.appraisal.review_id}/batches",
        data={"department_id": world.team.id, "combined": "y"},
    )
    assert response.status_code == 303
    return response.headers["Location"]


def kill_while_rendering(worker, batch_id: int) -> Job:
    """Wait until the worker renders the batch on its pool, then kill it as the OOM killer would."""
    pool = wait_for(
        lambda: job_of(batch_id).status == "running" and grandchildren(worker.pid),
        "the worker's pool to render the batch",
        120,
    )
    family = descendants(worker.pid)
    try:
        worker.send_signal(signal.SIGKILL)  # no clean-up runs
        worker.wait(10)
        job = job_of(batch_id)
        assert job.status == "running" and job.done < job.total  # nobody told the database
        # The rendering processes and the fork server do not outlive the worker.
        wait_for(lambda: not any(alive(p) for p in family), "the worker's processes to end", 90)
    finally:
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    assert pool
    return job


def test_a_batch_whose_worker_is_killed_is_queued_again_and_made_by_another(
    client, login, world, job_workers
):
    login(world.hr)
    url = start_batch(client, world)
    (batch,) = batches()
    doomed = job_workers.start()

    kill_while_rendering(doomed, batch.id)
    job_workers.start()
    job = wait_for(lambda: job_of(batch.id).status in ("done", "failed"), "the batch", 120)

    job = job_of(batch.id)
    assert (job.status, job.attempts, job.done, job.total) == ("done", 2, 4, 4), job.error
    assert len(stored_zip(job).namelist()) == 5  # four records and the combined PDF
    assert "4 records are ready." in text(client.get(url))


def test_a_batch_killed_on_its_last_attempt_fails_and_can_be_started_again(
    client, login, world, job_workers
):
    login(world.hr)
    url = start_batch(client, world)
    (batch,) = batches()
    with unit_of_work():  # as if this were its third attempt of three
        db.session.execute(update(Job).where(Job.id == batch.job_id).values(max_attempts=1))
    doomed = job_workers.start()

    killed = kill_while_rendering(doomed, batch.id)
    job_workers.start()  # its sweeper notices the lost job
    job = wait_for(lambda: job_of(batch.id).status != "running", "the batch to be failed", 60)

    job = job_of(batch.id)
    assert (job.status, job.failure, job.attempts) == ("failed", "worker_lost", 1)
    page = text(client.get(url))
    assert (
        "The batch failed: the worker producing the records stopped during its last attempt"
        f" (1 of 1), after {killed.done} of 4 records." in page
    )
    assert "Start again" in page and "hx-trigger" not in page
    again = client.post(f"{url}/again")
    assert again.status_code == 303
    _old, new = batches()
    assert again.headers["Location"].endswith(f"/records/batches/{new.id}")
    job = wait_for(lambda: job_of(new.id).status in ("done", "failed"), "the new batch", 120)
    assert job_of(new.id).status == "done"
