"""A quarter from planning to check-ins through the views: cascade, weights, approval, roll-up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from okr.checkins.services import record_checkin
from okr.cycles.models import Cycle
from okr.extensions import db
from okr.objectives.models import KeyResult, Objective


def test_quarter_cascade_submit_approve_and_roll_up(client, login, make_person, make_department):
    marketing = make_department("网络营销部")
    team = make_department("推广组", parent=marketing)
    hr = make_person("林慧", is_admin=True, department=marketing)
    head = make_person("王志远", department=marketing)
    marketing.head_id = head.id
    lead = make_person("李喆", department=team, manager=head)
    team.head_id = lead.id
    seo = make_person("张玥", department=team, manager=lead, position="SEO专员")
    db.session.commit()

    login(hr)
    response = client.post(
        "/cycles/", data={"kind": "quarter", "day": "2026-11-21", "cap": "100", "current": "y"}
    )
    assert response.status_code == 303
    cycle = db.session.scalar(select(Cycle))
    assert (cycle.label, cycle.start, cycle.end) == (
        "2026 Q4",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )

    response = client.post(
        "/okrs/objectives/new?level=company",
        data={"title": "Q4 线上销售额增长30%", "weight": "100", "progress_rule": "children"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    company = db.session.scalar(select(Objective).where(Objective.level == "company"))

    login(lead)
    response = client.post(
        f"/okrs/objectives/new?level=department&department={team.id}",
        data={
            "title": "推广组: 独立访问量达6万",
            "weight": "100",
            "parent_id": company.id,
            "progress_rule": "both",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    dept_obj = db.session.scalar(select(Objective).where(Objective.level == "department"))

    login(seo)
    response = client.post(
        "/okrs/objectives/new?level=individual",
        data={
            "title": "提升自然搜索流量",
            "weight": "100",
            "parent_id": dept_obj.id,
            "progress_rule": "own_krs",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    mine = db.session.scalar(select(Objective).where(Objective.level == "individual"))
    for title, weight, start, target in (
        ("自然流量", "60", "40000", "60000"),
        ("收录页面", "30", "100", "300"),
    ):
        response = client.post(
            f"/okrs/objectives/{mine.id}/key-results/new",
            data={
                "title": title,
                "kind": "increase",
                "weight": weight,
                "start": start,
                "target": target,
                "unit": "",
            },
        )
        assert response.status_code == 303, response.get_data(as_text=True)

    # start == target is refused beside the field, in words
    response = client.post(
        f"/okrs/objectives/{mine.id}/key-results/new",
        data={"title": "坏的", "kind": "increase", "weight": "10", "start": "5", "target": "5"},
    )
    assert response.status_code == 422
    assert "target" in response.get_data(as_text=True).lower()

    # 60 + 30 = 90: submit refused with the sum shown
    response = client.post(f"/okrs/objectives/{mine.id}/submit", follow_redirects=True)
    assert "add up to 90%" in response.get_data(as_text=True)
    assert db.session.get(Objective, mine.id).status == "draft"

    kr = db.session.scalar(select(KeyResult).where(KeyResult.title == "收录页面"))
    response = client.post(
        f"/okrs/key-results/{kr.id}/edit",
        data={
            "title": "收录页面",
            "kind": "increase",
            "weight": "40",
            "start": "100",
            "target": "300",
            "version": kr.version,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    client.post(f"/okrs/objectives/{mine.id}/submit")
    db.session.expire_all()
    assert db.session.get(Objective, mine.id).status == "submitted"

    login(lead)
    client.post(f"/okrs/objectives/{mine.id}/decide", data={"decision": "approve", "comment": ""})
    db.session.expire_all()
    assert db.session.get(Objective, mine.id).status == "approved"

    cycle.status = "running"
    db.session.commit()
    traffic = db.session.scalar(select(KeyResult).where(KeyResult.title == "自然流量"))
    record_checkin(traffic, "50000", "on_track", "进展顺利", seo, traffic.version)
    db.session.commit()
    db.session.expire_all()
    # KR 50% × 60 + 0% × 40 = 30% for the person; department "both" with no own KRs = children = 30%
    assert db.session.get(Objective, mine.id).progress == Decimal("0.3")
    assert db.session.get(Objective, dept_obj.id).progress == Decimal("0.3")
    assert db.session.get(Objective, company.id).progress == Decimal("0.3")

    page = client.get(f"/okrs/objectives/{mine.id}").get_data(as_text=True)
    assert "(50000 − 40000) ÷ (60000 − 40000) = 0.5" in page
    assert '<span class="pct">30%</span>' in page  # the bar is a <progress> (no inline width)
