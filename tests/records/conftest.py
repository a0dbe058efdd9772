"""A released appraisal for 郑堃 (a name outside GB2312) to print records from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from okr.calibration.results import finalize, override_grade, release
from okr.extensions import db
from okr.org.models import Company, Department, Person
from okr.reviews.models import Appraisal
from okr.reviews.services import spec_of
from tests.factories import (
    PEER_KEYS,
    SHEET_KEYS,
    appraisal_of,
    fill_peer_forms,
    interview_with,
    opened_review,
    running_quarter,
    self_assess,
    store_template,
    typo_deduction,
)


@dataclass
class World:
    appraisal: Appraisal
    person: Person
    manager: Person
    hr: Person
    outsider: Person
    team: Department


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
    cycle, _objective, _kr = running_quarter(
        date(2026, 11, 21),
        person,
        hr,
        title="社交媒体粉丝5万到6万",
        checkins=(("53000", "at_risk"), ("55000", "on_track")),
    )
    typo_deduction(cycle, person, manager)
    template = store_template(name="默认")
    review = opened_review(cycle, template, [team], hr, name="2026 Q4 季度考核")
    spec = spec_of(template)
    appraisal = appraisal_of(review, person)
    self_assess(appraisal, spec, dict.fromkeys(SHEET_KEYS, "4"), "粉丝增长超预期，互动率仍需提升。")
    fill_peer_forms(appraisal, spec, manager, peers, dict.fromkeys(PEER_KEYS, "4"))
    interview_with(
        appraisal,
        spec,
        dict.fromkeys(SHEET_KEYS, "3"),
        {"purpose": "季度考核面谈", "plan": "提升互动率"},
    )
    finalize(appraisal, spec)
    override_grade(appraisal, spec, "良好", "跨部门活动贡献突出", hr, None)
    release(review, spec)
    db.session.commit()
    return World(appraisal, person, manager, hr, outsider, team)
