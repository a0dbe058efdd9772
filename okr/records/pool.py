"""Rendering the PDFs of a record batch on every core: a pool of processes, each with its own app.

A worker builds its app with the factory the runner's app was made with
(``current_app.extensions["okr.factory"]``), never shares the runner's database connections,
and ends with the runner, even when the runner is killed.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable, Generator
from concurrent.futures import ProcessPoolExecutor

from flask import Flask, current_app
from flask_babel import force_locale

from okr.extensions import db
from okr.records.data import build_record
from okr.records.render import record_pdf

_worker_app: Flask | None = None


def _die_with_parent(parent: int) -> None:
    """On Linux, have the kernel end a pool worker when the runner dies (even by SIGKILL)."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
        if os.getppid() != parent:  # the runner died before the call
            os._exit(1)


def _init_worker(parent: int, factory: Callable[[], Flask]) -> None:
    global _worker_app
    _die_with_parent(parent)
    _worker_app = factory()
    with _worker_app.app_context():
        db.engine.dispose(close=False)  # never share the parent's connections


def _render_one(args: tuple[int, str]) -> bytes:
    appraisal_id, locale = args
    assert _worker_app is not None
    with _worker_app.test_request_context(), force_locale(locale):
        try:
            return record_pdf(build_record(appraisal_id))
        finally:
            db.session.remove()


def render_all(ids: list[int], locale: str, workers: int) -> Generator[bytes, None, None]:
    """PDFs of these appraisals in order, rendered on `workers` processes."""
    if workers <= 1:
        for appraisal_id in ids:
            with force_locale(locale):
                yield record_pdf(build_record(appraisal_id))
        return
    pool = ProcessPoolExecutor(
        max_workers=workers,
        initializer=_init_worker,
        initargs=(os.getpid(), current_app.extensions["okr.factory"]),
    )
    try:
        yield from pool.map(_render_one, [(i, locale) for i in ids], chunksize=4)
    finally:  # also when the runner stops early: drop the records not started yet
        pool.shutdown(wait=True, cancel_futures=True)
