"""Concurrent check-ins through a real threaded server, on SQLite and PostgreSQL.

Eight clients post 200 check-ins each at the same moment, once on eight people's own key results
(which share their department's and the company's objectives) and once on eight key results of
one objective. No request may fail, every accepted check-in must be stored, and afterwards every
cached figure (each key result's value and progress, each objective's progress and confidence)
must equal a full recompute from the check-in log.
"""

from __future__ import annotations

import http.client
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from sqlalchemy import select, text
from werkzeug.serving import make_server

from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle
from okr.db import stored
from okr.domain.attainment import attainment
from okr.domain.errors import DomainError
from okr.domain.rollup import ProgressRule, WeightedValue, parent_progress
from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.objectives.progress import refresh_cycle
from okr.objectives.rules import spec_of, worst_confidence
from okr.org.models import Person
from tests.factories import approved_objective, kr_row, promotion_team, q4_cycle
from tests.helpers import TEST_PASSWORD

CLIENTS = 8
CHECKINS_EACH = 200
CONFIDENCES = ("on_track", "at_risk", "off_track")


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app on a werkzeug threaded server (a thread per connection), CSRF on as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()
    httpd.server_close()


@dataclass
class Setup:
    cycle: Cycle
    clients: list[tuple[Person, KeyResult]]  # who posts on which key result


def _kr(objective: Objective, title: str, weight: str) -> KeyResult:
    return kr_row(objective, title, weight, "0", "1000", unit="次")


def _cascade(make_department, make_person):
    """网络营销部 (head 王志远) -> 推广组 (lead 李喆) and 内容组, with company and team objectives."""
    marketing, team, boss, lead, _seo = promotion_team(make_department, make_person, seo=False)
    content = make_department("内容组", parent=marketing)
    cycle = q4_cycle("running")
    company = approved_objective(cycle, "线上销售额增长30%", "company", boss, rule="children")
    department = approved_objective(
        cycle, "独立访问量达6万", "department", lead, parent=company, department=team, rule="both"
    )
    _kr(department, "团队外链", "100")
    other = approved_objective(
        cycle, "内容阅读量", "department", boss, parent=company, department=content
    )
    _kr(other, "阅读量", "100")
    return cycle, team, lead, department


def distinct_key_results(make_department, make_person) -> Setup:
    """Eight people, each with an individual objective and key result, all under one department."""
    cycle, team, lead, department = _cascade(make_department, make_person)
    clients = []
    for n in range(CLIENTS):
        person = make_person(f"专员{n}", department=team, manager=lead)
        mine = approved_objective(
            cycle, f"目标{n}", "individual", person, parent=department, department=team
        )
        clients.append((person, _kr(mine, f"流量{n}", "100")))
    refresh_cycle(cycle)  # the cached figures start right, as the services leave them
    db.session.commit()
    return Setup(cycle, clients)


def one_objective(make_department, make_person) -> Setup:
    """One person's objective with eight key results; she and her lead check in on them at once."""
    cycle, team, lead, department = _cascade(make_department, make_person)
    seo = make_person("张玥", department=team, manager=lead)
    mine = approved_objective(
        cycle, "提升自然搜索流量", "individual", seo, parent=department, department=team
    )
    krs = [_kr(mine, f"指标{n}", "12.5") for n in range(CLIENTS)]
    refresh_cycle(cycle)
    db.session.commit()
    return Setup(cycle, [(seo if n % 2 == 0 else lead, kr) for n, kr in enumerate(krs)])


@dataclass
class Client:
    """One browser: signs in, opens the check-in form, then checks in as fast as it can."""

    base: str
    email: str
    kr_id: int
    index: int
    statuses: list[int] = field(default_factory=list)
    accepted: list[Decimal] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        parts = urlsplit(self.base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None, **headers):
        body = urlencode(form) if form is not None else None
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def sign_in(self) -> None:
        status, page = self.request("GET", "/login")
        token = _hidden(page, "csrf_token")
        form = {"csrf_token": token, "email": self.email, "password": TEST_PASSWORD}
        status, _page = self.request("POST", "/login", form)
        assert status == 302, f"{self.email} could not sign in ({status})"

    def run(self, start: threading.Barrier) -> None:
        try:
            self.sign_in()
            url = f"/week/key-results/{self.kr_id}/check-in"
            status, page = self.request("GET", url)
            assert status == 200, status
            token, version = _hidden(page, "csrf_token"), _hidden(page, "version")
            start.wait()
            for n in range(CHECKINS_EACH):
                value = Decimal((self.index * 37 + n * 13) % 1100)  # past the target too
                form = {
                    "csrf_token": token,
                    "version": version,
                    "value": str(value),
                    "confidence": CONFIDENCES[(self.index + n) % 3],
                    "note": f"第{n}次",
                }
                status, body = self.request("POST", url, form, **{"HX-Request": "true"})
                self.statuses.append(status)
                if status == 200:
                    self.accepted.append(value)
                    version = _hidden(body, "version")  # the row comes back on the new version
                else:
                    self.failures.append(f"{status}: {body[:300]}")
        except Exception as exc:  # reported by the test, not lost in the thread
            self.failures.append(repr(exc))
        finally:
            self.conn.close()


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
    assert match, f"no {name} in the page"
    return match.group(1)


