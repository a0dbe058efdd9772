"""Rate limits shared by every worker on Redis; a failure answered without its traceback;
idempotency keys kept for their days only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from okr import create_app
from okr.api.framework import limiter_storage
from okr.api.models import IdempotentRequest
from okr.db import utcnow
from okr.extensions import db
from tests.jobs.harness import redis_database


def test_the_limiter_stores_counts_in_redis_when_the_queue_is_there(app):
    app.config["QUEUE_URL"] = "redis://127.0.0.1:6379/3"
    assert limiter_storage(app) == "redis://127.0.0.1:6379/3"
    app.config["QUEUE_URL"] = ""
    assert limiter_storage(app) == "memory://"


def test_two_workers_on_redis_share_one_count_per_token(
    request, world, make_token, redis_url, database_url
):
    """Two apps (as two gunicorn workers) on one Redis: the limit holds across both."""
    secret = make_token(world.person, "read")
    queue = redis_database(redis_url, request.node.nodeid)
    config = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test",
        "QUEUE_URL": queue,
        "API_RATE_LIMIT": "3 per minute",
    }
    workers = [create_app(config).test_client(), create_app(config).test_client()]
    headers = {"Authorization": f"Bearer {secret}"}
    answers = [workers[n % 2].get("/api/v1/me/objectives", headers=headers) for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[3].headers["Retry-After"]
    for worker in workers:
        with worker.application.app_context():
            db.engine.dispose()


def test_a_failure_is_a_500_problem_without_its_traceback(
    world, make_token, api, monkeypatch, caplog
):
    def broken(*_args, **_kw):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("okr.api.okr_views.load_set", broken)  # a bug in the code behind the API
    response = api(make_token(world.person, "read")).get("/api/v1/me/objectives")
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert "secret internals" in caplog.text  # the log has it


def test_an_idempotency_key_is_kept_for_its_days_only(world, make_token, api, app):
    client = api(make_token(world.person, "checkin"))
    url = f"/api/v1/key-results/{world.kr.id}/check-ins"
    headers = {"Idempotency-Key": "weekly"}
    first = client.post(url, json={"value": "56000", "confidence": "on_track"}, headers=headers)
    assert first.status_code == 201
    days = app.config["API_IDEMPOTENCY_DAYS"]
    db.session.execute(
        update(IdempotentRequest).values(created_at=utcnow() - timedelta(days=days, minutes=1))
    )
    db.session.commit()
    later = client.post(url, json={"value": "57000", "confidence": "on_track"}, headers=headers)
    assert later.status_code == 201  # a new request: the old key was forgotten
    assert later.get_json()["id"] != first.get_json()["id"]
    assert "Idempotent-Replayed" not in later.headers


@pytest.mark.parametrize("header", ["", "x" * 256])
def test_an_idempotency_key_must_have_1_to_255_characters(world, make_token, api, header):
    client = api(make_token(world.person, "checkin"))
    response = client.post(
        f"/api/v1/key-results/{world.kr.id}/check-ins",
        json={"value": "56000", "confidence": "on_track"},
        headers={"Idempotency-Key": header},
    )
    assert response.status_code == 400
