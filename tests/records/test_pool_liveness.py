"""A pool process asks whether the job worker still runs before relying on its parent-death
signal: a worker killed but not yet reaped (a zombie) does not run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from okr.records.pool import _alive

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def test_a_killed_process_not_yet_reaped_is_not_alive():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert _alive(child.pid)
        child.send_signal(signal.SIGKILL)
        deadline = time.monotonic() + 10
        while " Z " not in Path(f"/proc/{child.pid}/stat").read_text() + " ":
            assert time.monotonic() < deadline, "the child did not become a zombie"
            time.sleep(0.01)
        assert not _alive(child.pid)  # killed, not reaped: signal 0 alone would say it runs
    finally:
        child.kill()
        child.wait()
    assert not _alive(child.pid)
