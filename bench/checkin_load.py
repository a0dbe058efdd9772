"""Check-in load: people checking in at the same moment, through a real gunicorn, for a minute.

    .venv/bin/python -m bench.checkin_load --url postgresql+psycopg://.../a_copy_of_bench_l
    .venv/bin/python -m bench.checkin_load --people 10000     # a throwaway PostgreSQL, seeded here
    [--clients 8] [--seconds 60] [--out docs/performance.md]

It writes check-ins: give it a copy of a benchmark database, never one others read. gunicorn
serves it with 2 sync workers as bench/pages.py starts it; `--clients` people with key results in
the running cycle (the manager of 8's team first, so their writes meet in the objectives they
share) sign in, each on its own keep-alive connection in its own thread, and post htmx check-ins
on their own key results, round robin, for `--seconds`, each value alternating between the key
result's current value and one more, so every check-in moves the chain of objectives above it.
Each client sends the version its last answer carried, as the page does. Printed and written to
the "Check-in load" section of docs/performance.md (bench/pages.py rewrites only its own): the
check-ins per second, client and server p50/p95, the answers by status, and the CPU the gunicorn
workers, the database's backends and this client spent per check-in (from /proc).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg
from sqlalchemy import select

from bench.pages import ROOT, TIMING, Client, Site, build, serving, wait_until_up
from bench.report import load, machine, postgres_version
from bench.usage import Usage, usage
from okr import create_app
from okr.bench.org import ACCOUNTS
from okr.bench.seed import BENCH_PASSWORD
from okr.cycles.models import Cycle
from okr.domain.krspec import KRKind
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from okr.org.models import Person

VERSION = re.compile(r'name="version" value="(\d*)"')
BEGIN = "<!-- bench/checkin_load.py writes from here to its end marker. -->"
END = "<!-- end of the check-in load run -->"


@dataclass
class Target:
    """One key result a writer checks in on: the two values it alternates and its version."""

    id: int
    values: tuple[str, str]
    version: str
    turn: int = 0


@dataclass
class Writer:
    email: str
    targets: list[Target]
    results: list[tuple[int, float, float]] = field(default_factory=list)  # status, ms, server ms


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _values(kr: KeyResult) -> tuple[str, str]:
    if kr.kind == KRKind.MILESTONE:
        return "1", "0"
    now = kr.current if kr.current is not None else (kr.start or Decimal(0))
    return _plain(now + 1), _plain(now)


def writers(url: str, count: int) -> list[Writer]:
    """`count` active people with key results in the running cycle, the manager of 8's team first."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        cycle = db.session.scalars(select(Cycle).where(Cycle.is_current)).one()
        manager = db.session.scalar(select(Person.id).where(Person.email == ACCOUNTS["manager"]))
        rows = db.session.execute(
            select(Person.email, KeyResult)
            .join(Objective, Objective.owner_id == Person.id)
            .join(KeyResult, KeyResult.objective_id == Objective.id)
            .where(Objective.cycle_id == cycle.id, Person.active)
            .order_by(Person.manager_id != manager, Person.id, KeyResult.id)
        ).all()
        found: dict[str, Writer] = {}
        for email, kr in rows:
            if email not in found and len(found) == count:
                continue
            writer = found.setdefault(email, Writer(email, []))
            writer.targets.append(Target(kr.id, _values(kr), str(kr.version)))
        db.session.remove()
        db.engine.dispose()
    if len(found) < count:
        raise RuntimeError(f"only {len(found)} people have key results in the running cycle")
    return list(found.values())


def check_in(client: Client, target: Target) -> tuple[int, float, float]:
    """One check-in as the page posts it; the status, the time it took and the server's time."""
    headers = {"X-CSRFToken": client.csrf, "HX-Request": "true"}
    body = {
        "value": target.values[target.turn % 2],
        "confidence": "on_track",
        "note": "按计划推进",
        "version": target.version,
    }
    began = time.perf_counter()
    try:
        status, answer, page = client.request(
            "POST", f"/week/key-results/{target.id}/check-in", body, headers
        )
    except OSError:
        return 0, (time.perf_counter() - began) * 1000, 0.0
    elapsed = (time.perf_counter() - began) * 1000
    if found := VERSION.search(page.decode()):  # the saved (or stale) row's version
        target.version = found.group(1)
    target.turn += status == 200
    timing = TIMING.search(answer.get("server-timing", ""))
    return status, elapsed, float(timing.group(1)) if timing else 0.0


