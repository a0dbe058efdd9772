"""A department objective asked for without its department is a plain 404 (it once warned)."""

from __future__ import annotations


def test_a_department_objective_without_a_department_is_not_found(client, login, make_person):
    login(make_person("林慧", is_admin=True))
    assert client.get("/okrs/objectives/new?level=department").status_code == 404
    assert client.get("/okrs/objectives/new?level=department&department=x").status_code == 404
