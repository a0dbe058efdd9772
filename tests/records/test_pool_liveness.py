"""A record pool's processes end with the process that started them, even when it is killed
with kill -9 while they work: nothing else would end them, not even the fork server (each of
them keeps it alive)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.records.batches import alive, descendants, grandchildren

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

# A worker whose pool processes are set up as a record batch's are, each busy for a minute.
BUSY_POOL = textwrap.dedent(
    """
    import multiprocessing, time
    from concurrent.futures import ProcessPoolExecutor
    from okr.records.pool import _end_with_worker

    if __name__ == "__main__":
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(3, mp_context=context, initializer=_end_with_worker) as pool:
            list(pool.map(time.sleep, [60] * 6))
    """
)


def test_pool_processes_end_when_their_worker_is_killed(tmp_path):
    script = tmp_path / "worker.py"
    script.write_text(BUSY_POOL)
    root = str(Path(__file__).parents[2])
    worker = subprocess.Popen([sys.executable, str(script)], env={**os.environ, "PYTHONPATH": root})
    family: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(grandchildren(worker.pid)) < 3:  # the pool, under its fork server
            assert worker.poll() is None and time.monotonic() < deadline, "no pool started"
            time.sleep(0.05)
        time.sleep(0.5)  # each has taken its first minute of work
        family = descendants(worker.pid)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        deadline = time.monotonic() + 20
        while any(alive(pid) for pid in family):
            assert time.monotonic() < deadline, [pid for pid in family if alive(pid)]
            time.sleep(0.05)
    finally:
        worker.kill()
        worker.wait()
        for pid in family:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
