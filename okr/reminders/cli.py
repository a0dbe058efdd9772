"""`flask --app okr reminders tick [--at ISO-8601]`: plan and post what is due, print it."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask
from flask.cli import AppGroup

from okr.db import utcnow
from okr.reminders.planner import after_planning, plan
from okr.unit_of_work import unit_of_work

reminders = AppGroup("reminders", help="Reminders and digests.")


def _moment(value: str | None) -> datetime:
    if value is None:
        return utcnow()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO-8601 moment: {value}") from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@reminders.command("tick")
@click.option("--at", "at", default=None, help="Plan as of this moment (ISO-8601; UTC if no zone).")
def tick_command(at: str | None) -> None:
    """Post the reminders due now (or at --at) and print what was posted per kind."""
    moment = _moment(at)
    with unit_of_work():
        summary = plan(moment)
        after_planning(moment)
    click.echo(f"planned at {moment.isoformat()}")
    for line in summary.lines():
        click.echo(line)
    for kind, found in summary.planned.items():
        for planned in found[:20]:
            click.echo(f"  {kind} -> {planned.recipient} ({planned.post.key})")


def init_app(app: Flask) -> None:
    app.cli.add_command(reminders)