def recompute(cycle_id: int) -> tuple[dict, dict]:
    """Every key result's and objective's figures from the check-in log, through the domain only."""
    cycle = db.session.get(Cycle, cycle_id)
    objectives = db.session.scalars(
        select(Objective)
        .where(Objective.cycle_id == cycle_id)
        .options(db.selectinload(Objective.key_results))
    ).all()
    newest: dict[int, CheckIn] = {}
    for checkin in db.session.scalars(select(CheckIn).order_by(CheckIn.id)):
        newest[checkin.key_result_id] = checkin
    krs: dict[int, tuple] = {}
    for objective in objectives:
        for kr in objective.key_results:
            last = newest.get(kr.id)
            value = last.value if last else None
            progress = attainment(spec_of(kr), value, cycle.attainment_cap).progress
            krs[kr.id] = (value, stored(progress), last.confidence if last else None)
    children: dict[int, list[Objective]] = {o.id: [] for o in objectives}
    for objective in objectives:
        if objective.parent_id is not None:
            children[objective.parent_id].append(objective)
    figures: dict[int, tuple] = {}

    def figure(objective: Objective) -> Decimal | None:
        if objective.id not in figures:
            own = [WeightedValue.of(k.title, krs[k.id][1], k.weight) for k in objective.key_results]
            kids = [(c.title, figure(c)) for c in children[objective.id]]
            try:
                progress = parent_progress(
                    ProgressRule(objective.progress_rule), own, kids
                ).progress
            except DomainError:
                progress = None
            confidence = worst_confidence([krs[k.id][2] for k in objective.key_results])
            figures[objective.id] = (
                stored(progress),
                confidence,
            )
        return figures[objective.id][0]

    for objective in objectives:
        figure(objective)
    return krs, figures


def cached(cycle_id: int) -> tuple[dict, dict]:
    objectives = db.session.scalars(
        select(Objective)
        .where(Objective.cycle_id == cycle_id)
        .options(db.selectinload(Objective.key_results))
    ).all()
    krs = {
        kr.id: (kr.current, stored(kr.progress), kr.confidence)
        for o in objectives
        for kr in o.key_results
    }
    figures = {o.id: (stored(o.progress), o.confidence) for o in objectives}
    return krs, figures


@pytest.mark.parametrize("shape", [distinct_key_results, one_objective])
def test_eight_clients_checking_in_at_once_all_succeed_and_the_cache_stays_exact(
    app, server, make_department, make_person, shape
):
    setup = shape(make_department, make_person)
    clients = [
        Client(server, person.email, kr.id, n) for n, (person, kr) in enumerate(setup.clients)
    ]
    db.session.rollback()  # hold no transaction (nor SQLite lock) while the clients run
    start = threading.Barrier(len(clients))
    threads = [threading.Thread(target=c.run, args=(start,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = [s for c in clients for s in c.statuses]
    assert [f for c in clients for f in c.failures][:5] == []
    assert sum(s >= 500 for s in statuses) == 0
    assert statuses == [200] * CLIENTS * CHECKINS_EACH
    db.session.expire_all()
    for client in clients:  # every accepted check-in is stored, in the order it was sent
        stored = db.session.scalars(
            select(CheckIn.value).where(CheckIn.key_result_id == client.kr_id).order_by(CheckIn.id)
        ).all()
        assert stored == client.accepted
    krs, objectives = cached(setup.cycle.id)
    expected_krs, expected_objectives = recompute(setup.cycle.id)
    assert krs == expected_krs
    assert objectives == expected_objectives
    assert all(progress is not None for progress, _c in objectives.values())


@pytest.mark.parametrize("author", ["owner", "manager"])
@pytest.mark.parametrize("htmx", [True, False])
def test_a_check_in_post_runs_at_most_twelve_statements(
    client, login, make_department, make_person, count_queries, author, htmx
):
    """The most frequent write stays cheap: who, the key result, the write, the chain, the row."""
    person, kr = distinct_key_results(make_department, make_person).clients[0]
    client = login(person if author == "owner" else db.session.get(Person, person.manager_id))
    headers = {"HX-Request": "true"} if htmx else {}
    form = {"value": "500", "confidence": "on_track", "note": "", "version": str(kr.version)}

    with count_queries() as statements:
        response = client.post(f"/week/key-results/{kr.id}/check-in", data=form, headers=headers)

    assert response.status_code == (200 if htmx else 303)
    assert statements.count <= 12, "\n".join(statements.statements)


def test_a_check_in_under_a_locked_parent_waits_and_reads_the_other_value(
    app, make_department, make_person
):
    """The race the locks exist for (PostgreSQL's READ COMMITTED): B reads the chain while A has
    written but not committed. Without the lock B would compute the parents without A's value,
    A without B's, and whichever commits last leaves a wrong figure."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite write requests queue at BEGIN IMMEDIATE")
    setup = distinct_key_results(make_department, make_person)
    (seo, first), (other, second) = setup.clients[:2]
    record_checkin(first, "600", "at_risk", "", seo, None)  # A: flushed, locks held, not committed
    done = threading.Event()
    failures: list[BaseException] = []

    def check_in_b() -> None:
        try:
            with app.app_context():
                kr = db.session.get(KeyResult, second.id)
                author = db.session.get(Person, other.id)
                record_checkin(kr, "800", "on_track", "", author, None)
                db.session.commit()
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=check_in_b)
    thread.start()
    with db.engine.connect() as watcher:  # wait until B waits for A's lock (or, unlocked, is done)
        waiting = text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> "
            "pg_backend_pid()"
        )
        while not done.is_set() and not watcher.execute(waiting).scalar():
            done.wait(0.01)
            watcher.rollback()
    blocked = not done.is_set()
    db.session.commit()  # A commits; B goes on and reads A's value
    thread.join()

    assert failures == []
    assert blocked, "B computed the shared parents without waiting for A"
    db.session.expire_all()
    assert cached(setup.cycle.id) == recompute(setup.cycle.id)
