"""The runs of low cycles counted in SQL (okr.flags.runs) are okr.domain's consecutive_low.

Varied histories (open and finalized results, composites at and a hair either side of the
threshold, missing composites and grades, out-of-order cycles, deactivated people) are drawn
from fixed seeds, stored, and every rule's SQL answer is compared with the domain's count over
each person's history read back in cycle order.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.domain.calibration import ConsecutiveLowRule, CycleOutcome, consecutive_low
from okr.extensions import db
from okr.flags.runs import flagged_count, streak_page
from okr.reviews.models import Appraisal, Review
from tests.factories import build_org, open_cycle_review

# Created out of order: a run follows the cycles' start, not their ids.
DAYS = (date(2026, 8, 15), date(2026, 2, 15), date(2026, 11, 21), date(2026, 5, 15))
SCORES = [
    None,
    Decimal("0"),
    Decimal("-2.5"),
    Decimal("0.0000001"),
    Decimal("89.999999999999"),
    Decimal("90"),
    Decimal("90.000000000001"),
    Decimal("75.25"),
    Decimal("120"),
    Decimal("999.999999999999"),
]
RULES = [
    ConsecutiveLowRule(1, Decimal(90)),
    ConsecutiveLowRule(2, Decimal(90), inclusive=True),
    ConsecutiveLowRule(3, Decimal(90)),
    ConsecutiveLowRule(1, Decimal("89.999999999999")),
    ConsecutiveLowRule(2, Decimal("0.0000001"), inclusive=True),
    ConsecutiveLowRule(1, None, grades=frozenset({"不合格"})),
    ConsecutiveLowRule(2, None, grades=frozenset({"合格", "不合格"})),
    ConsecutiveLowRule(1, Decimal(90), grades=frozenset({"不合格"})),
    ConsecutiveLowRule(4, Decimal(1000), inclusive=True),
]


@pytest.fixture
def org(make_person, make_department):
    org = build_org(make_person, make_department, teams=2, per_manager=7)
    for day in DAYS:
        open_cycle_review(org, day)
    return org


def scramble(org, seed: int) -> None:
    """Give every appraisal a drawn composite, grade and state; deactivate a drawn few."""
    draw = random.Random(seed)
    for appraisal in db.session.scalars(select(Appraisal)):
        appraisal.composite = draw.choice(SCORES)
        appraisal.final_grade = draw.choice([None, "优秀", "良好", "合格", "不合格"])
        finalized = draw.random() < 0.8
        appraisal.finalized_at = datetime(2027, 1, 5, tzinfo=UTC) if finalized else None
        appraisal.status = "finalized" if finalized else "open"
    for person in org.staff + org.managers:
        person.active = draw.random() > 0.1
    db.session.commit()


def domain_flags(org, rule, departments=None) -> list[tuple[int, str, int]]:
    """(person, name, run) by okr.domain, longest runs first, then by name and id."""
    rows = db.session.execute(
        select(Appraisal.person_id, Appraisal.composite, Appraisal.final_grade)
        .join(Review, Review.id == Appraisal.review_id)
        .join(Cycle, Cycle.id == Review.cycle_id)
        .where(Appraisal.finalized_at.is_not(None))
        .order_by(Cycle.start, Appraisal.id)
    )
    history: dict[int, list[CycleOutcome]] = {}
    for person_id, composite, grade in rows:
        history.setdefault(person_id, []).append(CycleOutcome(composite, grade))
    found = []
    for person in org.staff + org.managers:
        if not person.active or (departments and person.department_id not in departments):
            continue
        verdict = consecutive_low(history.get(person.id, []), rule)
        if verdict.flagged:
            found.append((person.id, person.name, verdict.streak))
    return sorted(found, key=lambda f: (-f[2], f[1], f[0]))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_sql_runs_are_the_domains_consecutive_low(app, org, seed):
    scramble(org, seed)
    team = frozenset({org.teams[0].id})
    for rule in RULES:
        for departments in (None, team):
            expected = domain_flags(org, rule, departments)
            found, total = streak_page(rule, departments, 0, None)
            assert [(s.person_id, s.name, s.streak) for s in found] == expected, rule
            assert total == len(expected) == flagged_count(rule, departments)


def test_a_page_of_runs_is_its_slice_of_the_whole_list(app, org):
    scramble(org, 7)
    rule = RULES[0]
    everyone, total = streak_page(rule, None, 0, None)
    assert total > 4
    page, page_total = streak_page(rule, None, 2, 3)
    assert page == everyone[2:5] and page_total == total
    assert streak_page(rule, None, total, 3) == ([], 0)
