"""Command-line tasks: first admin, demo company."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from okr.errors import Invalid
from okr.extensions import db
from okr.unit_of_work import unit_of_work


def init_app(app: Flask) -> None:
    """Register the app-wide commands on `flask --app okr ...` (features add theirs in okr.wiring)."""
    app.cli.add_command(create_admin)
    app.cli.add_command(demo)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--department", default="人力资源部", show_default=True)
@click.password_option()
@with_appcontext
def create_admin(email: str, name: str, department: str, password: str) -> None:
    """Create the first HR administrator (and their department if it does not exist)."""
    from okr.org.models import Company, Department
    from okr.org.services import PersonData, create_department, create_person

    try:
        with unit_of_work():
            if db.session.scalar(select(Company.id)) is None:
                db.session.add(Company(name=department))
            dept = db.session.scalar(select(Department).where(Department.name == department))
            if dept is None:
                dept = create_department(department, None)
            data = PersonData(name, email, "HR", dept.id, None, True)
            person = create_person(data, password)
    except Invalid as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from exc
    click.echo(f"Administrator {person.email} created.")


@click.group(cls=AppGroup)
def demo() -> None:
    """The demo company."""


@demo.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has people.")
def load(if_empty: bool) -> None:
    """Load the demo company (网络营销部 and its teams)."""
    from okr.demo.loader import DEMO_ACCOUNTS, load_demo
    from okr.org.models import Person

    if if_empty and db.session.scalar(select(Person.id).limit(1)) is not None:
        click.echo("The database already has people; the demo was not loaded again.")
    else:
        with unit_of_work():
            load_demo()
        click.echo("Demo company loaded.")
    emails = [email for _role, email, _password in DEMO_ACCOUNTS]
    if db.session.scalar(select(Person.id).where(Person.email.in_(emails)).limit(1)):
        click.echo("Demo sign-ins:")
        for role, email, password in DEMO_ACCOUNTS:
            click.echo(f"  {role:<9} {email:<28} password: {password}")
