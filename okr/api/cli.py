"""`flask --app okr api-token create`: a token for a person (a script's or a service account's)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from okr.api.tokens import SCOPES, create_token
from okr.errors import Invalid
from okr.extensions import db
from okr.org.models import Person
from okr.unit_of_work import unit_of_work


def init_app(app: Flask) -> None:
    app.cli.add_command(api_token)


@click.group("api-token", cls=AppGroup)
def api_token() -> None:
    """API tokens."""


@api_token.command("create")
@click.option("--email", required=True, help="The owner: the token does what they may.")
@click.option("--name", required=True, help="What uses the token, e.g. the analytics sync.")
@click.option("--scope", "scopes", required=True, multiple=True, type=click.Choice(SCOPES))
@click.option("--days", default=90, show_default=True, type=int, help="Days until it expires.")
@click.option("--service", is_flag=True, help="An okr_svc_ token (for a service account).")
@with_appcontext
def create(email: str, name: str, scopes: tuple[str, ...], days: int, service: bool) -> None:
    """Make a token and print it (it is shown this once; only its hash is kept)."""
    owner = db.session.scalar(select(Person).where(Person.email == email.strip().lower()))
    if owner is None or not owner.active:
        raise click.ClickException(f"No active person has the address {email}.")
    kind = "service" if service else "personal"
    try:
        with unit_of_work():
            _token, secret = create_token(owner, name, list(scopes), days, kind)
    except Invalid as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from exc
    click.echo(secret)
