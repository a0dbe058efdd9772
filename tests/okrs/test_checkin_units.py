"""A check-in value must fit the key result's unit: a percent sign only for percent key results,
counts never below zero, other measures below zero only where the definition goes there."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult
from okr.objectives.rules import definition_unit_problems, unit_fit_problem
from tests.factories import Quarter, build_quarter
from tests.helpers import field_error, form_values, post


@pytest.fixture
def q(make_department, make_person) -> Quarter:
    return build_quarter(make_department, make_person)


def _kr(q: Quarter, unit: str, start: str | None, target: str, kind: str = "increase") -> KeyResult:
    kr = KeyResult(
        objective_id=q.mine.id,
        title=f"指标 {unit}",
        kind=kind,
        weight=Decimal(0),
        start=None if start is None else Decimal(start),
        target=Decimal(target),
        unit=unit,
    )
    db.session.add(kr)
    db.session.commit()
    return kr


def _stored(kr: KeyResult) -> list[Decimal]:
    db.session.expire_all()
    return list(db.session.scalars(select(CheckIn.value).where(CheckIn.key_result_id == kr.id)))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "Enter zero or more: a number of 次 cannot be below zero."),
        ("50%", "Enter the number without %: this key result is counted in 次, not in percent."),
        ("５０％", "Enter the number without %: this key result is counted in 次, not in percent."),
    ],
)
def test_a_count_refuses_negatives_and_percent_signs_beside_the_field(
    client, login, q, value, message
):
    response = post(login(q.seo), q.traffic, value, "at_risk", "我的备注")

    assert response.status_code == 422
    assert field_error(response, f"kr-{q.traffic.id}-value") == message
    assert form_values(response)["value"] == value and form_values(response)["note"] == "我的备注"
    assert _stored(q.traffic) == []


def test_without_a_unit_a_percent_sign_is_refused_too(client, login, q):
    response = post(login(q.seo), q.pages, "50%")

    assert response.status_code == 422
    assert field_error(response, f"kr-{q.pages.id}-value") == (
        "Enter the number without %: this key result is not measured in percent."
    )


@pytest.mark.parametrize("typed", ["65%", "65", "65 %", "６５％"])
def test_a_percent_key_result_takes_the_sign_or_not(client, login, q, typed):
    rate = _kr(q, "%", "40", "80")

    assert post(login(q.seo), rate, typed).status_code == 200
    assert _stored(rate) == [Decimal(65)]


@pytest.mark.parametrize(
    ("unit", "start", "value", "accepted"),
    [
        ("%", "0", "-3", False),  # a rate from 0 % up: -3 is a typo
        ("%", "-5", "-3", True),  # a growth rate from -5 % to +10 %
        ("元", "0", "-200", False),
        ("元", "-1000", "-200", True),  # a loss to turn into profit
        ("", "0", "-1", False),
    ],
)
def test_other_measures_go_below_zero_only_where_the_definition_does(
    client, login, q, unit, start, value, accepted
):
    kr = _kr(q, unit, start, "10")

    response = post(login(q.seo), kr, value)

    if accepted:
        assert response.status_code == 200
        assert _stored(kr) == [Decimal(value)]
    else:
        assert response.status_code == 422
        assert field_error(response, f"kr-{kr.id}-value") == (
            "Enter zero or more: this key result's start and target are not below zero, "
            "so a value below zero does not fit it."
        )
        assert _stored(kr) == []


def test_a_tier_bound_below_zero_allows_values_below_zero(app, q):
    kr = _kr(q, "元", None, "0", kind="tiers")
    kr.target = None
    kr.tiers = [{"lower": "-100", "upper": "0", "points": "1"}]

    assert unit_fit_problem(kr, Decimal(-50), False) is None


def test_the_message_is_chinese_for_a_chinese_reader(client, login, q):
    q.seo.locale = "zh"
    db.session.commit()

    negative = post(login(q.seo), q.traffic, "-5")
    percent = post(client, q.traffic, "50%")

    assert negative.status_code == percent.status_code == 422
    assert (
        field_error(negative, f"kr-{q.traffic.id}-value") == "请输入零或正数：次的数量不能小于零。"
    )
    assert field_error(percent, f"kr-{q.traffic.id}-value") == (
        "请去掉 % 再输入：这个关键结果以次计，不是百分比。"
    )


def test_a_key_results_own_numbers_are_checked_against_its_unit(app):
    problems = definition_unit_problems(
        "人",
        {"start": (Decimal(-5), False), "target": (Decimal(50), True), "step": (Decimal(1), False)},
    )

    assert problems == {
        "start": "Enter zero or more: a number of 人 cannot be below zero.",
        "target": "Enter the number without %: this key result is counted in 人, not in percent.",
    }
    assert definition_unit_problems("%", {"start": (Decimal(-5), True)}) == {}
    assert definition_unit_problems("元", {"start": (Decimal(-5), False)}) == {}
