"""The benchmark company generator: valid by the app's own rules, on both databases.

A 60-person company (4 department levels, a running quarter with weekly check-ins, three
finished reviews) is checked with the app's services: weights, specs, cached progress against a
recompute, latest check-ins, frozen breakdowns, ranks, plans, flags, sign-in and sequences.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from okr.bench import org as organisation
from okr.bench.scoring import Scorer, score
from okr.bench.seed import BENCH_PASSWORD, FULL_TEMPLATE, seed
from okr.calibration.ranks import department_ranks
from okr.checkins.services import latest_checkins
from okr.cycles.models import Cycle
from okr.domain.krspec import ensure_valid_spec
from okr.extensions import db
from okr.flags import queries as flags
from okr.objectives.approval import set_query, weight_report
from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.objectives.progress import refresh_key_result, refresh_objective_chain
from okr.objectives.rules import spec_of as kr_spec_of
from okr.org.models import Department, Person
from okr.plans.drafting import draft_plan
from okr.reviews.models import (
    Appraisal,
    CalibrationChange,
    ImprovementItem,
    ImprovementPlan,
    Review,
    ReviewTemplate,
)
from okr.reviews.services import breakdown, spec_of

PEOPLE = 60
TODAY = date(2026, 12, 1)  # a Tuesday in the tenth week of 2026 Q4
CJK = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


@pytest.fixture
def company(app: Flask) -> Flask:
    summary = seed(PEOPLE, 7, TODAY)
    db.session.commit()
    assert summary.rows["person"] == PEOPLE
    return app


def _current() -> Cycle:
    return db.session.scalars(select(Cycle).where(Cycle.is_current)).one()


def _by_email(role: str) -> Person:
    email = organisation.ACCOUNTS[role]
    return db.session.scalars(select(Person).where(Person.email == email)).one()


def test_organisation_is_a_tree_four_levels_deep_with_one_top(company: Flask) -> None:
    people = db.session.scalars(select(Person)).all()
    departments = {d.id: d for d in db.session.scalars(select(Department))}
    assert len(people) == PEOPLE
    tops = [p for p in people if p.manager_id is None]
    assert [p.email for p in tops] == [organisation.ACCOUNTS["ceo"]]
    by_id = {p.id: p for p in people}
    for person in people:  # every chain ends at the top, without loops
        seen, current = set(), person
        while current.manager_id is not None:
            assert current.id not in seen
            seen.add(current.id)
            current = by_id[current.manager_id]
        assert current is tops[0]
        assert CJK.match(person.name), person.name
    depth = {}
    for department in departments.values():
        level, up = 1, department
        while up.parent_id is not None:
            level, up = level + 1, departments[up.parent_id]
        depth[department.id] = level
        head = by_id[department.head_id]
        assert head.department_id == department.id
    assert max(depth.values()) == 4
    reports = Counter(p.manager_id for p in people if p.manager_id)
    assert reports[_by_email("manager").id] == 8
    assert _by_email("hr").is_admin and not reports[_by_email("hr").id]


def test_generator_is_deterministic_for_a_seed() -> None:
    def plan(seed_: int) -> list[tuple[str, str, str, str]]:
        built = organisation.build_org(
            500, seed_, {"department": itertools.count(1), "person": itertools.count(1)}
        )
        return [(p.name, p.email, p.position, p.dept.name) for p in built.people]

    assert plan(3) == plan(3)
    assert plan(3) != plan(4)


def test_every_weighted_set_sums_to_100_and_every_rule_is_valid(company: Flask) -> None:
    kinds = Counter()
    for cycle in db.session.scalars(select(Cycle)):
        objectives = db.session.scalars(
            select(Objective)
            .where(Objective.cycle_id == cycle.id)
            .options(db.selectinload(Objective.key_results))
        ).all()
        sets = {
            (o.level, o.owner_id if o.level == "individual" else o.department_id)
            for o in objectives
        }
        for level, key in sets:
            stmt = set_query(
                cycle,
                level,
                owner_id=key if level == "individual" else None,
                department_id=key if level == "department" else None,
            ).options(db.selectinload(Objective.key_results))
            report = weight_report(list(db.session.scalars(stmt)))
            assert report.ok, (cycle.label, level, key, report.problems)
        for objective in objectives:
            for kr in objective.key_results:
                ensure_valid_spec(kr_spec_of(kr))
                kinds[kr.kind] += 1
    assert len(kinds) == 8, kinds  # every kind of key result appears


def test_cached_progress_equals_a_recompute(company: Flask) -> None:
    cycle = _current()
    employee = _by_email("employee")
    mine = db.session.scalars(
        select(Objective)
        .where(Objective.cycle_id == cycle.id, Objective.owner_id == employee.id)
        .options(db.selectinload(Objective.key_results))
    ).all()
    sample = db.session.scalars(
        select(Objective).where(Objective.cycle_id == cycle.id, Objective.level == "individual")
        .order_by(Objective.id).limit(12)
    ).all()  # fmt: skip
    before = {o.id: (o.progress, o.confidence) for o in db.session.scalars(select(Objective))}
    kr_ids = [kr.id for o in mine for kr in o.key_results]
    kr_before = {kr.id: (kr.progress, kr.points) for o in mine for kr in o.key_results}
    db.session.expire_all()  # recompute from the rows, as a check-in does
    for objective in [*mine, *sample]:
        refresh_objective_chain(objective.id)  # the objective and everything above it
    db.session.commit()
    db.session.expire_all()
    after = {o.id: (o.progress, o.confidence) for o in db.session.scalars(select(Objective))}
    assert after == before
    for kr in db.session.scalars(select(KeyResult).where(KeyResult.id.in_(kr_ids))):
        refresh_key_result(kr, cycle.attainment_cap)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.scalars(select(KeyResult).where(KeyResult.id.in_(kr_ids)))
    assert {kr.id: (kr.progress, kr.points) for kr in stored} == kr_before
    levels = {
        o.level for o in db.session.scalars(select(Objective).where(Objective.progress.is_(None)))
    }
    assert not levels  # everything has a figure


def test_latest_state_is_the_newest_check_in_about_ten_a_key_result(company: Flask) -> None:
    cycle = _current()
    counts = dict(
        db.session.execute(
            select(CheckIn.key_result_id, func.count())
            .join(KeyResult, KeyResult.id == CheckIn.key_result_id)
            .join(Objective, Objective.id == KeyResult.objective_id)
            .where(Objective.cycle_id == cycle.id)
            .group_by(CheckIn.key_result_id)
        ).all()
    )
    assert set(counts.values()) <= {9, 10}  # ten weeks so far; some not yet this week
    krs = db.session.scalars(select(KeyResult).where(KeyResult.id.in_(list(counts)[:40]))).all()
    newest = latest_checkins([kr.id for kr in krs])
    for kr in krs:
        last = newest[kr.id]
        assert (kr.current, kr.confidence, kr.last_note) == (last.value, last.confidence, last.note)
        assert kr.last_checkin_at == last.created_at
        assert last.week <= TODAY and last.created_at.date() < TODAY


def test_previous_review_is_released_and_every_frozen_figure_recomputes(company: Flask) -> None:
    reviews = db.session.scalars(select(Review).join(Cycle).order_by(Cycle.start)).all()
    assert [r.status for r in reviews] == ["released"] * 3
    review = reviews[-1]
    template = db.session.get(ReviewTemplate, review.template_id)
    assert template.family == FULL_TEMPLATE
    spec = spec_of(template)
    appraisals = db.session.scalars(select(Appraisal).where(Appraisal.review_id == review.id)).all()
    assert len(appraisals) == PEOPLE
    assert all(a.finalized_at and a.released_at and a.result for a in appraisals)
    assert {a.status for a in appraisals} <= {"calibrated", "acknowledged"}
    overridden = set(db.session.scalars(select(CalibrationChange.appraisal_id)))
    for appraisal in appraisals:
        assert breakdown(appraisal, spec).to_data() == appraisal.result
        assert appraisal.composite == db.session.get(Appraisal, appraisal.id).composite
        assert appraisal.grade == appraisal.result["grade"]
        assert (appraisal.final_grade != appraisal.grade) == (appraisal.id in overridden)
    ranks = department_ranks(review, {a.department_id for a in appraisals})
    assert {a.id: a.rank for a in appraisals} == ranks


def test_plans_are_drafted_for_plan_grades_as_finalize_drafts_them(company: Flask) -> None:
    review = db.session.scalars(select(Review).join(Cycle).order_by(Cycle.start.desc())).first()
    spec = spec_of(db.session.get(ReviewTemplate, review.template_id))
    appraisals = db.session.scalars(select(Appraisal).where(Appraisal.review_id == review.id)).all()
    planned = set(db.session.scalars(select(ImprovementPlan.appraisal_id)))
    needing = [a for a in appraisals if a.grade in spec.domain.improvement_plan_grades]
    assert needing and {a.id for a in needing} <= planned
    assert not {a.id for a in appraisals if a not in needing} & planned
    for appraisal in [a for a in needing if a.final_grade == a.grade][:5]:
        plan = db.session.scalars(
            select(ImprovementPlan).where(ImprovementPlan.appraisal_id == appraisal.id)
        ).one()

        def items(plan_id: int) -> list[tuple[object, ...]]:
            return [
                (i.section, i.title, i.current, i.target, i.owner_id, i.due)
                for i in db.session.scalars(
                    select(ImprovementItem).where(ImprovementItem.plan_id == plan_id)
                    .order_by(ImprovementItem.id)
                )
            ]  # fmt: skip

        generated = items(plan.id)
        db.session.delete(plan)
        db.session.flush()
        redrafted = draft_plan(appraisal, spec)
        assert redrafted is not None and items(redrafted.id) == generated
        db.session.rollback()


def test_history_flags_some_people_but_not_everyone(company: Flask) -> None:
    specs = flags.template_specs()
    found = flags.flagged(specs, 3, None, False, "合格")
    assert 0 < len(found) < PEOPLE
    assert all(f.streak >= 3 for f in found)


def test_benchmark_accounts_sign_in_and_new_rows_get_fresh_ids(company: Flask) -> None:
    from okr.auth.services import authenticate
    from okr.org.services import PersonData, create_person

    for email in organisation.ACCOUNTS.values():
        assert authenticate(email, BENCH_PASSWORD, "127.0.0.1") is not None
    employee = _by_email("employee")
    person = create_person(
        PersonData("新同事", "new@example.com", "", employee.department_id, employee.id, False),
        "a password",
    )
    db.session.commit()  # a sequence left behind the copied ids would collide here
    assert person.id > max(db.session.scalars(select(Person.id).where(Person.id != person.id)))
    if db.engine.dialect.name == "postgresql":
        kept = db.session.scalar(
            text(
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f'"
                " AND conrelid = CAST('check_in' AS regclass)"
            )
        )
        # the foreign keys dropped for COPY are back (and were checked)
        assert kept == len({fk.constraint for fk in CheckIn.__table__.foreign_keys})


def test_seed_refuses_a_database_with_people(company: Flask) -> None:
    with pytest.raises(ValueError, match="already has people"):
        seed(PEOPLE, 7, TODAY)


def test_cli_builds_the_company_and_says_how_to_sign_in(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["bench", "seed", "--people", "40", "--today", TODAY.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert "Generated 40 people" in result.output
    assert organisation.ACCOUNTS["manager"] in result.output
    assert db.session.scalar(select(func.count(Person.id))) == 40


def test_worker_processes_compute_what_the_main_process_computes(app: Flask) -> None:
    from okr.review_templates.services import load_builtin_templates

    load_builtin_templates()
    db.session.commit()
    template = db.session.scalars(
        select(ReviewTemplate).where(ReviewTemplate.family == FULL_TEMPLATE)
    ).one()
    from datetime import UTC, datetime
    from decimal import Decimal

    at = datetime(2026, 10, 9, 2, tzinfo=UTC)
    batch = [
        (
            n, 1, 100 + n, {"results": "4", "skills": str(2 + n % 3), "attitude": "3"},
            {"results": "4", "skills": "4", "attitude": "4"},
            [("提升网站自然搜索流量", Decimal("0.8125"), Decimal(60)), ("夯实工作质量与规范", Decimal("0.5"), Decimal(40))],
            [(10 * n, 7, {"cooperation": "4", "innovation": "3", "execution": "2"}, at),
             (10 * n + 1, 8, {"cooperation": "3", "innovation": "3", "execution": "4"}, at)],
            [(n, None, 1, "季度销售排名前三", Decimal(2)), (10 + n, "typo", 2, "错别字", Decimal(-1))]
            if n % 2 else [],
        )
        for n in range(1, 5)
    ]  # fmt: skip
    here = Scorer({FULL_TEMPLATE: template.spec}, 1).submit(FULL_TEMPLATE, batch).result()
    pool = Scorer({FULL_TEMPLATE: template.spec}, 2)
    try:
        assert pool.submit(FULL_TEMPLATE, batch).result() == here == score(FULL_TEMPLATE, batch)
    finally:
        pool.close()
