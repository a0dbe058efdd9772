"""`flask records run-batch ID`: make a queued record batch here, in the foreground (for ops)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from okr.extensions import db
from okr.jobs.models import Job
from okr.jobs.runner import run_job
from okr.records.models import RecordBatch


def _queued_job(batch_id: int) -> tuple[int, int]:
    """The batch's job id and attempts so far, refused unless the job waits in the queue."""
    batch = db.session.get(RecordBatch, batch_id)
    if batch is None:
        raise click.ClickException(f"No record batch {batch_id}.")
    job = db.session.get_one(Job, batch.job_id)
    job_id, status, attempts = job.id, job.status, job.attempts
    db.session.rollback()
    if status != "queued":
        raise click.ClickException(
            f"Batch {batch_id} is {status}, not queued; start it again from its page."
        )
    return job_id, attempts


def _report(batch_id: int, job: Job, attempts: int) -> None:
    if job.status == "queued" and job.attempts == attempts:
        raise click.ClickException(
            f"Batch {batch_id} waits in the queue: as many batches as may run at once are running."
        )
    if job.status == "queued":
        raise click.ClickException(
            f"Batch {batch_id} will be tried again by a worker: {job.message}"
        )
    if job.status != "done":
        raise click.ClickException(f"Batch {batch_id} {job.status}:\n{job.error or ''}")
    click.echo(f"Batch {batch_id}: {job.done}/{job.total} records, the ZIP is kept for download")


records = AppGroup("records", help="Review records (PDF).")


@records.command("run-batch")
@click.argument("batch_id", type=int)
@click.option(
    "--processes", type=int, default=None, help="Processes to render with (default: up to 2)."
)
def run_batch_command(batch_id: int, processes: int | None) -> None:
    """Run a queued batch's job in this process, as a worker would (no worker needed)."""
    job_id, attempts = _queued_job(batch_id)
    if processes is not None:
        current_app.config["RECORD_PROCESSES"] = processes
    run_job(job_id)
    _report(batch_id, db.session.get_one(Job, job_id), attempts)


def init_app(app: Flask) -> None:
    app.cli.add_command(records)
