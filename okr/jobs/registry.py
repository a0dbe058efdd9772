"""The kinds of job: each feature registers its handlers (listed in okr.wiring.job_kinds)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import DBAPIError, OperationalError

if TYPE_CHECKING:
    from okr.jobs.runner import JobContext

TRANSIENT: tuple[type[BaseException], ...] = (OperationalError, ConnectionError, TimeoutError)
"""Failures worth another attempt (a dropped connection, a lock timeout); others fail the job."""


@dataclass(frozen=True)
class Kind:
    name: str
    title: Any  # what the job page calls it (a lazy string)
    run: Callable[[JobContext], None]
    concurrency: int  # at most this many running at once, across every worker and host
    max_attempts: int
    retry_delay: float  # seconds before the first retry; doubled for each further one
    hr_only: bool  # only HR may follow the job and fetch its file (not even the one who asked)


_kinds: dict[str, Kind] = {}


def job_kind(
    name: str,
    title: Any,
    *,
    concurrency: int = 1,
    max_attempts: int = 3,
    retry_delay: float = 5.0,
    hr_only: bool = False,
) -> Callable[[Callable[[JobContext], None]], Callable[[JobContext], None]]:
    """Register `run(context)` as the handler of jobs of this kind.

    A handler must be idempotent: a retried job (after a transient error or a lost worker) runs
    it again from the start, and `context.checkpoint()` lets it skip what an earlier attempt
    already committed.
    """

    def register(run: Callable[[JobContext], None]) -> Callable[[JobContext], None]:
        _kinds[name] = Kind(name, title, run, concurrency, max_attempts, retry_delay, hr_only)
        return run

    return register


_worker_starts: list[Callable[[], None]] = []


def on_worker_start(prepare: Callable[[], None]) -> Callable[[], None]:
    """Register `prepare()`, run (in the app's context) when a job worker starts, before it takes
    its first job: work every job of a kind would otherwise pay for on a worker's first run."""
    _worker_starts.append(prepare)
    return prepare


def worker_starting() -> None:
    for prepare in _worker_starts:
        prepare()


def kind(name: str) -> Kind:
    return _kinds[name]


def title(name: str) -> Any:
    return _kinds[name].title if name in _kinds else name


def known(name: str) -> bool:
    return name in _kinds


def transient(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, TRANSIENT)
