"""`flask --app okr bench seed --people N`: build the benchmark company into the configured database."""

from __future__ import annotations

import time
from datetime import datetime

import click


@click.group("bench")
def bench() -> None:
    """Benchmark data: a generated company at scale."""


@bench.command("seed")
@click.option("--people", type=click.IntRange(min=30), default=1000, show_default=True)
@click.option(
    "--seed", "seed_", type=int, default=1, show_default=True, help="Same seed, same company."
)
@click.option(
    "--today",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="The day the running quarter has reached (default: today).",
)
def seed_command(people: int, seed_: int, today: datetime | None) -> None:
    """Generate a company of PEOPLE into an empty database (see okr/bench/seed.py)."""
    from okr.bench.bulk import analyze
    from okr.bench.seed import BENCH_PASSWORD, seed
    from okr.extensions import db
    from okr.unit_of_work import unit_of_work

    started = time.perf_counter()
    try:
        with unit_of_work():
            summary = seed(people, seed_, today.date() if today else None)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    written = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        analyze(connection)
    done = time.perf_counter()
    for name, count in sorted(summary.rows.items(), key=lambda item: -item[1]):
        click.echo(f"  {name:<18} {count:>10,}")
    phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in summary.seconds.items())
    click.echo(f"Phases: {phases}")
    click.echo(
        f"Generated {people:,} people in {done - started:.1f} s "
        f"(written and committed in {written - started:.1f} s, analyzed in {done - written:.1f} s)."
    )
    click.echo(
        f"Sign in as {', '.join(summary.accounts.values())} with the password {BENCH_PASSWORD}."
    )
