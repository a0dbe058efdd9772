"""Build the benchmark company into the configured database, fast enough for 10,000 people.

What is generated (for N people; about 1,250 departments, 149k key results and 1.2M check-ins at
N = 10,000): the organisation (okr.bench.org), four quarters (two closed before OKRs were adopted,
the closed previous quarter, the running one), OKRs for the previous and running quarters
(okr.bench.okrs) and a finished review for each closed quarter (okr.bench.reviews).

Rows go straight into the model tables (okr.bench.bulk: COPY on PostgreSQL); the figures are the
domain core's and the review services' own computations. The built-in review and KR templates are
loaded through their services. Deterministic for a seed and a day (the running quarter's weeks
depend on the day). Flushes; the caller commits.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import bindparam, select, update
from werkzeug.security import generate_password_hash

from okr.bench import org as organisation
from okr.bench.bulk import Loader
from okr.bench.checkins import CheckInPlan
from okr.bench.okrs import CycleRef, OKRWriter, individual_goals
from okr.bench.reviews import ReviewWriter
from okr.bench.scoring import Scorer
from okr.bench.words import COMPANY
from okr.cycles.models import Cycle, CycleChange
from okr.db import local_date, utcnow
from okr.domain.periods import CycleKind, Period, period_containing, previous_period
from okr.extensions import db
from okr.kr_templates.services import load_builtin_templates as load_kr_templates
from okr.org.models import Company, Department, Person
from okr.review_templates.services import load_builtin_templates as load_review_templates
from okr.reviews.models import ReviewTemplate
from okr.reviews.services import spec_of

BENCH_PASSWORD = "bench1234"
FULL_TEMPLATE = "okr-default"
HISTORY_TEMPLATE = "marketing-specialist"  # the 考核表 used before the company adopted OKRs


@dataclass
class Summary:
    people: int
    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)


class _Clock:
    def __init__(self, summary: Summary) -> None:
        self.summary, self.last = summary, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.summary.seconds[name] = self.summary.seconds.get(name, 0) + now - self.last
        self.last = now


def _templates() -> dict[str, ReviewTemplate]:
    load_review_templates()
    load_kr_templates()
    db.session.flush()
    rows = db.session.scalars(
        select(ReviewTemplate).where(
            ReviewTemplate.family.in_((FULL_TEMPLATE, HISTORY_TEMPLATE)),
            ReviewTemplate.retired.is_(False),
        )
    )
    return {t.family: t for t in rows}


def _write_org(loader: Loader, built: organisation.Org, since: datetime) -> None:
    company = loader.sink(Company.__table__, ["id", "name", "okr_transparency"])
    company.add(loader.next_id(Company.__table__), COMPANY, False)
    company.close()
    departments = loader.sink(
        Department.__table__, ["id", "name", "parent_id", "head_id", "created_at", "version"]
    )
    for d in built.departments:
        departments.add(d.id, d.name, d.parent.id if d.parent else None, None, since, 1)
    departments.close()
    people = loader.sink(
        Person.__table__,
        ["id", "name", "email", "position", "department_id", "manager_id", "is_admin", "active",
         "password_hash", "locale", "timezone", "created_at", "updated_at", "version"],
    )  # fmt: skip
    password = generate_password_hash(BENCH_PASSWORD)  # one hash: hashing 10,000 takes minutes
    for p in built.people:
        people.add(
            p.id, p.name, p.email, p.position, p.dept.id, p.manager.id if p.manager else None,
            p.is_admin, True, password, None, None, since, since, 1,
        )  # fmt: skip
    people.close()
    table = Department.__table__
    loader.execute(
        update(table).where(table.c.id == bindparam("d_id")).values(head_id=bindparam("h_id")),
        [{"d_id": d.id, "h_id": d.head.id} for d in built.departments if d.head],
    )


def _cycles(
    loader: Loader, current: Period, hr: organisation.Person, zone: ZoneInfo
) -> list[CycleRef]:
    """Three closed quarters and the running one (current), with their status changes."""
    periods = [current]
    for _ in range(3):
        periods.insert(0, previous_period(periods[0]))
    cycles = loader.sink(
        Cycle.__table__,
        [
            "id",
            "kind",
            "label",
            "start",
            "end",
            "status",
            "is_current",
            "attainment_cap",
            "version",
        ],
    )
    changes = loader.sink(
        CycleChange.__table__,
        ["id", "cycle_id", "from_status", "to_status", "reason", "actor_id", "at"],
    )
    refs = []
    for period in periods:
        closed = period is not current
        ref = CycleRef(loader.next_id(Cycle.__table__), period, Decimal(1), closed)
        refs.append(ref)
        status = "closed" if closed else "running"
        cycles.add(
            ref.id,
            "quarter",
            period.label,
            period.start,
            period.end,
            status,
            not closed,
            ref.cap,
            1,
        )
        steps = [("planning", "running", period.start)]
        if closed:
            steps += [
                ("running", "reviewing", period.end),
                ("reviewing", "closed", period.end + timedelta(days=16)),
            ]
        for before, after, day in steps:
            at = datetime.combine(day, clock(9), zone).astimezone(UTC)
            changes.add(loader.next_id(CycleChange.__table__), ref.id, before, after, "", hr.id, at)
    cycles.close()
    changes.close()
    return refs


def seed(
    people: int, seed: int = 1, today: date | None = None, workers: int | None = None
) -> Summary:
    """Generate a company of `people` into an empty database (flushes; the caller commits).

    `workers` processes compute the review breakdowns (default: two cores from 2,000 people).
    """
    if db.session.scalar(select(Person.id).limit(1)) is not None:
        raise ValueError(
            "The database already has people; the benchmark company needs an empty one."
        )
    summary = Summary(people)
    lap = _Clock(summary)
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    today = today or local_date(utcnow())
    templates = _templates()
    loader = Loader(db.session.connection(), db.metadata.sorted_tables)
    try:
        return _generate(loader, summary, lap, people, seed, today, zone, templates, workers)
    except BaseException:
        with contextlib.suppress(Exception):  # the first error is the one to see
            loader.stop()
        raise


def _generate(
    loader: Loader,
    summary: Summary,
    lap: _Clock,
    people: int,
    seed: int,
    today: date,
    zone: ZoneInfo,
    templates: dict[str, ReviewTemplate],
    workers: int | None,
) -> Summary:
    ids = {
        "department": itertools.count(loader.ids(Department.__table__, 0).start),
        "person": itertools.count(loader.ids(Person.__table__, 0).start),
    }
    built = organisation.build_org(people, seed, ids)  # type: ignore[arg-type]
    loader.ids(Department.__table__, len(built.departments))
    loader.ids(Person.__table__, len(built.people))
    current = period_containing(CycleKind.QUARTER, today)
    history = [previous_period(previous_period(current))]
    history.insert(0, previous_period(history[0]))
    since = datetime.combine(history[0].start - timedelta(days=30), clock(9), zone).astimezone(UTC)
    _write_org(loader, built, since)
    hr = next(p for p in built.people if p.email == organisation.ACCOUNTS["hr"])
    summary.accounts = dict(organisation.ACCOUNTS)
    lap.lap("organisation")

    cycles = _cycles(loader, current, hr, zone)
    if workers is None:  # two cores pay off once spawning the workers is small beside the work
        workers = min(2, os.cpu_count() or 1) if people >= 2000 else 1
    scorer = Scorer({family: t.spec for family, t in templates.items()}, workers)
    now = datetime.combine(today, clock(8), zone).astimezone(UTC)
    reviews = ReviewWriter(loader, seed, zone, hr, now)
    history = templates[HISTORY_TEMPLATE]
    pending = [  # computed by the workers while the OKRs are generated here
        reviews.prepare(built, ref, history.id, spec_of(history), HISTORY_TEMPLATE, None, scorer)
        for ref in cycles[:2]
    ]
    lap.lap("reviews")
    approver = {p: p.manager or hr for p in built.people}
    okrs: dict[int, OKRWriter] = {}
    for ref in cycles[2:]:
        writer = OKRWriter(loader, seed, zone)
        writer.plan(built, ref, previous=ref.closed)
        writer.check_in(CheckInPlan(ref, today, zone))
        lap.lap("generate OKRs")
        writer.score(ref.cap, loader.exact)
        lap.lap("score OKRs")
        planned = datetime.combine(ref.period.start - timedelta(days=10), clock(10), zone)
        writer.write(ref, approver, planned.astimezone(UTC))
        if ref.closed:  # the review needs it; the running quarter's objects can go
            okrs[ref.id] = writer
        lap.lap("write OKRs")

    full = templates[FULL_TEMPLATE]
    previous_goals = individual_goals(okrs[cycles[2].id])
    pending.append(
        reviews.prepare(
            built, cycles[2], full.id, spec_of(full), FULL_TEMPLATE, previous_goals, scorer
        )
    )
    for review in pending:
        reviews.complete(review)
    scorer.close()
    lap.lap("reviews")
    reviews.close()
    loader.finish()
    lap.lap("write reviews")
    summary.rows = dict(loader.written)
    return summary
