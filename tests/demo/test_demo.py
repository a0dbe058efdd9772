"""The demo company as of a given moment: nothing dated after it, this week as intended, and
every role's main journey open for the person README names (loading takes a while: two loads
per database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from okr.checkins.due import due
from okr.checkins.services import latest_checkins
from okr.cycles.models import Cycle
from okr.cycles.services import current_cycle
from okr.db import UTCDateTime, dated, local_date
from okr.demo.loader import load_demo
from okr.domain.periods import week_start
from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult, Objective
from okr.org.models import Person
from okr.reviews.models import (
    Appraisal,
    CalibrationChange,
    ImprovementItem,
    ImprovementPlan,
    PeerForm,
    Review,
)
from okr.team.queries import not_checked_in, team_query
from okr.team.weekly import cycle_weeks, report_week, weekly_table
from tests.helpers import sign_in, text

SHANGHAI = ZoneInfo("Asia/Shanghai")
TUESDAY_AFTERNOON = datetime(2026, 12, 1, 15, 0, tzinfo=SHANGHAI)
# a Monday just after midnight, early in a quarter (its review of last quarter barely begun)
MONDAY_NIGHT = datetime(2026, 10, 5, 0, 30, tzinfo=SHANGHAI)
# by INDIVIDUAL's order, every third person and the demo employee have not checked in this week
NOT_THIS_WEEK = {"李喆", "何静", "陈思远", "郑堃", "高晨", "张玥"}


def _people() -> dict[str, Person]:
    return {p.email: p for p in db.session.scalars(select(Person))}


def _assert_nothing_after(now: datetime) -> None:
    """Every stored moment (each timestamp column, follow-up notes) is at or before `now`."""
    columns = [
        column
        for table in db.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, UTCDateTime)
    ]
    filled = 0
    for column in columns:
        latest = db.session.scalar(select(func.max(column)))
        if latest is None:
            continue
        filled += 1
        latest = latest if latest.tzinfo else latest.replace(tzinfo=UTC)
        assert latest <= now, f"{column.table.name}.{column.name} = {latest} is after {now}"
    assert filled >= 20  # not vacuous: the demo wrote most of them
    notes = [n for i in db.session.scalars(select(ImprovementItem)) for n in i.follow_ups or []]
    assert notes and all(datetime.fromisoformat(n["at"]) <= now for n in notes)
    # a key result's history reads in order: newer entries are never dated earlier
    rows = db.session.execute(
        select(CheckIn.key_result_id, CheckIn.created_at, CheckIn.week).order_by(CheckIn.id)
    ).all()
    last: dict[int, datetime] = {}
    for kr_id, at, week in rows:
        assert at >= last.get(kr_id, at), kr_id
        assert week == week_start(local_date(at))
        last[kr_id] = at


def _current_krs(person: Person, cycle: Cycle) -> list[KeyResult]:
    return list(
        db.session.scalars(
            select(KeyResult)
            .join(Objective)
            .where(Objective.owner_id == person.id, Objective.cycle_id == cycle.id)
        )
    )


def _assert_this_week(now: datetime, waiting: set[str]) -> None:
    """Who has not checked in since Monday is who the demo means; the 周报 agrees with 最新."""
    people = _people()
    cycle = current_cycle(local_date(now))
    assert cycle is not None and cycle.status == "running"
    boss = people["wangzhiyuan@example.com"]
    stragglers = not_checked_in(cycle, team_query(boss), now)
    assert {p.name for p in stragglers.people} == waiting
    with dated(now):  # My week's "not updated this week", as of `now`
        assert all(due(kr, cycle) for kr in _current_krs(people["zhangyue@example.com"], cycle))
        colleague = [due(kr, cycle) for kr in _current_krs(people["liuyu@example.com"], cycle)]
        assert colleague == [("刘彧" in waiting)] * len(colleague)
    week = report_week(cycle_weeks(cycle), local_date(now))
    table = weekly_table(cycle, team_query(boss), week)
    latest = latest_checkins([row.kr_id for row in table.rows])
    assert table.rows
    for row in table.rows:
        checkin = latest.get(row.kr_id)
        assert row.latest == (checkin.value if checkin else None)
        if checkin is not None and checkin.week == week.monday:
            assert row.values[-1] == checkin.value
        else:
            assert row.values[-1] is None


def test_loaded_on_a_monday_night_nothing_is_later_and_nobody_checked_in_this_week(app):
    load_demo(MONDAY_NIGHT)
    db.session.commit()
    _assert_nothing_after(MONDAY_NIGHT)
    everyone = {
        p.name
        for p in _people().values()
        if p.email not in ("linhui@example.com", "wangzhiyuan@example.com")
    }
    _assert_this_week(MONDAY_NIGHT, everyone)
    # last week's check-ins are there, on its Friday afternoon
    monday = MONDAY_NIGHT.date()
    newest = db.session.scalar(select(func.max(CheckIn.created_at)))
    assert local_date(newest) == monday - timedelta(days=3)


def _appraisal(person: Person, review: Review) -> Appraisal:
    return db.session.scalar(
        select(Appraisal).where(Appraisal.person_id == person.id, Appraisal.review_id == review.id)
    )


def test_loaded_on_a_tuesday_every_journey_is_open(app, run_jobs):
    load_demo(TUESDAY_AFTERNOON)
    db.session.commit()
    _assert_nothing_after(TUESDAY_AFTERNOON)
    _assert_this_week(TUESDAY_AFTERNOON, NOT_THIS_WEEK)

    people = _people()
    zhang, boss, hr = (
        people["zhangyue@example.com"],
        people["wangzhiyuan@example.com"],
        people["linhui@example.com"],
    )
    last_review, this_review = db.session.scalars(select(Review).order_by(Review.id)).all()
    cycle = current_cycle(local_date(TUESDAY_AFTERNOON))
    employee = sign_in(app.test_client(), zhang)
    manager = sign_in(app.test_client(), boss)
    admin = sign_in(app.test_client(), hr)

    # 张玥: check in on a key result
    kr = _current_krs(zhang, cycle)[0]
    week = text(employee.get("/week/"))
    assert f'action="/week/key-results/{kr.id}/check-in"' in week
    response = employee.post(
        f"/week/key-results/{kr.id}/check-in",
        data={"value": str(kr.current + 100), "confidence": "on_track", "version": kr.version},
    )
    assert response.status_code == 303

    # 张玥: her self-assessment of this quarter
    mine = _appraisal(zhang, this_review)
    assert mine.self_submitted_at is None
    page = text(employee.get(f"/reviews/appraisals/{mine.id}"))
    assert f'action="/reviews/appraisals/{mine.id}/self"' in page
    response = employee.post(
        f"/reviews/appraisals/{mine.id}/self",
        data={
            "action": "submit",
            "version": str(mine.version),
            "reflection": "自然流量稳步增长",
            "rating-results": "4",
            "rating-skills": "4",
            "rating-attitude": "5",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert _appraisal(zhang, this_review).self_submitted_at is not None

    # 张玥: a colleague's peer form
    form = db.session.scalar(
        select(PeerForm).where(PeerForm.rater_id == zhang.id, PeerForm.submitted_at.is_(None))
    )
    assert form is not None
    assert f'href="/reviews/peer-forms/{form.id}"' in text(employee.get("/reviews/peer-forms/"))
    response = employee.post(
        f"/reviews/peer-forms/{form.id}",
        data={
            "action": "submit",
            "version": str(form.version),
            "comment": "配合积极",
            "rating-cooperation": "4",
            "rating-innovation": "4",
            "rating-execution": "5",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(PeerForm, form.id).submitted_at is not None

    # 张玥: acknowledge last quarter's released result
    released = _appraisal(zhang, last_review)
    assert released.released_at is not None and released.acknowledged_at is None
    response = employee.post(
        f"/reviews/appraisals/{released.id}/acknowledge",
        data={"answer": "agree", "note": "", "version": str(released.version)},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert _appraisal(zhang, last_review).acknowledgement == "agree"

    # 张玥: follow her improvement plan (agreed in her interview)
    plan = db.session.scalar(
        select(ImprovementPlan).where(ImprovementPlan.appraisal_id == released.id)
    )
    assert plan is not None and plan.status == "agreed"
    item = db.session.scalar(
        select(ImprovementItem)
        .where(ImprovementItem.plan_id == plan.id, ImprovementItem.owner_id == zhang.id)
        .order_by(ImprovementItem.id)
    )
    assert item is not None
    url = f"/reviews/appraisals/{released.id}/plan"
    assert f'id="plan-item-{item.id}"' in text(employee.get(url))
    response = employee.post(
        f"{url}/items/{item.id}/notes", data={f"note{item.id}-text": "本周完成关键词调研"}
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ImprovementItem, item.id).follow_ups[-1]["text"] == "本周完成关键词调研"

    # 王志远: approve an OKR set waiting on his home page
    home = text(manager.get("/"))
    hejing = people["hejing@example.com"]
    assert f'href="/okrs/people/{hejing.id}?cycle={cycle.id}">何静</a>' in home
    waiting = db.session.scalar(
        select(Objective).where(
            Objective.owner_id == hejing.id,
            Objective.cycle_id == cycle.id,
            Objective.status == "submitted",
        )
    )
    response = manager.post(f"/okrs/objectives/{waiting.id}/decide", data={"decision": "approve"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Objective, waiting.id).status == "approved"

    # 王志远: hold a team lead's interview and rate
    lead = _appraisal(people["lizhe@example.com"], this_review)
    assert lead.self_submitted_at is not None and lead.interview_at is None
    url = f"/reviews/appraisals/{lead.id}/interview"
    assert 'name="rating-results"' in text(manager.get(url))
    response = manager.post(
        url,
        data={
            "action": "complete",
            "version": str(lead.version),
            "note-purpose": "回顾本季度，确认结果",
            "note-self_assessment": "自评客观",
            "note-result": "流量目标基本达成",
            "disagreement": "",
            "note-disagreement": "",
            "note-plan": "下季度加强复盘",
            "rating-results": "4",
            "rating-skills": "4",
            "rating-attitude": "5",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert _appraisal(people["lizhe@example.com"], this_review).interview_at is not None

    # 王志远: write and agree the plan drafted for 何静
    drafted = _appraisal(hejing, last_review)
    plan = db.session.scalar(
        select(ImprovementPlan).where(ImprovementPlan.appraisal_id == drafted.id)
    )
    assert plan is not None and plan.status == "draft"
    url = f"/reviews/appraisals/{drafted.id}/plan"
    response = manager.post(
        f"{url}/items",
        data={
            "new-section": "training",
            "new-title": "参加客户沟通培训",
            "new-owner": hejing.id,
            "new-status": "open",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    version = db.session.get(ImprovementPlan, plan.id).version
    response = manager.post(f"{url}/agree", data={"version": str(version)})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(ImprovementPlan, plan.id).status == "agreed"

    # 林慧: open a review (for a department not yet reviewed this quarter)
    hr_department = hr.department_id
    new = admin.get("/reviews/new")
    assert new.status_code == 200
    response = admin.post(
        "/reviews/new",
        data={
            "name": "人力资源部季度考核",
            "cycle_id": cycle.id,
            "template_id": this_review.template_id,
            "departments": [hr_department],
            "self_deadline": "2026-12-08",
            "peer_deadline": "2026-12-10",
            "interview_deadline": "2026-12-15",
        },
    )
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(Review)) == 3

    # 林慧: calibrate this quarter's complete appraisals, change a grade, release
    base = f"/reviews/{this_review.id}/calibration"
    assert admin.post(f"{base}/finalize").status_code == 303
    assert len(run_jobs()) == 1  # the worker's part
    finalized = db.session.scalars(
        select(Appraisal).where(
            Appraisal.review_id == this_review.id, Appraisal.finalized_at.is_not(None)
        )
    ).all()
    assert len(finalized) >= 4
    target = finalized[0]
    grade = "良好" if target.final_grade != "良好" else "合格"
    response = admin.post(
        f"{base}/appraisals/{target.id}/grade",
        data={
            f"a{target.id}-grade": grade,
            f"a{target.id}-reason": "校准会讨论后调整",
            f"a{target.id}-version": target.version,
        },
    )
    assert response.status_code == 303
    assert db.session.scalar(
        select(CalibrationChange).where(CalibrationChange.appraisal_id == target.id)
    )
    assert admin.post(f"{base}/release").status_code == 303
    assert len(run_jobs()) == 1
    db.session.expire_all()
    assert db.session.get(Appraisal, target.id).released_at is not None

    # 林慧: export a record of last quarter's review
    record = admin.get(f"/records/appraisals/{_appraisal(zhang, last_review).id}.pdf")
    assert record.status_code == 200 and record.mimetype == "application/pdf"
