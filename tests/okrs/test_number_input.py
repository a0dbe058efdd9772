"""Numbers as people type them, on every path, and values with units written one way everywhere.

Issue 12: "19,600" and "1.5万" were refused, a huge check-in value was a 500 (the PostgreSQL
column overflowed) and the row then showed a stale message; units read "65%" on My week but
"65 %" in the OKR table and the PDF.
"""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult
from tests.factories import approved_objective, kr_row, q4_cycle
from tests.helpers import field_error, text

HTMX = {"HX-Request": "true"}


@pytest.fixture
def org(make_person, make_department):
    team = make_department("社群运营组")
    lead = make_person("吴昊", department=team)
    person = make_person("郑堃", department=team, manager=lead)
    team.head_id = lead.id
    cycle = q4_cycle("running")
    objective = approved_objective(cycle, "社群活跃", "individual", person, department=team)
    krs = SimpleNamespace(
        members=kr_row(objective, "社群人数", 25, 15000, 20000, unit="人"),
        rate=kr_row(objective, "活跃率", 25, 50, 70, unit="%"),
        revenue=kr_row(objective, "社群成交额", 25, 100000, 200000, unit="元"),
        reply=kr_row(objective, "平均回复时长", 25, 0, 60, unit="s"),
    )
    db.session.commit()
    return SimpleNamespace(cycle=cycle, lead=lead, person=person, objective=objective, krs=krs)


def _check_in(client, kr, value, version=None):
    data = {"value": value, "confidence": "on_track", "note": ""}
    data["version"] = str(kr.version if version is None else version)
    return client.post(f"/week/key-results/{kr.id}/check-in", data=data, headers=HTMX)


def _stored(kr_id):
    db.session.expire_all()
    return db.session.get(KeyResult, kr_id).current


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("19,600", Decimal(19600)),
        ("1.5万", Decimal(15000)),
        ("1.5 万", Decimal(15000)),
        ("１９，６００", Decimal(19600)),
        ("0.0002亿", Decimal(20000)),
        ("2千", Decimal(2000)),
    ],
)
def test_check_ins_read_grouping_and_chinese_multipliers(client, login, org, typed, stored):
    response = _check_in(login(org.person), org.krs.members, typed)
    assert response.status_code == 200, text(response)
    assert _stored(org.krs.members.id) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("99999999999999999999999", "is too large: at most 15 digits before the decimal point"),
        ("1000000000000000", "is too large"),
        ("20000.0000001", "has too many decimals: at most 6"),
        ("5万%", "is not a number"),
    ],
)
def test_a_check_in_out_of_range_is_refused_beside_the_value_and_the_next_one_goes_through(
    client, login, org, typed, message
):
    kr = org.krs.members
    client = login(org.person)
    refused = _check_in(client, kr, typed)
    assert refused.status_code == 422
    assert message in field_error(refused, f"kr-{kr.id}-value")
    assert "Someone checked in" not in text(refused)
    assert db.session.scalar(select(CheckIn.id)) is None
    version = re.search(r'name="version" value="(\d+)"', refused.get_data(as_text=True))[1]
    accepted = _check_in(client, kr, "18,000", version=version)
    assert accepted.status_code == 200, text(accepted)
    assert "Someone checked in" not in text(accepted)
    assert _stored(kr.id) == Decimal(18000)


def test_a_plain_form_check_in_out_of_range_is_a_422_too(client, login, org):
    kr = org.krs.revenue
    response = login(org.person).post(
        f"/week/key-results/{kr.id}/check-in",
        data={"value": "99999999999999999999999", "confidence": "on_track", "version": kr.version},
    )
    assert response.status_code == 422
    assert "is too large" in field_error(response, f"kr-{kr.id}-value")


# The same numbers in the key-result form --------------------------------------------------


def test_the_key_result_form_reads_the_same_numbers(client, login, org):
    org.cycle.status = "planning"
    db.session.commit()
    login(org.person)
    url = f"/okrs/objectives/{org.objective.id}/key-results/new"
    base = {"title": "新成员", "kind": "increase", "unit": "人", "direction": "up", "weight": "0"}
    response = client.post(url, data={**base, "start": "19,600", "target": "2.5万"})
    assert response.status_code == 303, text(response)
    db.session.expire_all()
    new = db.session.scalar(select(KeyResult).where(KeyResult.title == "新成员"))
    assert (new.start, new.target) == (Decimal(19600), Decimal(25000))
    tiers = {**base, "title": "回复数", "kind": "tiers", "tiers": "[19,600, 2万) 3\n[2万, ) 5"}
    assert client.post(url, data=tiers).status_code == 303
    db.session.expire_all()
    tiered = db.session.scalar(select(KeyResult).where(KeyResult.title == "回复数"))
    assert [(t["lower"], t["upper"], t["points"]) for t in tiered.tiers] == [
        ("19600", "20000", "3"),
        ("20000", None, "5"),
    ]
    huge = client.post(url, data={**base, "start": "0", "target": "99999999999999999999999"})
    assert huge.status_code == 422 and "is too large" in field_error(huge, "target")


# One way to write a value with its unit -------------------------------------------------


def _check_in_all(client, org):
    for kr, value in (
        (org.krs.members, "16,500"),
        (org.krs.rate, "65%"),
        (org.krs.revenue, "1.2万"),
        (org.krs.reply, "45"),
    ):
        assert _check_in(client, kr, value).status_code == 200


EXPECTED = ("16500人", "65%", "12000元", "45 s")
SPACED = ("16500 人", "65 %", "12000 元")


@pytest.mark.parametrize(
    "page",
    ["/week/", "/okrs/people/{person}", "/okrs/objectives/{objective}", "/team/weekly"],
)
def test_values_with_units_are_written_one_way_on_every_page(client, login, org, page):
    _check_in_all(login(org.person), org)
    login(org.lead if page.startswith("/team") else org.person)
    body = text(client.get(page.format(person=org.person.id, objective=org.objective.id)))
    for written in EXPECTED:
        assert written in body, (page, written)
    for wrong in SPACED:
        assert wrong not in body, (page, wrong)


def test_the_key_result_page_writes_units_the_same_way(client, login, org):
    _check_in_all(login(org.person), org)
    body = text(client.get(f"/okrs/key-results/{org.krs.rate.id}"))
    assert "65%" in body and "50%" in body and "70%" in body and "65 %" not in body
