"""`flask --app okr jobs worker` runs the queue's workers; `jobs sweep` recovers lost jobs once."""

from __future__ import annotations

import logging
import threading
from importlib import import_module

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from okr.jobs import registry
from okr.jobs.queue import init_app as init_queue
from okr.jobs.queue import queue
from okr.jobs.runner import run_job, sweep
from okr.jobs.services import submit
from okr.unit_of_work import unit_of_work

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


# Jobs every worker asks for at an interval (kind -> the setting with its seconds), by name:
# the kinds belong to features above okr.jobs, registered through okr.wiring.job_kinds.
PERIODIC = {"reminders.tick": "REMINDER_TICK_SECONDS"}


def _asking(app: Flask, kind: str, seconds: float, stop: threading.Event) -> None:
    """Ask for a job of `kind` every `seconds` (the first after one interval); its key keeps one
    queued or running at a time across every worker."""
    while not stop.wait(seconds):
        try:
            with app.app_context(), unit_of_work():
                submit(kind, {}, None, key="periodic")
        except Exception:  # the next interval asks again
            log.exception("asking for a %s job failed", kind)


def _periodic(app: Flask, stop: threading.Event) -> None:
    for kind, setting in PERIODIC.items():
        seconds = float(app.config[setting])
        if seconds > 0 and registry.known(kind):
            threading.Thread(
                target=_asking, args=(app, kind, seconds, stop), daemon=True, name=kind
            ).start()


@jobs.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at once by this process.")
def worker(workers: int) -> None:
    """Run jobs from the queue until stopped (SIGTERM or Ctrl+C finish the running jobs first)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()
    threading.Thread(target=_sweeping, args=(app, stop), daemon=True, name="sweeper").start()
    _periodic(app, stop)
    registry.worker_starting()
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
