"""A token does what its owner may, cut to its scopes, never more; errors as problem details."""

from __future__ import annotations

import pytest

from tests.factories import complete_and_release


def check_in(client, kr_id, key="k"):
    return client.post(
        f"/api/v1/key-results/{kr_id}/check-ins",
        json={"value": "57000", "confidence": "on_track"},
        headers={"Idempotency-Key": key},
    )


def test_a_read_token_cannot_post_a_check_in(world, make_token, api):
    response = check_in(api(make_token(world.person, "read")), world.kr.id)
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    assert response.get_json()["type"].endswith("/insufficient-scope")


def test_a_checkin_token_cannot_read(world, make_token, api):
    client = api(make_token(world.person, "checkin"))
    assert client.get(f"/api/v1/key-results/{world.kr.id}").status_code == 403
    assert client.get("/api/v1/people").status_code == 403


@pytest.mark.parametrize("url", ["/api/v1/people", "/api/v1/departments", "/api/v1/results"])
def test_the_admin_scope_of_someone_not_hr_gets_nothing_more(world, make_token, api, url):
    client = api(make_token(world.manager, "read", "checkin", "admin"))
    response = client.get(url)
    assert response.status_code == 403
    assert response.get_json()["detail"] == "Only HR may read this."


def test_hr_with_the_admin_scope_reads_people_and_departments_paged(world, make_token, api):
    client = api(make_token(world.hr, "admin"))
    first = client.get("/api/v1/people?limit=3").get_json()
    assert len(first["items"]) == 3 and first["next_cursor"]
    rest = client.get(f"/api/v1/people?limit=100&cursor={first['next_cursor']}").get_json()
    names = [p["name"] for p in first["items"] + rest["items"]]
    assert len(names) == len(set(names)) == 9
    team = client.get(f"/api/v1/people?department={world.team.id}").get_json()
    assert world.person.name in {p["name"] for p in team["items"]}
    assert world.other_report.name not in {p["name"] for p in team["items"]}
    departments = client.get("/api/v1/departments").get_json()["items"]
    assert {d["name"] for d in departments} >= {world.team.name, world.marketing.name}


def test_only_released_results_are_given_to_hr(world, make_token, api):
    client = api(make_token(world.hr, "admin"))
    assert client.get("/api/v1/results").get_json()["items"] == []
    complete_and_release(world)
    [result] = client.get(f"/api/v1/results?review={world.review.id}").get_json()["items"]
    assert result["person_id"] == world.person.id
    assert result["grade"] is not None and result["composite"] is not None


def test_a_key_result_the_owner_may_not_read_is_403_as_on_its_page(world, make_token, api, login):
    outsider = api(make_token(world.other_report, "read", "checkin"))
    assert outsider.get(f"/api/v1/key-results/{world.kr.id}").status_code == 403
    assert outsider.get(f"/api/v1/key-results/{world.kr.id}/check-ins").status_code == 403
    assert outsider.get(f"/api/v1/people/{world.person.id}/objectives").status_code == 403
    page = login(world.other_report).get(f"/okrs/key-results/{world.kr.id}")
    assert page.status_code == 403  # the same answer as the page
    assert outsider.get("/api/v1/key-results/99999").status_code == 404


def test_a_colleague_may_not_check_in_but_the_manager_may(world, make_token, api):
    assert check_in(api(make_token(world.colleague, "checkin")), world.kr.id).status_code == 403
    assert check_in(api(make_token(world.manager, "checkin")), world.kr.id).status_code == 201


def test_the_manager_reads_a_reports_objectives_and_anyone_a_departments(world, make_token, api):
    manager = api(make_token(world.manager, "read"))
    mine = manager.get(f"/api/v1/people/{world.person.id}/objectives").get_json()
    assert [o["id"] for o in mine] == [world.objective.id]
    colleague = api(make_token(world.colleague, "read"))
    assert colleague.get(f"/api/v1/departments/{world.team.id}/objectives").status_code == 200
    assert colleague.get("/api/v1/departments/99999/objectives").status_code == 404


def test_problems_speak_the_language_asked_for(world, make_token, api):
    secret = make_token(world.person, "read")
    zh = api(secret, "zh-CN,zh;q=0.9").get("/api/v1/people")
    assert zh.get_json()["detail"] == "此令牌没有 admin 权限范围。"
    assert zh.get_json()["title"] == "无权访问"
    en = api(secret, "en").get("/api/v1/people")
    assert en.get_json()["detail"] == "This token lacks the admin scope."
    limit = api(secret, "zh").get(f"/api/v1/key-results/{world.kr.id}/check-ins?limit=0")
    assert limit.get_json()["errors"] == {"limit": ["须在 1 到 100 之间。"]}
    unknown = api(None, "zh").get("/api/v1/me/objectives")
    assert unknown.get_json()["title"] == "未登录"


def test_a_service_error_comes_in_the_language_asked_for(world, make_token, api):
    client = api(make_token(world.person, "checkin"), "zh")
    response = client.post(
        f"/api/v1/key-results/{world.kr.id}/check-ins",
        json={"value": "很多", "confidence": "on_track"},
        headers={"Idempotency-Key": "zh"},
    )
    assert response.status_code == 422
    [message] = response.get_json()["errors"]["value"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


def test_unknown_addresses_and_methods_are_problems(world, make_token, api):
    client = api(make_token(world.person, "read"))
    for address in ("/api/v1/nothing-here", "/api/v1/people/a%0Ab/objectives"):
        missing = client.get(address)  # a newline in it too (Schemathesis found that one)
        assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = client.post("/api/v1/me/objectives", json={})
    assert wrong.status_code == 405
    assert "GET" in wrong.headers["Allow"]
    assert wrong.mimetype == "application/problem+json"


def test_the_limiter_answers_429_with_retry_after(world, make_token, api, app):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    client = api(make_token(world.person, "read"))
    other = api(make_token(world.colleague, "read"))
    answers = [client.get("/api/v1/me/objectives").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/v1/me/objectives")
    assert limited.mimetype == "application/problem+json"
    assert int(limited.headers["Retry-After"]) > 0
    assert other.get("/api/v1/me/objectives").status_code == 200  # counted per token


def test_the_api_needs_no_csrf_token_but_the_tokens_page_does(world, make_token, api, app, login):
    app.config["WTF_CSRF_ENABLED"] = True
    assert check_in(api(make_token(world.person, "checkin")), world.kr.id).status_code == 201
    page = login(world.person).post(
        "/account/api-tokens", data={"name": "x", "scopes": ["read"], "days": "5"}
    )
    assert page.status_code == 400  # the form without its CSRF token


def test_made_up_tokens_are_counted_per_address(world, api, app):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    for limiter in app.extensions["limiter"]:
        limiter.reset()  # this process's counts (memory://) start again
    answers = [api(f"okr_pat_guess{n}").get("/api/v1/me/objectives").status_code for n in range(4)]
    assert answers == [401, 401, 401, 429]
