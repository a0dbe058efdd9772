"""`flask --app okr jobs worker` runs the queue's workers; `jobs sweep` recovers lost jobs once."""

from __future__ import annotations

import logging
import threading
from importlib import import_module

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from okr.jobs.queue import init_app as init_queue
from okr.jobs.queue import queue
from okr.jobs.runner import run_job, sweep

jobs = AppGroup("jobs", help="Background jobs.")
log = logging.getLogger(__name__)


def _sweeping(app: Flask, stop: threading.Event) -> None:
    while True:
        try:
            with app.app_context():
                sweep()
        except Exception:  # the next sweep tries again
            log.exception("job sweep failed")
        if stop.wait(app.config["JOB_SWEEP_SECONDS"]):
            return


@jobs.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at once by this process.")
def worker(workers: int) -> None:
    """Run jobs from the queue until stopped (SIGTERM or Ctrl+C finish the running jobs first)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()
    threading.Thread(target=_sweeping, args=(app, stop), daemon=True, name="sweeper").start()
    consumer = queue().huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=False,
        initial_delay=0.05,
        backoff=1.5,
        max_delay=app.config["JOB_POLL_SECONDS"],
        check_worker_health=True,
    )
    try:
        consumer.run()
    finally:
        stop.set()


@jobs.command("sweep")
def sweep_command() -> None:
    """Queue again the running jobs whose worker stopped, and remove expired files."""
    sweep()


def init_app(app: Flask) -> None:
    """The queue (made on first use), the `flask jobs` commands and site-specific job modules."""
    init_queue(app, run_job)
    app.cli.add_command(jobs)
    for module in filter(None, (m.strip() for m in app.config["JOB_MODULES"].split(","))):
        import_module(module)  # registers its kinds (OKR_JOB_MODULES)
