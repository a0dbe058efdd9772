"""Seed 003's two tables with indicators fed by the person's key results: 用户满意度调查 and
用户投诉率 take their key result's exact points, 品牌曝光度 its attainment × 5; 品牌口碑 stays
entered. With the seed's numbers (+7%, 5% down to 3%, 60% of 1000 exposures, 280) it is 5.5 + 5.8 = 11.3."""

from __future__ import annotations

import copy
from decimal import Decimal

from okr.checkins.services import record_checkin
from okr.extensions import db
from okr.objectives.services import KeyResultData, add_key_result
from okr.reviews.models import ReviewTemplate
from okr.schemes.checks import validate
from tests.factories import draft_objective
from tests.reviews.scorecards import SEED_003

POINTS = {"kind": "kr", "score": "points"}
ATTAINMENT = {"kind": "kr", "score": "attainment"}


def kr_fed_scheme() -> dict:
    data = copy.deepcopy(SEED_003)
    data["name"] = "新媒体考核（关键结果取数）"
    survey, complaints = data["sections"][0]["indicators"]
    survey["rule"] = dict(POINTS)
    complaints["rule"] = dict(POINTS)
    data["sections"][1]["indicators"][0]["rule"] = dict(ATTAINMENT)
    return data


def store_kr_fed() -> ReviewTemplate:
    stored, _spec = validate(kr_fed_scheme())
    template = ReviewTemplate(
        family="kr-fed-test", version=1, name=stored["name"], spec=stored, built_in=False
    )
    db.session.add(template)
    db.session.flush()
    return template


def per_unit(title, each, direction="up", indicator=None, start="0") -> KeyResultData:
    return KeyResultData(
        title,
        "%",
        "per_unit",
        Decimal(40),
        start=Decimal(start),
        step=Decimal(1),
        points_per_step=Decimal(each),
        direction=direction,
        max_points=Decimal(10),
        indicator=indicator,
    )


def exposure(indicator="brand.exposure") -> KeyResultData:
    return KeyResultData(
        "品牌曝光次数",
        "次",
        "increase",
        Decimal(20),
        start=Decimal(0),
        target=Decimal(1000),
        indicator=indicator,
    )


def linked_krs(cycle, person):
    """The person's objective with the three linked key results (while planning)."""
    objective = draft_objective(cycle, person, "新媒体运营")
    krs = [
        add_key_result(objective, data, person)[0]
        for data in (
            per_unit("用户满意度提升", "0.5", indicator="satisfaction.survey"),
            per_unit("用户投诉率下降", "1", "down", "satisfaction.complaints", "5"),
            exposure(),
        )
    ]
    return objective, krs


def check_in(krs, person, values=("7", "3", "600")) -> None:
    """The month's values (the cycle running): None leaves a key result without one."""
    for kr, value in zip(krs, values, strict=True):
        if value is not None:
            record_checkin(kr, value, "on_track", "本月数据", person, None)
