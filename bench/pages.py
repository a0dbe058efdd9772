"""Page benchmark: every page of issue 9's targets, alternately at S and L, through real servers.

    make bench                       # S = 1,000 and L = 10,000 people, writes docs/performance.md
    .venv/bin/python -m bench.pages [--small 1000] [--large 10000] [--rounds 15] [--out FILE]

It starts a throwaway PostgreSQL (tests/pg.py), builds S and L with the generator (what
`flask --app okr bench seed --people N` runs, timed), serves each with gunicorn (2 sync workers,
OKR_SERVER_TIMING on), signs in as an employee, a manager of 8, a head of 1,000+ and HR, and
requests every page once to warm up and then `--rounds` times, S and L alternately (heavy pages
fewer times). Server time and SQL statements come from each response's Server-Timing header;
the daily pages also get a floor (bench/floors.py), timed here the same way. `--small-url` and
`--large-url` take existing empty databases instead (the tests use them with SQLite).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select

from bench.floors import FLOORS, Subject, mondays
from bench.report import HEAVY_ROUNDS, load, machine, postgres_version, report, write
from okr import create_app
from okr.bench.bulk import analyze
from okr.bench.org import ACCOUNTS
from okr.bench.seed import BENCH_PASSWORD, seed
from okr.config import normalise_database_url
from okr.cycles.models import Cycle
from okr.db import local_date, utcnow
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from okr.org.models import Department, Person
from okr.reviews.models import Appraisal, Review

ROOT = Path(__file__).resolve().parent.parent
TIMING = re.compile(r'app;dur=([\d.]+), sql;desc="(\d+)"')
CSRF = re.compile(r'"X-CSRFToken": "([^"]+)"')
FORM_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
UNIT_PEOPLE = 180  # "one department of up to 200 people"


@dataclass
class Page:
    key: str
    label: str
    role: str
    path: Callable[[dict[str, Any]], str]
    daily: bool = False
    floor: str | None = None
    heavy: bool = False  # HEAVY_ROUNDS rounds only
    once: bool = False  # one measured request, no warm-up (minutes at L)
    post: Callable[[dict[str, Any]], dict[str, str]] | None = None


def _ids(key: str) -> Callable[[dict[str, Any]], str]:
    return lambda ids: key.format(**ids)


PAGES = [
    Page("home", "home", "employee", _ids("/"), daily=True, floor="home"),
    Page("home", "home", "manager", _ids("/"), daily=True, floor="home"),
    Page("home", "home", "head", _ids("/"), daily=True, floor="home"),
    Page("home", "home", "hr", _ids("/")),
    Page("week", "My week", "employee", _ids("/week/"), daily=True, floor="week"),
    Page("week", "My week", "manager", _ids("/week/"), daily=True, floor="week"),
    Page("okrs", "own OKRs", "employee", _ids("/okrs/people/{employee}"), daily=True, floor="okrs"),
    Page("kr", "KR page", "employee", _ids("/okrs/key-results/{kr}"), daily=True, floor="kr"),
    Page(
        "checkin",
        "check-in POST (htmx)",
        "employee",
        _ids("/week/key-results/{kr}/check-in"),
        daily=True,
        post=lambda ids: {"value": ids["kr_value"], "confidence": "on_track", "note": "按计划推进"},
    ),
    Page("team", "team", "manager", _ids("/team/"), daily=True, floor="team"),
    Page("weekly", "周报", "manager", _ids("/team/weekly"), daily=True, floor="weekly"),
    Page("weekly.xlsx", "周报 XLSX", "manager", _ids("/team/weekly.xlsx")),
    Page("team", "team", "head", _ids("/team/"), floor="team"),
    Page("weekly", "周报", "head", _ids("/team/weekly"), floor="weekly", heavy=True),
    Page("weekly.xlsx", "周报 XLSX", "head", _ids("/team/weekly.xlsx"), heavy=True),
    Page("team", "team (whole company)", "hr", _ids("/team/")),
    Page("alignment", "alignment", "employee", _ids("/alignment/")),
    Page("people", "people search 王", "employee", _ids("/people/?q=%E7%8E%8B")),
    Page("people", "people list", "hr", _ids("/people/")),
    Page("company", "company OKRs", "employee", _ids("/okrs/company")),
    Page("department", "department OKRs (own team)", "employee", _ids("/okrs/departments/{team}")),
    Page("department", "department OKRs (division)", "head", _ids("/okrs/departments/{division}")),
    Page("appraisal", "appraisal (own)", "employee", _ids("/reviews/appraisals/{appraisal}")),
    Page("appraisal", "appraisal (a report's)", "manager", _ids("/reviews/appraisals/{appraisal}")),
    Page("record", "record PDF", "employee", _ids("/records/appraisals/{appraisal}.pdf"), heavy=True),
    Page("cycles", "cycles", "hr", _ids("/cycles/")),
    Page("reviews", "reviews", "hr", _ids("/reviews/")),
    Page("dashboard", "review dashboard", "hr", _ids("/reviews/{review}")),
    Page("dashboard", "review dashboard", "manager", _ids("/reviews/{review}")),
    Page("dashboard", "review dashboard (one department)", "hr", _ids("/reviews/{review}?department={unit}")),
    Page("calibration", "calibration (first page)", "hr", _ids("/reviews/{review}/calibration")),
    Page("calibration", "calibration (one department)", "hr", _ids("/reviews/{review}/calibration?department={unit}")),
    Page("rankings", "rankings (first page)", "hr", _ids("/reviews/{review}/rankings")),
    Page("rankings", "rankings (one department)", "hr", _ids("/reviews/{review}/rankings?department={unit}")),
    Page("rankings", "rankings (their reports)", "manager", _ids("/reviews/{review}/rankings")),
    Page("flags", "flags (first page)", "hr", _ids("/reviews/flags")),
    Page("flags", "flags (one department)", "hr", _ids("/reviews/flags?cycles=3&below=90&department={unit}")),
    Page("results.xlsx", "results.xlsx", "hr", _ids("/reviews/{review}/results.xlsx"), once=True),
]  # fmt: skip


@dataclass
class Sample:
    status: int
    server_ms: float
    statements: int
    size: int


@dataclass
class Client:
    """One signed-in browser: a keep-alive connection, its cookies and CSRF token."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""

    def __post_init__(self) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        data = None
        if body is not None:
            data = urlencode(body).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, data, sent)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()  # the server closed a kept-alive connection: reopen
                if attempt:
                    raise
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, {k.lower(): v for k, v in response.getheaders()}, content

    def sign_in(self, email: str, password: str) -> None:
        _status, _headers, page = self.request("GET", "/login")
        token = FORM_CSRF.search(page.decode()).group(1)  # type: ignore[union-attr]
        status, _headers, _page = self.request(
            "POST", "/login", {"email": email, "password": password, "csrf_token": token}
        )
        if status != 302:
            raise RuntimeError(f"{email} could not sign in ({status})")
        _status, _headers, home = self.request("GET", "/")
        self.csrf = CSRF.search(home.decode()).group(1)  # type: ignore[union-attr]

    def measure(self, page: Page, ids: dict[str, Any]) -> Sample:
        path = page.path(ids)
        if page.post is not None:
            headers = {"X-CSRFToken": self.csrf, "HX-Request": "true"}
            status, headers_, body = self.request("POST", path, page.post(ids), headers)
        else:
            status, headers_, body = self.request("GET", path)
        timing = TIMING.search(headers_.get("server-timing", ""))
        if timing is None:
            raise RuntimeError(f"{path}: no Server-Timing header (status {status})")
        return Sample(status, float(timing.group(1)), int(timing.group(2)), len(body))


