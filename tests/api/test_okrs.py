"""My OKRs, a key result, its check-ins (paged), posting a check-in idempotently."""

from __future__ import annotations

from sqlalchemy import func, select

from okr.extensions import db
from okr.objectives.models import CheckIn


def post_check_in(client, kr_id, body, key="sync-1"):
    return client.post(
        f"/api/v1/key-results/{kr_id}/check-ins", json=body, headers={"Idempotency-Key": key}
    )


def count_checkins(kr_id) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).where(CheckIn.key_result_id == kr_id))


def test_my_objectives_carry_their_key_results_with_exact_values(world, make_token, api):
    response = api(make_token(world.person, "read")).get("/api/v1/me/objectives")
    assert response.status_code == 200
    [objective] = response.get_json()
    assert objective["id"] == world.objective.id
    [kr] = objective["key_results"]
    assert kr["id"] == world.kr.id and kr["current"] == "55000" and kr["target"] == "60000"


def test_an_unknown_cycle_is_404(world, make_token, api):
    response = api(make_token(world.person, "read")).get("/api/v1/me/objectives?cycle=999")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_a_key_result_comes_with_its_latest_check_in(world, make_token, api):
    response = api(make_token(world.person, "read")).get(f"/api/v1/key-results/{world.kr.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["latest_checkin"]["value"] == "55000"
    assert body["latest_checkin"]["confidence"] == "on_track"


def test_check_ins_are_paged_by_a_stable_cursor(world, make_token, api):
    client = api(make_token(world.person, "read", "checkin"))
    for n, value in enumerate(("56000", "57000", "58000")):
        assert (
            post_check_in(
                client, world.kr.id, {"value": value, "confidence": "on_track"}, f"k{n}"
            ).status_code
            == 201
        )
    url = f"/api/v1/key-results/{world.kr.id}/check-ins?limit=2"
    first = client.get(url).get_json()
    assert [c["value"] for c in first["items"]] == ["58000", "57000"]
    assert first["next_cursor"]
    post_check_in(client, world.kr.id, {"value": "59000", "confidence": "on_track"}, "k9")
    second = client.get(url + f"&cursor={first['next_cursor']}").get_json()
    assert [c["value"] for c in second["items"]] == ["56000", "55000"]  # nothing shifted
    assert second["next_cursor"] is None


def test_a_made_up_cursor_or_limit_is_422_on_the_field(world, make_token, api):
    client = api(make_token(world.person, "read"))
    url = f"/api/v1/key-results/{world.kr.id}/check-ins"
    bad_cursor = client.get(url + "?cursor=bm9wZQ")
    assert bad_cursor.status_code == 422
    assert "cursor" in bad_cursor.get_json()["errors"]
    bad_limit = client.get(url + "?limit=1000")
    assert bad_limit.status_code == 422
    assert bad_limit.get_json()["errors"] == {"limit": ["Between 1 and 100."]}


def test_a_check_in_is_recorded_once_and_replayed_for_the_same_key_and_body(world, make_token, api):
    client = api(make_token(world.person, "checkin"))
    body = {"value": "58000", "confidence": "at_risk", "note": "同步"}
    first = post_check_in(client, world.kr.id, body)
    assert first.status_code == 201, first.get_json()
    again = post_check_in(client, world.kr.id, body)
    assert again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count_checkins(world.kr.id) == 2  # the world's first and this one, once
    assert db.session.get(type(world.kr), world.kr.id).current == 58000


def test_the_same_key_with_another_body_is_422_and_changes_nothing(world, make_token, api):
    client = api(make_token(world.person, "checkin"))
    post_check_in(client, world.kr.id, {"value": "58000", "confidence": "on_track"})
    other = post_check_in(client, world.kr.id, {"value": "59000", "confidence": "on_track"})
    assert other.status_code == 422
    assert other.get_json()["type"].endswith("/idempotency-key-reused")
    assert count_checkins(world.kr.id) == 2


def test_a_check_in_without_a_key_is_400(world, make_token, api):
    client = api(make_token(world.person, "checkin"))
    response = client.post(
        f"/api/v1/key-results/{world.kr.id}/check-ins",
        json={"value": "1", "confidence": "on_track"},
    )
    assert response.status_code == 400
    assert count_checkins(world.kr.id) == 1


def test_an_invalid_check_in_is_422_beside_its_field_and_not_kept(world, make_token, api):
    client = api(make_token(world.person, "checkin"))
    missing = post_check_in(client, world.kr.id, {"confidence": "sure"}, "a")
    assert missing.status_code == 422
    assert set(missing.get_json()["errors"]) == {"value", "confidence"}
    not_a_number = post_check_in(
        client, world.kr.id, {"value": "lots", "confidence": "on_track"}, "b"
    )
    assert not_a_number.status_code == 422
    assert list(not_a_number.get_json()["errors"]) == ["value"]
    # refused, so not stored: the same key may be used again once the body is right
    fixed = post_check_in(client, world.kr.id, {"value": "57000", "confidence": "on_track"}, "b")
    assert fixed.status_code == 201
    assert count_checkins(world.kr.id) == 2


def test_a_body_that_is_not_json_is_415(world, make_token, api):
    client = api(make_token(world.person, "checkin"))
    response = client.post(
        f"/api/v1/key-results/{world.kr.id}/check-ins",
        data="value=1",
        headers={"Idempotency-Key": "x", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"
