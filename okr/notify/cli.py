"""`flask --app okr notify deliver`: ask a worker to send what is due (run it from cron every
minute or so, so that retries and notices held for quiet hours go out without waiting for the
next post). It only asks for the `notify.deliver` job: one delivery runs at a time, which is what
keeps a notice from being sent twice (okr.notify.delivery)."""

from __future__ import annotations

import click
from flask import Flask

from okr.unit_of_work import unit_of_work


def init_app(app: Flask) -> None:
    @app.cli.group("notify")
    def notify() -> None:
        """Notices: delivery."""

    @notify.command("deliver")
    def deliver() -> None:
        """Ask for the delivery job (the one already queued or running, if any)."""
        from okr.notify.delivery_job import ask_for_delivery

        with unit_of_work():
            job = ask_for_delivery()
        click.echo(f"Delivery job {job.id}: {job.status}.")
