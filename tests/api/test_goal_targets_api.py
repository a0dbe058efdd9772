"""The API gives a key result's aspect, due date and the value standing on it (seed 002's time
targets), and an objective's due date; only to those who may read them."""

from __future__ import annotations

from datetime import date

from okr.extensions import db


def test_a_key_result_carries_its_aspect_and_due_date(world, make_token, api):
    world.kr.aspect, world.kr.due_on = "quantity", date(2026, 11, 30)
    db.session.commit()
    body = api(make_token(world.person, "read")).get(f"/api/v1/key-results/{world.kr.id}")
    body = body.get_json()
    assert (body["aspect"], body["due_on"]) == ("quantity", "2026-11-30")
    assert "due_value" in body
    mine = api(make_token(world.person, "read")).get("/api/v1/me/objectives").get_json()
    assert mine and all("due_on" in objective for objective in mine)
    outsider = api(make_token(world.other_report, "read"))
    assert outsider.get(f"/api/v1/key-results/{world.kr.id}").status_code == 403