def write_for(writer: Writer, client: Client, gates: threading.Barrier, until: list[float]) -> None:
    """Check in once on every key result (warm-up), then round robin until the deadline."""
    for target in writer.targets:
        check_in(client, target)
    gates.wait()  # warmed up
    gates.wait()  # go
    number = 0
    while time.monotonic() < until[0]:
        writer.results.append(check_in(client, writer.targets[number % len(writer.targets)]))
        number += 1


@dataclass
class Run:
    seconds: float
    results: list[tuple[int, float, float]]
    cpu: Usage
    load_before: str
    load_after: str


def run(site: Site, people: list[Writer], seconds: float) -> Run:
    """Sign everyone in, then let them all write at once for `seconds`."""
    clients = []
    for writer in people:
        client = Client(site.port)
        client.sign_in(writer.email, BENCH_PASSWORD)
        clients.append(client)
    gates, until = threading.Barrier(len(people) + 1), [0.0]
    threads = [
        threading.Thread(target=write_for, args=(w, c, gates, until), daemon=True)
        for w, c in zip(people, clients, strict=True)
    ]
    for thread in threads:
        thread.start()
    assert site.server is not None
    gates.wait()  # everyone has checked in once: templates and statements are warm
    before, load_before = usage(site.server.pid, site.url), load()
    until[0] = time.monotonic() + seconds
    began = time.perf_counter()
    gates.wait()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - began
    cpu = usage(site.server.pid, site.url) - before
    for client in clients:
        client.connection.close()
    results = [r for writer in people for r in writer.results]
    return Run(took, results, cpu, load_before, load())


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(result: Run, clients: int, url: str, people: int | None) -> str:
    """The section of docs/performance.md for one run."""
    statuses = Counter(status for status, _ms, _server in result.results)
    saved = statuses.get(200, 0)
    client_ms = [ms for _s, ms, _server in result.results]
    server_ms = [server for status, _ms, server in result.results if status]
    info = machine()
    cpu = result.cpu.per(saved)
    answers = ", ".join(f"{n:,} × {s or 'no answer'}" for s, n in sorted(statuses.items()))
    size = f"a company of {people:,} people seeded here" if people else "a copy of the database"
    errors = sum(n for s, n in statuses.items() if s >= 500 or s == 0)
    return f"""{BEGIN}
## Check-in load

`bench/checkin_load.py`, run of {date.today().isoformat()} against {size}
({postgres_version(url)}): {clients} people checking in at once, each from its own keep-alive
connection, on 2 gunicorn sync workers for {result.seconds:.0f} s.
Machine: {info["cpus"]} CPUs ({info["cpu"]}), Python {info["python"]}; load average
{result.load_before} before and {result.load_after} after.

| check-ins/s | client p50 | client p95 | server p50 | server p95 | answers | 5xx or none |
| ---: | ---: | ---: | ---: | ---: | --- | ---: |
| {saved / result.seconds:.1f} | {_p(client_ms, 0.5):.1f} ms | {_p(client_ms, 0.95):.1f} ms \
| {_p(server_ms, 0.5):.1f} ms | {_p(server_ms, 0.95):.1f} ms | {answers} | {errors} |

CPU per saved check-in: {cpu}.
{END}
"""


def write(out: Path, text: str) -> None:
    """Replace this benchmark's section of the page, or add it at the end."""
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    if BEGIN in old and END in old:
        head, tail = old.split(BEGIN, 1)[0], old.split(END, 1)[1].lstrip("\n")
        new = head + text + ("\n" + tail if tail else "")
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + text
    out.write_text(new, encoding="utf-8")


def _database(stack: ExitStack, people: int) -> str:
    from tests import pg

    url = stack.enter_context(pg.running_server())
    raw = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(raw, autocommit=True) as connection:
        connection.execute("CREATE DATABASE checkin_load")
    site = Site("load", people, f"{url.rsplit('/', 1)[0]}/checkin_load")
    print(f"Generating {people:,} people …", flush=True)
    build(site, None)
    return site.url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a seeded database it may write to (a copy)")
    where.add_argument("--people", type=int, help="seed a throwaway PostgreSQL with N people")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        url = args.url or _database(stack, args.people)
        people = writers(url, args.clients)
        site = Site("load", args.people or 0, url)
        instance = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="okr-load-")))
        stack.enter_context(serving(site, instance))
        wait_until_up(site)
        print(f"{args.clients} clients checking in for {args.seconds:g} s …", flush=True)
        result = run(site, people, args.seconds)
        text = report(result, args.clients, url, args.people)
    write(args.out, text)
    print(text)


if __name__ == "__main__":
    main()
