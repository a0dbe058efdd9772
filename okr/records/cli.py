"""`flask records run-batch ID`: the background side of record batches."""

from __future__ import annotations

import click
from flask import Flask


def init_app(app: Flask) -> None:
    @app.cli.group()
    def records() -> None:
        """Review records (PDF)."""

    @records.command("run-batch")
    @click.argument("batch_id", type=int)
    @click.option(
        "--workers", type=int, default=None, help="Processes to render with (default: up to 2)."
    )
    def run_batch_command(batch_id: int, workers: int | None) -> None:
        """Render a queued batch into its ZIP."""
        from okr.records.batch import BatchAbandoned, run_batch

        try:
            batch = run_batch(batch_id, workers)
        except BatchAbandoned as exc:
            raise click.ClickException(
                f"Batch {batch_id} is not queued or was counted as failed meanwhile;"
                " start it again from its page."
            ) from exc
        click.echo(f"Batch {batch.id}: {batch.done}/{batch.total} records -> {batch.path}")
