"""`flask --app okr notify deliver`: send what is due (run it from cron every minute or so, so
retries and notices held for quiet hours go out without waiting for the next post)."""

from __future__ import annotations

import click
from flask import Flask

from okr.db import utcnow
from okr.unit_of_work import unit_of_work


def init_app(app: Flask) -> None:
    @app.cli.group("notify")
    def notify() -> None:
        """Notices: delivery."""

    @notify.command("deliver")
    @click.option("--queue", "on_queue", is_flag=True, help="Ask a worker for the job instead.")
    def deliver(on_queue: bool) -> None:
        """Send the queued notices that are due now."""
        from okr.notify.delivery import deliver_due
        from okr.notify.delivery_job import ask_for_delivery

        with unit_of_work():
            if on_queue:
                job = ask_for_delivery()
                click.echo(f"Delivery job {job.id} asked for.")
                return
            totals = deliver_due(utcnow())
        click.echo(
            ", ".join(f"{k}: {v}" for k, v in sorted(totals.counts.items())) or "nothing due"
        )
