"""A released appraisal for 郑堃 (a name outside GB2312) to print records from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from okr.appraisals.services import assign_rater, save_interview, save_self_assessment
from okr.calibration.results import finalize, override_grade, release
from okr.checkins.services import record_checkin
from okr.cycles.services import change_status, create_cycle
from okr.extensions import db
from okr.objectives.models import Adjustment
from okr.objectives.services import KeyResultData, ObjectiveData, add_key_result, create_objective
from okr.org.models import Company, Department, Person
from okr.peer_reviews.services import save_peer_form
from okr.reviews.models import Appraisal, ReviewTemplate
from okr.reviews.services import open_review, spec_of
from okr.schemes.builtin import BUILT_IN


@dataclass
class World:
    appraisal: Appraisal
    person: Person
    manager: Person
    hr: Person
    outsider: Person
    team: Department


def _rate(value: str, keys: tuple[str, ...]) -> dict[str, str]:
    return {f"rating-{key}": value for key in keys}


@pytest.fixture
def world(make_person, make_department) -> World:
    db.session.add(Company(name="星辰网络科技有限公司"))
    team = make_department("社群运营组")
    other = make_department("客服组")
    manager = make_person("吴昊", department=team, email="wuhao@example.com")
    person = make_person(
        "郑堃",
        department=team,
        manager=manager,
        position="社交媒体运营",
        email="zhengkun@example.com",
    )
    peers = [make_person(n, department=team, manager=manager) for n in ("冯雨桐", "李喆")]
    hr = make_person("林慧", is_admin=True, email="linhui@example.com")
    outsider = make_person("何静", department=other, email="hejing@example.com")
    make_person("许嘉怡", department=other, manager=outsider)
    cycle = create_cycle("quarter", date(2026, 11, 21), make_current=True)
    objective = create_objective(
        cycle,
        "individual",
        ObjectiveData("社交媒体粉丝5万到6万", "", Decimal(100), None),
        person,
        owner=person,
    )
    kr, _ = add_key_result(
        objective,
        KeyResultData(
            "粉丝数", "人", "increase", Decimal(100), start=Decimal(50000), target=Decimal(60000)
        ),
        person,
    )
    change_status(cycle, "running", hr)
    record_checkin(kr, "53000", "at_risk", "", person, None)
    record_checkin(kr, "55000", "on_track", "", person, None)
    db.session.add(
        Adjustment(
            cycle_id=cycle.id,
            person_id=person.id,
            points=Decimal("-0.5"),
            reason="错别字",
            author_id=manager.id,
        )
    )
    template = ReviewTemplate(
        family="okr-default", version=1, name="默认", spec=BUILT_IN["okr-default"], built_in=True
    )
    db.session.add(template)
    db.session.flush()
    today = date.today()
    review = open_review(
        "2026 Q4 季度考核",
        cycle,
        template,
        [team.id],
        (today, today + timedelta(days=3), today + timedelta(days=7)),
        hr,
    )
    spec = spec_of(template)
    appraisal = db.session.scalar(select(Appraisal).where(Appraisal.person_id == person.id))
    save_self_assessment(
        appraisal,
        spec,
        _rate("4", ("results", "skills", "attitude")),
        "粉丝增长超预期，互动率仍需提升。",
        True,
        None,
    )
    for rater in peers:
        form = assign_rater(appraisal, rater, manager)
        save_peer_form(
            form,
            appraisal,
            spec,
            _rate("4", ("cooperation", "innovation", "execution")),
            "",
            True,
            None,
        )
    save_interview(
        appraisal,
        spec,
        _rate("3", ("results", "skills", "attitude")),
        {"purpose": "季度考核面谈", "plan": "提升互动率"},
        "",
        True,
        None,
    )
    finalize(appraisal, spec)
    override_grade(appraisal, spec, "良好", "跨部门活动贡献突出", hr, None)
    release(review, spec)
    db.session.commit()
    return World(appraisal, person, manager, hr, outsider, team)
