"""A streak rule's `points` consequence, once HR acts on it, is carried into the person's next
appraisal of the same template family: scored, explained, undone while that appraisal is open,
applied when its review opens, never twice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from okr.calibration.results import release
from okr.explain import describe_steps
from okr.extensions import db
from okr.flags.carry import carry_waiting
from okr.flags.models import StreakAction
from okr.objectives.models import Adjustment
from okr.reviews.services import breakdown
from tests.factories import (
    build_org,
    interview,
    interview_only_spec,
    open_cycle_review,
    rated_and_final,
)
from tests.helpers import text

QUARTERS = (date(2026, 2, 15), date(2026, 5, 15), date(2026, 8, 15))
SPEC = interview_only_spec(
    streaks=[
        {
            "key": "low_twice",
            "label": "连续两季低于90：扣1分",
            "cycles": 2,
            "when": {"below": "90"},
            "consequence": "points",
            "points": "-1",
        }
    ]
)


@pytest.fixture
def org(make_person, make_department):
    org = build_org(make_person, make_department, per_manager=2, spec=SPEC)
    for day in QUARTERS[:2]:
        review = open_cycle_review(org, day)
        for person in org.staff:
            rated_and_final(org, person, "85", review)
        release(review, org.spec)
        db.session.commit()
    return org


def _act(client, org, person, version=""):
    anchor = org.appraisal(person, org.reviews[1]).id
    return client.post(
        f"/reviews/flags/streaks/{anchor}/low_twice/act", data={"note": "", "version": version}
    )


def _undo(client, action):
    return client.post(
        f"/reviews/flags/streaks/actions/{action.id}/undo", data={"version": action.version}
    )


def _carried():
    db.session.expire_all()
    return list(
        db.session.scalars(select(Adjustment).where(Adjustment.streak_action_id.is_not(None)))
    )


def test_acting_carries_the_points_into_the_open_next_period_and_undo_takes_them_out(
    app, login, org
):
    person = org.staff[0]
    following = open_cycle_review(org, QUARTERS[2])
    interview(org, org.appraisal(person, following), "92")
    client = login(org.hr)
    assert _act(client, org, person).status_code == 303
    (row,) = _carried()
    assert (row.cycle_id, row.person_id, row.points) == (following.cycle_id, person.id, Decimal(-1))
    assert row.reason == "连续两季低于90：扣1分: 2026 Q1 · 2026 Q2"
    appraisal = org.appraisal(person, following)
    db.session.refresh(appraisal)
    assert appraisal.composite == Decimal(91)  # 92 rated, −1 carried, though free-form is off
    with app.test_request_context(headers={"Accept-Language": "en"}):
        lines = describe_steps(breakdown(appraisal, org.spec).steps, org.spec.glossary())
    assert any(
        "连续两季低于90：扣1分: 2026 Q1 · 2026 Q2" in line and "carried into this period" in line
        for line in lines
    )
    # acting again (a double click, or after someone else did) adds nothing
    assert _act(client, org, person).status_code == 409
    assert len(_carried()) == 1
    action = db.session.scalar(select(StreakAction))
    assert _undo(client, action).status_code == 303
    assert _carried() == []
    db.session.refresh(appraisal)
    assert appraisal.composite == Decimal(92)
    action = db.session.scalar(select(StreakAction))
    assert _act(client, org, person, str(action.version)).status_code == 303
    assert len(_carried()) == 1


def test_the_points_wait_for_the_next_review_and_come_when_it_opens_once(login, org):
    person = org.staff[0]
    client = login(org.hr)
    assert _act(client, org, person).status_code == 303
    assert _carried() == []  # no next period yet: the act waits
    following = open_cycle_review(org, QUARTERS[2])
    (row,) = _carried()
    assert (row.cycle_id, row.person_id) == (following.cycle_id, person.id)
    assert carry_waiting(following) == 0  # a retried opening job adds nothing
    db.session.commit()
    assert len(_carried()) == 1
    assert db.session.scalar(select(func.count(Adjustment.id))) == 1


def test_undo_is_refused_once_the_appraisal_it_went_into_is_finalized(login, org):
    person = org.staff[0]
    following = open_cycle_review(org, QUARTERS[2])
    client = login(org.hr)
    _act(client, org, person)
    appraisal = rated_and_final(org, person, "92", following)
    assert appraisal.composite == Decimal(91)
    action = db.session.scalar(select(StreakAction))
    response = _undo(client, action)
    assert response.status_code == 422
    assert "whose appraisal is finalized" in text(response)
    assert len(_carried()) == 1
    db.session.expire_all()
    assert db.session.scalar(select(StreakAction)).undone_at is None


def test_acting_when_the_next_appraisal_is_finalized_is_refused(login, org):
    person = org.staff[0]
    following = open_cycle_review(org, QUARTERS[2])
    rated_and_final(org, person, "92", following)
    response = _act(login(org.hr), org, person)
    assert response.status_code == 422
    assert "finalized already" in text(response)
    assert db.session.scalar(select(func.count(StreakAction.id))) == 0 and _carried() == []


def test_nobody_but_hr_acts_and_the_carried_points_are_not_deleted_by_hand(login, org):
    person = org.staff[0]
    following = open_cycle_review(org, QUARTERS[2])
    for who in (org.managers[0], person):
        assert _act(login(who), org, person).status_code in (403, 404)
    assert _carried() == []
    client = login(org.hr)
    _act(client, org, person)
    (row,) = _carried()
    manager = login(org.managers[0])
    response = manager.post(f"/okrs/adjustments/{row.id}/delete")
    assert response.status_code in (303, 403, 422)
    admin = login(org.hr)
    admin.post(f"/okrs/adjustments/{row.id}/delete")
    assert len(_carried()) == 1
    assert following.cycle_id == row.cycle_id


def test_the_carried_points_show_in_results_xlsx_and_the_record(app, login, org):
    import io

    from openpyxl import load_workbook

    from okr.records.data import build_record

    person, other = org.staff[:2]
    following = open_cycle_review(org, QUARTERS[2])
    client = login(org.hr)
    _act(client, org, person)
    for who in (person, other):
        rated_and_final(org, who, "92", following)
    response = client.get(f"/reviews/{following.id}/results.xlsx")
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][-1] == "Streak rule points carried"
    cells = {row[1]: (row[-1], row[rows[0].index("Composite")]) for row in rows[1:]}
    assert cells[person.name] == (-1, 91) and cells[other.name] == (None, 92)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        record = build_record(org.appraisal(person, following).id)
    assert ("连续两季低于90：扣1分: 2026 Q1 · 2026 Q2", "-1") in record.adjustments


def test_a_review_opened_by_the_job_gets_the_waiting_points_once(login, org, run_jobs):
    from okr.cycles.services import create_cycle
    from okr.reviews.open_job import start_opening

    person = org.staff[0]
    _act(login(org.hr), org, person)
    cycle = create_cycle("quarter", QUARTERS[2], make_current=True)
    days = (QUARTERS[2],) * 3
    start_opening("Q3 考核", cycle, org.template, [t.id for t in org.teams], days, org.hr)
    db.session.commit()
    run_jobs()
    (row,) = _carried()
    assert (row.cycle_id, row.person_id, row.points) == (cycle.id, person.id, Decimal(-1))