@dataclass
class Site:
    """One company size: its database, its gunicorn, its signed-in clients and the ids pages use."""

    name: str
    people: int
    url: str
    seed_seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    port: int = 0
    server: subprocess.Popen[bytes] | None = None
    clients: dict[str, Client] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)
    subjects: dict[str, Any] = field(default_factory=dict)
    samples: dict[tuple[str, str], list[Sample]] = field(default_factory=dict)
    floors: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    memory: dict[str, list[int]] = field(default_factory=dict)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(site: Site, today: date | None) -> None:
    """Migrate the empty database and generate the company into it (timed like the CLI)."""

    app = create_app({"DATABASE_URL": site.url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        summary = seed(site.people, 1, today)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            analyze(connection)
        site.seed_seconds = time.perf_counter() - started
        site.rows = summary.rows
        site.ids, site.subjects = subjects(today)
        db.session.remove()
        db.engine.dispose()


def department_near(people: int) -> tuple[int, int]:
    """The department whose subtree holds the number of people nearest to `people` (ties: lowest id).

    The lists "for one department of up to 200 people" are measured on it at both sizes.
    Returns its id and the people in its subtree."""
    parents = dict(db.session.execute(select(Department.id, Department.parent_id)).all())
    staff = dict(
        db.session.execute(
            select(Person.department_id, func.count()).group_by(Person.department_id)
        ).all()
    )
    below: dict[int, int] = dict.fromkeys(parents, 0)
    for department_id, count in staff.items():
        at: int | None = department_id
        while at is not None:
            below[at] += count
            at = parents[at]
    unit = min(below, key=lambda d: (abs(below[d] - people), d))
    return unit, below[unit]


def subjects(today: date | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ids the page list needs and the floors' subjects (in the app context)."""

    people = {
        role: db.session.scalars(select(Person).where(Person.email == email)).one()
        for role, email in ACCOUNTS.items()
    }
    cycle = db.session.scalars(select(Cycle).where(Cycle.is_current)).one()
    kr = db.session.scalars(
        select(KeyResult)
        .join(Objective)
        .where(Objective.cycle_id == cycle.id, Objective.owner_id == people["employee"].id)
        .order_by(Objective.position, KeyResult.position)
    ).first()
    review = db.session.scalars(select(Review).join(Cycle).order_by(Cycle.start.desc())).first()
    appraisal = db.session.scalars(
        select(Appraisal).where(
            Appraisal.review_id == review.id, Appraisal.person_id == people["employee"].id
        )
    ).one()
    division = db.session.get(Department, people["head"].department_id)
    ids = {
        "employee": people["employee"].id,
        "kr": kr.id,
        "kr_value": str(kr.current if kr.current is not None else 0),  # re-entered as it is
        "review": review.id,
        "appraisal": appraisal.id,
        "team": people["employee"].department_id,
        "division": division.id,
    }
    ids["unit"], ids["unit_people"] = department_near(UNIT_PEOPLE)
    weeks = mondays(cycle.start, today or local_date(utcnow()))
    floor_subjects = {
        role: Subject(people[role].id, cycle.id, weeks, kr.id)
        for role in ("employee", "manager", "head")
    }
    return ids, floor_subjects


@contextmanager
def serving(site: Site, instance: Path) -> Iterator[None]:
    """gunicorn with 2 workers on the site's database, Server-Timing on (starting: see wait_until_up)."""
    site.port = _free_port()
    env = {
        **os.environ,
        "OKR_DATABASE_URL": site.url,
        "OKR_SECRET_KEY": "bench",
        "OKR_INSTANCE_PATH": str(instance),
        "OKR_SERVER_TIMING": "true",
        "PYTHONPATH": str(ROOT),
    }
    command = [
        sys.executable, "-m", "gunicorn", "--workers", "2", "--timeout", "900",
        "--bind", f"127.0.0.1:{site.port}", "--log-level", "warning", "okr:create_app()",
    ]  # fmt: skip
    site.server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        yield
    finally:
        site.server.send_signal(signal.SIGTERM)
        site.server.wait(60)


def wait_until_up(site: Site) -> None:
    assert site.server is not None
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", site.port), timeout=1):
                return
        except OSError:
            if site.server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn for {site.name} did not start") from None
            time.sleep(0.2)


def worker_memory(site: Site) -> list[int]:
    """Resident memory (MB) of the gunicorn workers."""
    assert site.server is not None
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if int(fields.get("PPid", "0")) == site.server.pid and "VmRSS" in fields:
            found.append(int(fields["VmRSS"].split()[0]) // 1024)
    return sorted(found)


def floor_time(site: Site, engine: Any, key: str, role: str) -> float:

    started = time.perf_counter()
    with engine.connect() as connection:
        FLOORS[key](connection, site.subjects[role])
    return (time.perf_counter() - started) * 1000


def run(sites: list[Site], rounds: int) -> None:
    """Warm up, then `rounds` rounds of every page, S and L alternately (heavy pages fewer)."""

    engines = {s.name: create_engine(normalise_database_url(s.url)) for s in sites}
    for site in sites:
        for role in {p.role for p in PAGES}:
            site.clients[role] = Client(site.port)
            site.clients[role].sign_in(ACCOUNTS[role], BENCH_PASSWORD)
        site.memory["fresh"] = worker_memory(site)
    for number in range(rounds + 1):
        for page in PAGES:
            if (page.heavy and number > HEAVY_ROUNDS) or (page.once and number != 1):
                continue
            order = sites if number % 2 == 0 else sites[::-1]
            for site in order:
                sample = site.clients[page.role].measure(page, site.ids)
                if page.floor:
                    floor = floor_time(site, engines[site.name], page.floor, page.role)
                if number == 0:
                    continue  # warm-up: first request of a page in each worker process
                site.samples.setdefault((page.label, page.role), []).append(sample)
                if page.floor:
                    site.floors.setdefault((page.label, page.role), []).append(floor)
    for site in sites:
        site.memory["after"] = worker_memory(site)
        for client in site.clients.values():
            client.connection.close()
    for engine in engines.values():
        engine.dispose()


def _databases(stack: ExitStack, args: argparse.Namespace) -> tuple[str, str]:
    if args.small_url and args.large_url:
        return args.small_url, args.large_url
    import psycopg

    from tests import pg

    url = stack.enter_context(pg.running_server())
    raw = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(raw, autocommit=True) as connection:
        for name in ("bench_s", "bench_l"):
            connection.execute(f"CREATE DATABASE {name}")
    base = url.rsplit("/", 1)[0]
    return f"{base}/bench_s", f"{base}/bench_l"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=1000, help="people at S")
    parser.add_argument("--large", type=int, default=10000, help="people at L")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument("--small-url", help="an existing empty database for S")
    parser.add_argument("--large-url", help="an existing empty database for L")
    parser.add_argument("--today", type=date.fromisoformat, help="the running quarter's day")
    args = parser.parse_args(argv)
    started, before = time.perf_counter(), load()
    with ExitStack() as stack:
        small_url, large_url = _databases(stack, args)
        sites = [Site("S", args.small, small_url), Site("L", args.large, large_url)]
        for site in sites:
            print(f"Generating {site.name} ({site.people:,} people) …", flush=True)
            build(site, args.today)
            print(f"  {site.seed_seconds:.1f} s", flush=True)
        instance = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="okr-bench-")))
        for site in sites:
            (instance / site.name).mkdir()
            stack.enter_context(serving(site, instance / site.name))
        for site in sites:  # both start at once
            wait_until_up(site)
        print("Requesting pages …", flush=True)
        run(sites, args.rounds)
        info = {
            "date": date.today().isoformat(),
            "rounds": args.rounds,
            "machine": machine(),
            "postgres": postgres_version(large_url),
            "load_before": before,
            "load_after": load(),
            "seconds": time.perf_counter() - started,
        }
        text = report(sites[0], sites[1], info, PAGES)
    write(args.out, text)
    print(text)


if __name__ == "__main__":
    main()
