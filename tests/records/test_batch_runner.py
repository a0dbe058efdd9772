"""A record batch never stays "running" after its process died: real runners, killed or hung."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from okr.db import utcnow
from okr.extensions import db
from okr.records.batch import batch_folder
from okr.records.models import RecordBatch
from tests.helpers import text

T = TypeVar("T")

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def wait_for(condition: Callable[[], T], what: str, seconds: float = 90) -> T:
    """Poll until the condition holds (a process or a row changing state), failing after a bound."""
    deadline = time.monotonic() + seconds
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {seconds} s waiting for {what}")
        time.sleep(0.05)
    return value


def batches() -> list[RecordBatch]:
    db.session.rollback()  # see what the runner committed meanwhile
    return db.session.query(RecordBatch).order_by(RecordBatch.id).all()


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in "ZX"


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] not in "ZX":
                found.append(int(entry.name))
    return found


def end(*pids: int) -> None:
    """Clean up the processes this test started (by their ids), whatever happened."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def start_batch(client, world) -> str:
    response = client.post(
        f"/records/reviews/{world.appraisal.review_id}/batches",
        data={"department_id": world.team.id, "combined": "y"},
    )
    assert response.status_code == 303
    return response.headers["Location"]


def running_batch() -> RecordBatch:
    def running() -> RecordBatch | None:
        batch = batches()[-1]
        if batch.status == "failed":
            pytest.fail(f"the batch failed before the test could stop it: {batch.error}")
        return batch if batch.status == "running" and batch.runner_pid else None

    return wait_for(running, "the runner to start")


def test_a_killed_batch_shows_failed_at_once_and_starts_again(app, client, login, world):
    login(world.hr)
    url = start_batch(client, world)
    batch = running_batch()
    pid = batch.runner_pid
    workers = wait_for(lambda: children(pid), "the pool's processes") if os.cpu_count() > 1 else []
    try:
        assert batch.done < batch.total
        os.kill(pid, signal.SIGKILL)  # as the OOM killer would: no clean-up runs
        wait_for(lambda: not alive(pid), "the runner to die", 10)

        page = text(client.get(url))

        assert (
            f"The batch failed: the process producing the records ({pid} on {batch.runner_host})"
            " stopped after" in page
        )
        assert "the work goes on" not in page and "hx-trigger" not in page
        assert "Start again" in page
        listed = text(client.get(f"/records/reviews/{world.appraisal.review_id}"))
        assert f"#{batch.id}" in listed and "failed" in listed
        failed = batches()[-1]
        assert (failed.status, failed.failure) == ("failed", "runner_gone")
        assert failed.finished_at is not None
        assert not (batch_folder(app) / f"records-{batch.id}.zip").exists()
        # The pool's processes do not outlive the runner either.
        wait_for(lambda: not any(alive(w) for w in workers), "the pool's processes to end", 30)
    finally:
        end(pid, *workers)

    again = client.post(f"/records/batches/{batch.id}/again")

    assert again.status_code == 303
    old, new = batches()
    assert again.headers["Location"].endswith(f"/records/batches/{new.id}")
    assert (old.status, new.department_id, new.combined) == ("failed", world.team.id, True)
    done = wait_for(lambda: batches()[-1].status in ("done", "failed"), "the new batch", 120)
    assert done and batches()[-1].status == "done", batches()[-1].error
    assert "Download ZIP" in text(client.get(again.headers["Location"]))


def test_a_hung_batch_fails_after_the_heartbeat_timeout_and_its_runner_stops(
    app, client, login, world
):
    login(world.hr)
    url = start_batch(client, world)
    batch = running_batch()
    pid = batch.runner_pid
    workers = children(pid)
    try:
        os.kill(pid, signal.SIGSTOP)  # alive, but silent
        app.config["RECORD_BATCH_TIMEOUT_SECONDS"] = 2
        started = time.monotonic()

        page = wait_for(
            lambda: "The batch failed" in (body := text(client.get(url))) and body,
            "the page to count the batch as failed",
            30,
        )

        assert time.monotonic() - started < 10
        assert "gave no sign of life for more than 2 seconds" in page
        assert "Start again" in page and "hx-trigger" not in page
        assert batches()[-1].failure == "no_heartbeat"

        os.kill(pid, signal.SIGCONT)  # the runner wakes up, sees it lost the batch and stops
        wait_for(lambda: not alive(pid), "the runner to stop by itself", 60)
        after = batches()[-1]
        assert (after.status, after.failure, after.path) == ("failed", "no_heartbeat", "")
        assert not (batch_folder(app) / f"records-{batch.id}.zip").exists()
    finally:
        end(pid, *workers)


def test_a_batch_whose_process_never_started_fails_after_the_timeout(client, login, world):
    login(world.hr)
    stale = RecordBatch(
        review_id=world.appraisal.review_id,
        locale="zh",
        created_by_id=world.hr.id,
        created_at=utcnow() - timedelta(minutes=6),
    )
    fresh = RecordBatch(review_id=world.appraisal.review_id, locale="zh", created_by_id=world.hr.id)
    db.session.add_all([stale, fresh])
    db.session.commit()

    page = text(client.get(f"/records/batches/{stale.id}"))
    waiting = client.get(f"/records/batches/{fresh.id}").get_data(as_text=True)

    assert "The batch failed: the process producing the records did not start." in page
    assert "Start again" in page
    assert 'hx-trigger="every 1s"' in waiting


def test_a_runner_on_another_host_is_judged_by_its_heartbeat(app, client, login, world):
    login(world.hr)
    batch = RecordBatch(
        review_id=world.appraisal.review_id,
        locale="zh",
        created_by_id=world.hr.id,
        status="running",
        total=13,
        runner_pid=1,  # on that host; nobody here can tell
        runner_host="records-2.internal",
        heartbeat_at=utcnow() - timedelta(seconds=30),
    )
    db.session.add(batch)
    db.session.commit()

    still = client.get(f"/records/batches/{batch.id}").get_data(as_text=True)
    app.config["RECORD_BATCH_TIMEOUT_SECONDS"] = 20
    failed = text(client.get(f"/records/batches/{batch.id}"))

    assert 'hx-trigger="every 1s"' in still
    assert "gave no sign of life for more than 20 seconds" in failed and "after 0 of 13" in failed


def test_start_again_only_for_a_failed_batch_and_only_by_hr(client, login, world):
    running = RecordBatch(
        review_id=world.appraisal.review_id,
        locale="zh",
        created_by_id=world.hr.id,
        status="running",
        runner_pid=os.getpid(),
        runner_host=socket.gethostname(),
        heartbeat_at=utcnow(),
    )
    db.session.add(running)
    db.session.commit()
    for who in (world.manager, world.person):
        login(who)
        assert client.post(f"/records/batches/{running.id}/again").status_code == 403
    login(world.hr)

    response = client.post(f"/records/batches/{running.id}/again")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/records/batches/{running.id}")
    assert len(batches()) == 1


def test_the_command_refuses_a_batch_that_is_not_queued(runner, world):
    batch = RecordBatch(
        review_id=world.appraisal.review_id, locale="zh", created_by_id=world.hr.id, status="failed"
    )
    db.session.add(batch)
    db.session.commit()

    result = runner.invoke(args=["records", "run-batch", str(batch.id)])

    assert result.exit_code == 1
    assert "is not queued or was counted as failed" in result.output
    assert batches()[0].status == "failed"
