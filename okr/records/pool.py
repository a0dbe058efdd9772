"""Rendering the PDFs of a record batch on every core: a pool of processes, each with its own app.

A pool process is forked from a fork server (`forkserver`: one clean single-threaded process per
worker with the app's modules imported once, not a fork of the job worker, whose threads may hold
locks), builds its app with the factory the worker's app was made with
(``current_app.extensions["okr.factory"]``) on the worker's database, never shares the worker's
connections, and ends with the worker, even when the worker is killed: each pool process watches
the worker, and the fork server ends when the last of them has.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Callable, Generator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver
from multiprocessing.connection import wait
from typing import Any

from flask import Flask, current_app
from flask_babel import force_locale

from okr.extensions import db
from okr.records.data import build_record
from okr.records.render import record_pdf

_worker_app: Flask | None = None

# What a pool process takes from the app that started it, whatever its environment says.
INHERITED = ("SECRET_KEY", "TIMEZONE", "DEFAULT_LOCALE")
# Imported once by the fork server, so that a pool process starts in a fraction of a second with
# the fonts registered (preload).
PRELOAD = ["okr.models", "okr.records.pool", "okr.records.preload"]


def _end_with_worker() -> None:
    """End this pool process as soon as the job worker that asked for it has ended, however it
    ended (kill -9 included).

    The fork server cannot do it: every pool process holds the write end of the pipe by which
    it learns that its clients are gone, so it lives as long as they do. The worker's end of the
    pipe that sent this process its work (multiprocessing's parent sentinel) closes when the
    worker dies, already dead included, and a watching thread then ends the process."""
    parent = multiprocessing.parent_process()
    assert parent is not None and parent.sentinel is not None

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="worker-watch").start()


def _init_worker(factory: Callable[..., Flask], config: dict[str, Any]) -> None:
    global _worker_app
    _end_with_worker()
    _worker_app = factory(config)
    # The app, like what the fork server froze, lasts as long as this process: with it out of
    # the collector's way, a record takes a fifth less CPU (the collector walked every object
    # of the process a few times a record).
    gc.collect()
    gc.freeze()


def _render_one(args: tuple[int, str]) -> bytes:
    appraisal_id, locale = args
    assert _worker_app is not None
    with _worker_app.test_request_context(), force_locale(locale):
        try:
            return record_pdf(build_record(appraisal_id))
        finally:
            db.session.remove()


def _pool_config(app: Flask) -> dict[str, Any]:
    config = {name: app.config[name] for name in INHERITED}
    config["DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    return config


def start_fork_server() -> None:
    """Start the pool's fork server now (its imports, the fonts, a first small render), so that
    a worker's first batch starts as warm as its later ones (4 s sooner on 2 cores)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()


def render_all(ids: list[int], locale: str, workers: int) -> Generator[bytes, None, None]:
    """PDFs of these appraisals in order, rendered on `workers` processes (1: in this one)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if workers <= 1 or len(ids) <= 1:
        for appraisal_id in ids:
            with app.test_request_context(), force_locale(locale):
                pdf = record_pdf(build_record(appraisal_id))
            yield pdf  # outside the block: the caller runs in no request of ours
        return
    workers = min(workers, len(ids))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # until the fork server has started
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(app.extensions["okr.factory"], _pool_config(app)),
    )
    try:
        # One record a task: a task costs the pool under a millisecond (measured with 126 KB
        # results), and the last records of a batch spread over every process instead of
        # waiting in one process's chunk.
        yield from pool.map(_render_one, [(i, locale) for i in ids])
    finally:  # also when the job stops early: drop the records not started yet
        pool.shutdown(wait=True, cancel_futures=True)
