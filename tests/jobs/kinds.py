"""Job kinds for the queue's tests, loaded by workers through OKR_JOB_MODULES=tests.jobs.kinds.

Each behaves as a real handler does (progress, checkpoints, a file); the test steers the slow one
through a file in the instance folder instead of timing it.
"""

from __future__ import annotations

import time
from pathlib import Path

from flask import current_app
from sqlalchemy.exc import OperationalError

from okr.jobs.registry import job_kind
from okr.jobs.runner import JobContext


def _numbers(context: JobContext, count: int) -> None:
    for done in range(1, count + 1):
        context.progress(done, count)
        context.checkpoint()
    content = "\n".join(str(n) for n in range(1, count + 1)).encode()
    context.save_file("numbers.txt", "text/plain", content)


@job_kind("test.numbers", "Numbers", concurrency=2)
def numbers(context: JobContext) -> None:
    """Counts to `count`, committing progress at each step, and keeps the list as a file."""
    _numbers(context, context.params["count"])


@job_kind("test.flaky", "Flaky", max_attempts=3, retry_delay=0.1)
def flaky(context: JobContext) -> None:
    """Fails with a transient database error on its first `failures` attempts."""
    if context.job.attempts <= context.params["failures"]:
        raise OperationalError("SELECT 1", {}, ConnectionError("the connection dropped"))
    _numbers(context, 3)


@job_kind("test.broken", "Broken")
def broken(context: JobContext) -> None:
    raise ValueError("this job cannot work")


def release_file(name: str) -> Path:
    return Path(current_app.instance_path) / f"release-{name}"


@job_kind("test.gated", "Gated", concurrency=1, max_attempts=2)
def gated(context: JobContext) -> None:
    """Marks itself started, then waits until the test creates its release file."""
    name = context.params["name"]
    (Path(current_app.instance_path) / f"started-{name}-{context.job.attempts}").touch()
    while not release_file(name).exists():
        time.sleep(0.02)
    _numbers(context, 2)
