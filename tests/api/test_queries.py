"""The API's GET endpoints run as many statements on a grown world as on a small one."""

from __future__ import annotations

from okr.checkins.services import record_checkin
from okr.db import utcnow
from okr.extensions import db
from tests.factories import approved_objective, grow_world, kr_row


def urls(world) -> list[tuple[str, str]]:
    """(who, url): the person reads their OKRs, HR the lists only HR may read."""
    return [
        ("person", "/api/v1/me/objectives"),
        ("hr", f"/api/v1/people/{world.person.id}/objectives"),
        ("person", f"/api/v1/departments/{world.team.id}/objectives"),
        ("person", f"/api/v1/key-results/{world.kr.id}"),
        ("person", f"/api/v1/key-results/{world.kr.id}/check-ins?limit=5"),
        ("hr", "/api/v1/people?limit=5"),
        ("hr", f"/api/v1/people?limit=5&department={world.team.id}&q=e"),
        ("hr", "/api/v1/departments?limit=3"),
        ("hr", "/api/v1/results?limit=5"),
    ]


def measure(clients, world, count_queries) -> dict[str, tuple[int, int]]:
    seen = {}
    for who, url in urls(world):
        with count_queries() as counted:
            response = clients[who].get(url)
        seen[url] = (response.status_code, counted.count)
    return seen


def test_no_endpoint_runs_more_statements_on_a_bigger_world(
    world, make_token, api, make_person, make_department, count_queries
):
    world.appraisal.released_at = utcnow()  # a released result, stored as is
    world.appraisal.final_grade = "B"
    db.session.commit()
    team = approved_objective(
        world.cycle, "社群活跃", "department", world.manager, department=world.team
    )
    kr_row(team, "周活跃人数", start="100", target="200")
    db.session.commit()
    clients = {
        "person": api(make_token(world.person, "read")),
        "hr": api(make_token(world.hr, "read", "admin")),
    }
    for client in clients.values():
        client.get("/api/v1/me/objectives")  # the token's last use noted: not again this minute
    small = measure(clients, world, count_queries)
    assert all(status == 200 for status, _count in small.values()), small
    assert clients["hr"].get("/api/v1/results").get_json()["items"]
    grow_world(world, make_person, make_department)
    for n in range(8):
        record_checkin(world.kr, str(56000 + n), "on_track", "", world.person, None)
    db.session.commit()
    large = measure(clients, world, count_queries)
    assert large == small
