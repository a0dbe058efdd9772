"""POST /api/v1/key-results/values: an analytics script pushes 1,000 key results' values by
their external id in one call, idempotently, and they show in the 周报 as pushed by the API."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, insert, select

from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult
from tests.factories import approved_objective
from tests.helpers import sign_in, text

URL = "/api/v1/key-results/values"


def _keyed(world, count: int) -> list[str]:
    """`count` key results of the world's person with external ids, 20 under each objective."""
    objectives = [
        approved_objective(world.cycle, f"数据目标{n}", "individual", world.person)
        for n in range(-(-count // 20))
    ]
    rows = [
        {
            "objective_id": o.id,
            "title": f"访客数{n}",
            "kind": "increase",
            "weight": Decimal(5),
            "start": Decimal(0),
            "target": Decimal(1000),
            "source": "api",
            "source_key": f"baidu:visits:{o.id}-{n}",
            "position": n,
        }
        for o in objectives
        for n in range(20)
    ][:count]
    db.session.execute(insert(KeyResult), rows)
    db.session.commit()
    return [row["source_key"] for row in rows]


def _push(client, items, key="nightly-2026-12-01"):
    return client.post(URL, json={"items": items}, headers={"Idempotency-Key": key})


def _count(origin: str = "api") -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.origin == origin))


def test_a_thousand_values_in_one_call_once_and_in_the_weekly_report(app, world, make_token, api):
    keys = _keyed(world, 1000)
    client = api(make_token(world.person, "checkin"))
    items = [
        {"source_key": k, "value": str(n % 900 + 1), "ref": f"r{n}"} for n, k in enumerate(keys)
    ]
    first = _push(client, items)
    assert first.status_code == 200, first.get_json()
    answer = first.get_json()
    assert (answer["stored"], answer["unchanged"], answer["refused"]) == (1000, 0, 0)
    assert [i["ref"] for i in answer["items"][:3]] == ["r0", "r1", "r2"]
    assert _count() == 1000

    again = _push(client, items)  # the script retried: the stored answer, nothing doubled
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json() == answer and _count() == 1000
    rerun = _push(client, items, key="nightly-2026-12-01-rerun")  # a new key, the same values
    assert rerun.get_json()["unchanged"] == 1000 and _count() == 1000

    stored = db.session.scalar(select(CheckIn).where(CheckIn.origin == "api").limit(1))
    assert stored.author_id == world.person.id and stored.origin_ref.startswith("token ")
    weekly = sign_in(app.test_client(), world.manager).get(f"/team/weekly?cycle={world.cycle.id}")
    body = text(weekly)
    assert weekly.status_code == 200
    assert body.count("origin-api") == 1000


def test_each_item_is_refused_or_stored_on_its_own(app, world, make_token, api):
    (mine,) = _keyed(world, 1)
    theirs = approved_objective(world.cycle, "别人的目标", "individual", world.colleague)
    db.session.add(
        KeyResult(
            objective_id=theirs.id, title="粉丝", kind="increase", weight=Decimal(100),
            start=Decimal(0), target=Decimal(10), source="api", source_key="weibo:fans:sun",
        )
    )  # fmt: skip
    db.session.commit()
    items = [
        {"source_key": mine, "value": "12,800"},
        {"source_key": "nobody:knows", "value": "1"},
        {"source_key": "weibo:fans:sun", "value": "3"},
        {"source_key": mine, "value": "13000"},
    ]
    answer = _push(api(make_token(world.person, "checkin")), items).get_json()
    assert [i["status"] for i in answer["items"]] == ["stored", "refused", "refused", "refused"]
    assert all(i["message"] for i in answer["items"][1:])
    assert answer["items"][0]["check_in_id"] and answer["items"][1]["key_result_id"] is None
    assert _count() == 1


def test_a_bad_body_is_422_on_its_field_and_a_read_token_may_not_push(app, world, make_token, api):
    (key,) = _keyed(world, 1)
    writer = api(make_token(world.person, "checkin"), "zh")
    empty = _push(writer, [])
    assert empty.status_code == 422 and "items" in empty.get_json()["errors"]
    wrong = _push(writer, [{"source_key": key, "value": "1", "confidence": "maybe"}], key="k2")
    assert wrong.status_code == 422
    assert wrong.get_json()["errors"] == {
        "items.0.confidence": ["请选择正常推进、有风险或已偏离。"]
    }
    reader = _push(api(make_token(world.person, "read")), [{"source_key": key, "value": "1"}])
    assert reader.status_code == 403
    assert _count() == 0


def test_a_single_check_in_by_the_api_is_marked_as_pushed(app, world, make_token, api):
    client = api(make_token(world.person, "checkin"))
    response = client.post(
        f"/api/v1/key-results/{world.kr.id}/check-ins",
        json={"value": "58000", "confidence": "on_track"},
        headers={"Idempotency-Key": "one"},
    )
    assert response.status_code == 201 and response.get_json()["origin"] == "api"
    assert _count() == 1
