"""CPU time spent by the app's workers, the database's backends and this process, from /proc.

For the load benchmarks: which side a request's time goes to when the machine is the limit.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from okr.config import normalise_database_url

TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class Usage:
    """CPU seconds by side; `busy` and `wall` are the whole machine's (all cores)."""

    app: float = 0.0
    database: float = 0.0
    client: float = 0.0
    busy: float = 0.0
    wall: float = 0.0
    backends: dict[int, float] = field(default_factory=dict)

    def __sub__(self, before: Usage) -> Usage:
        database = sum(
            seconds - before.backends.get(pid, 0.0) for pid, seconds in self.backends.items()
        )
        return Usage(
            self.app - before.app,
            database,
            self.client - before.client,
            self.busy - before.busy,
            self.wall - before.wall,
        )

    def per(self, count: int) -> str:
        """In words: milliseconds of CPU per item by side, and how busy the machine was."""
        if not count:
            return "nothing saved"
        cores = os.cpu_count() or 1
        share = self.busy / (self.wall * cores) * 100 if self.wall else 0.0
        return (
            f"app (gunicorn workers) {self.app / count * 1000:.2f} ms, database (its backends) "
            f"{self.database / count * 1000:.2f} ms, benchmark client "
            f"{self.client / count * 1000:.2f} ms; the machine's {cores} cores were "
            f"{share:.0f}% busy (everything on it, other work included)"
        )


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                found.append(int(entry.name))
    return found


def _backends(url: str) -> dict[int, float]:
    """The PostgreSQL server processes serving this database (none for SQLite: it is in-app)."""
    if make_url(normalise_database_url(url)).get_backend_name() != "postgresql":
        return {}
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            pids = connection.scalars(
                text(
                    "SELECT pid FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).all()
    finally:
        engine.dispose()
    return {pid: _cpu(pid) for pid in pids}


def _machine() -> tuple[float, float]:
    """All cores' busy and wall seconds since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICK, sum(values) / TICK / (os.cpu_count() or 1)


def usage(server: int, url: str) -> Usage:
    """CPU so far of the server's workers, the database's backends and this process."""
    workers = sum(_cpu(pid) for pid in [server, *_children(server)])
    own = os.times()
    busy, wall = _machine()
    return Usage(workers, 0.0, own.user + own.system, busy, wall, _backends(url))
