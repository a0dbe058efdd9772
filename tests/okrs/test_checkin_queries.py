"""A check-in's cost does not grow with the company: the same few statements, and the parents'
figures summed by the database rather than read child by child (issue 9)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from okr.db import stored
from okr.domain.rollup import ProgressRule, WeightedValue, parent_progress
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective
from tests.factories import World, build_world, check_in_all, okr_set, replan, resume
from tests.helpers import post

MOST_STATEMENTS = 12  # issue 9: a check-in at a whole company's scale


def aligned_world(make_person, make_department) -> tuple[World, Objective, Objective, KeyResult]:
    """The world with a company objective (children rule), the team's below it and the person's
    below the team's: a check-in moves all three."""
    w = build_world(make_person, make_department)
    status = replan(w.cycle, w.hr)
    company, _ = okr_set(w.cycle, w.director, w.hr, level="company")
    company.progress_rule = ProgressRule.CHILDREN.value
    team, _ = okr_set(
        w.cycle, w.manager, w.manager, level="department", department=w.team, parent=company
    )
    team.progress_rule = ProgressRule.BOTH.value
    _mine, krs = okr_set(w.cycle, w.person, w.person, parent=team)
    resume(w.cycle, status, w.hr)
    db.session.commit()
    return w, company, team, krs[0]


def more_below(w: World, make_person, company: Objective, team: Objective, people: int) -> None:
    """`people` newcomers with a checked-in objective under the team's, as many under the
    company's directly, and some without progress yet (skipped by the roll-up)."""
    status = replan(w.cycle, w.hr)
    owned = []
    for number in range(people):
        for parent in (team, company):
            newcomer = make_person(f"新同事{parent.id}-{number}", department=w.team)
            owned.append((number, newcomer, okr_set(w.cycle, newcomer, newcomer, parent=parent)[1]))
    resume(w.cycle, status, w.hr)
    for number, newcomer, krs in owned:
        if number % 5:
            check_in_all(krs, newcomer, Decimal(number % 7 + 1) / 8)
    db.session.commit()


def counted_check_in(client, count_queries, kr: KeyResult, value: str) -> int:
    db.session.expire_all()
    kr = db.session.get_one(KeyResult, kr.id)
    with count_queries() as counted:
        response = post(client, kr, value=value)
    assert response.status_code == 200, response.get_data(as_text=True)
    return counted.count


def test_a_check_in_takes_the_same_few_statements_however_many_objectives_align_below(
    client, login, make_person, make_department, count_queries
):
    w, company, team, kr = aligned_world(make_person, make_department)
    login(w.person)
    small = counted_check_in(client, count_queries, kr, "5")
    more_below(w, make_person, company, team, 12)
    large = counted_check_in(client, count_queries, kr, "7")
    assert small == large <= MOST_STATEMENTS


def test_the_parents_figures_are_the_mean_of_all_their_children_after_a_check_in(
    client, login, make_person, make_department
):
    w, company, team, kr = aligned_world(make_person, make_department)
    more_below(w, make_person, company, team, 6)
    login(w.person)
    assert post(client, kr, value="13").status_code == 200
    db.session.expire_all()
    for parent in (team, company):
        parent = db.session.get_one(Objective, parent.id)
        children = db.session.scalars(select(Objective).where(Objective.parent_id == parent.id))
        own = db.session.scalars(select(KeyResult).where(KeyResult.objective_id == parent.id))
        expected = parent_progress(
            ProgressRule(parent.progress_rule),
            [WeightedValue.of(k.title, k.progress, k.weight) for k in own],
            [(c.title, c.progress) for c in children],
        ).progress
        assert expected is not None
        assert parent.progress == stored(expected)
