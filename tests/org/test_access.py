"""Who may see and change what, checked on every route with the wrong user."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, url_for
from sqlalchemy import select
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from okr.extensions import db
from okr.org.models import ImportBatch
from tests.helpers import sign_in, snapshot, text

# Reachable without signing in: the sign-in page itself, signing out, and the language switch
# (a visitor chooses the language of the sign-in page).
PUBLIC = {
    *("static", "auth.login", "auth.logout", "auth.set_language"),
    *("api-docs.openapi_json", "api_pages.docs"),  # the API's document and its readable page
}
# The API's endpoints sign in by token only: a visitor gets a 401 problem, never the sign-in page
# (tests/api); its unknown addresses are 404 problems. Its document is public (no data in it).
TOKEN_ONLY = {"api_okrs", "api_org", "api_results", "api_fallback"}
# Open to every signed-in person; each scopes what it shows to the viewer.
EVERYONE = {
    "main.home",
    "people.index",
    "people.suggest",
    "departments.suggest",  # department names for the filters of the alignment and team pages
    "people.detail",
    "auth.account",
    "auth.preferences",
    "auth.change_password",
}


@pytest.fixture
def org(make_department, make_person):
    """HR, and 网络营销部 under 王志远: 李喆 leads 推广组 (张玥), 赵雅琪 leads 内容组 (孙燊)."""
    hr = make_department("人力资源部")
    marketing = make_department("网络营销部")
    seo = make_department("推广组", parent=marketing)
    content = make_department("内容组", parent=marketing)
    boss = make_person("王志远", email="wangzhiyuan@example.com", department=marketing)
    lead = make_person("李喆", email="lizhe@example.com", department=seo, manager=boss)
    peer = make_person("赵雅琪", email="zhaoyaqi@example.com", department=content, manager=boss)
    return {
        "hr_department": hr,
        "seo": seo,
        "admin": make_person("林慧", email="linhui@example.com", department=hr, is_admin=True),
        "boss": boss,
        "lead": lead,
        "peer": peer,
        "zhang": make_person("张玥", email="zhangyue@example.com", department=seo, manager=lead),
        "sun": make_person("孙燊", email="sunshen@example.com", department=content, manager=peer),
    }


ORG_BLUEPRINTS = {"departments", "people", "transfer"}


def _rules(app: Flask, keep: Callable[[Rule], bool]) -> list[tuple[str, str]]:
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if keep(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
    )


def _is_admin_route(rule: Rule) -> bool:
    """Org routes are for HR unless listed in EVERYONE, so a new one is checked by default."""
    return rule.endpoint.split(".")[0] in ORG_BLUEPRINTS and rule.endpoint not in EVERYONE


def _url(app: Flask, endpoint: str, samples: dict[str, Any] | None = None) -> str:
    """A URL for the endpoint; arguments without a sample get a value of the right type."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if samples and name in samples:
            values[name] = samples[name]
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    with app.test_request_context():
        return url_for(endpoint, **values)


def _samples(org: dict[str, Any]) -> dict[str, Any]:
    return {
        "person_id": org["sun"].id,
        "department_id": org["seo"].id,
        "fmt": "csv",
        "batch_id": _uploaded(org),
    }


def _uploaded(org: dict[str, Any]) -> int:
    """An import file the admin uploaded (its preview has an address of its own)."""
    found = db.session.scalar(select(ImportBatch.id).order_by(ImportBatch.id).limit(1))
    if found is None:
        batch = ImportBatch(filename="people.csv", rows=[], created_by_id=org["admin"].id)
        db.session.add(batch)
        db.session.commit()
        found = batch.id
    return found


def _csv() -> dict[str, Any]:
    data = "姓名,邮箱,部门\n新人,newcomer@example.com,推广组\n".encode()
    return {"file": (io.BytesIO(data), "people.csv")}


def _post_data(endpoint: str, org: dict[str, Any]) -> dict[str, Any]:
    """A submission that would change something if the check were missing."""
    seo, sun = org["seo"], org["sun"]
    batch = ImportBatch(
        filename="people.csv",
        rows=[{"name": "新人", "email": "newcomer@example.com", "department": "推广组"}],
        created_by_id=org["admin"].id,
    )
    db.session.add(batch)
    db.session.commit()
    return {
        "departments.new": {"name": "新部门", "parent_id": ""},
        "departments.edit": {"name": "改名", "parent_id": "", "version": str(seo.version)},
        "departments.delete": {"version": str(seo.version)},
        "people.new": {
            "name": "新人",
            "email": "newcomer@example.com",
            "department_id": str(seo.id),
        },
        "people.edit": {
            "name": "改名",
            "email": sun.email,
            "department_id": str(seo.id),
            "is_admin": "y",
            "version": str(sun.version),
        },
        "people.toggle_active": {"version": str(sun.version)},
        "people.import_upload": _csv(),
        "people.import_confirm": {"batch_id": str(batch.id)},
        "people.export": {},  # asks for the export job
        "auth.preferences": {"prefs-locale": "en", "prefs-timezone": "UTC"},
        "auth.change_password": {"pw-current": "x", "pw-new": "new password", "pw-confirm": "x"},
    }[endpoint]


@pytest.mark.parametrize("role", ["zhang", "lead", "boss"], ids=["employee", "manager", "head"])
def test_only_admins_reach_admin_routes(app, org, role):
    client = sign_in(app.test_client(), org[role])
    admin_routes = _rules(app, _is_admin_route)
    assert len(admin_routes) >= 10
    for endpoint, method in admin_routes:
        url = _url(app, endpoint, _samples(org))
        data = _post_data(endpoint, org) if method == "POST" else None
        before = snapshot()
        response = client.open(url, method=method, data=data)
        assert response.status_code == 403, (endpoint, method)
        assert "You do not have access to this page." in text(response)
        assert snapshot() == before, (endpoint, method)


def test_admin_reaches_every_admin_page(app, org):
    client = sign_in(app.test_client(), org["admin"])
    for endpoint, method in _rules(app, _is_admin_route):
        if method == "GET":
            url = _url(app, endpoint, _samples(org))
            assert client.get(url).status_code == 200, endpoint


def test_every_route_but_sign_in_sends_visitors_to_sign_in(app, org):
    client = app.test_client()
    routes = _rules(
        app, lambda r: r.endpoint not in PUBLIC and r.endpoint.split(".")[0] not in TOKEN_ONLY
    )
    assert len(routes) >= 15
    for endpoint, method in routes:
        url = _url(app, endpoint, _samples(org))
        before = snapshot()
        response = client.open(url, method=method)
        assert response.status_code == 302, (endpoint, method)
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login", endpoint
        assert parse_qs(location.query)["next"] == [url], endpoint
        assert snapshot() == before, endpoint


def test_the_api_answers_a_visitor_without_a_token_with_401(app, org):
    client = app.test_client()
    routes = _rules(app, lambda r: r.endpoint.split(".")[0] in TOKEN_ONLY - {"api_fallback"})
    assert len(routes) >= 10
    for endpoint, method in routes:
        url = _url(app, endpoint, _samples(org))
        before = snapshot()
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, (endpoint, method)
        assert response.mimetype == "application/problem+json", endpoint
        assert snapshot() == before, endpoint


def test_public_routes_are_only_the_sign_in_ones(app):
    public = {rule.endpoint for rule in app.url_map.iter_rules()} & PUBLIC
    assert public == PUBLIC


def test_visitor_signing_out_just_lands_on_sign_in(client):
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


@pytest.mark.parametrize(
    ("viewer", "allowed", "refused"),
    [
        ("zhang", ["zhang"], ["lead", "boss", "peer", "sun", "admin"]),
        ("lead", ["lead", "zhang"], ["boss", "peer", "sun", "admin"]),
        ("boss", ["boss", "lead", "zhang", "peer", "sun"], ["admin"]),
        ("admin", ["admin", "boss", "lead", "zhang", "peer", "sun"], []),
    ],
    ids=["employee", "manager", "head", "hr"],
)
def test_person_pages_show_self_and_reporting_line_only(app, org, viewer, allowed, refused):
    client = sign_in(app.test_client(), org[viewer])
    for name in allowed:
        response = client.get(f"/people/{org[name].id}")
        assert response.status_code == 200, name
        assert org[name].name in text(response)
    for name in refused:
        response = client.get(f"/people/{org[name].id}")
        assert response.status_code == 403, name
        assert org[name].email not in text(response)


@pytest.mark.parametrize(
    ("viewer", "listed"),
    [
        ("zhang", ["张玥"]),
        ("lead", ["张玥", "李喆"]),
        ("boss", ["孙燊", "张玥", "李喆", "王志远", "赵雅琪"]),
    ],
    ids=["employee", "manager", "head"],
)
def test_people_list_and_suggestions_are_scoped_to_the_viewer(app, org, viewer, listed):
    client = sign_in(app.test_client(), org[viewer])

    query = {"q": "example.com", "inactive": "y"}
    people = text(client.get("/people/", query_string=query, headers={"HX-Request": "true"}))
    page = text(client.get("/people/"))
    suggested = text(client.get("/people/suggest", query_string={"q": "example.com"}))

    everyone = ["孙燊", "张玥", "李喆", "王志远", "赵雅琪", "林慧"]
    assert sorted(name for name in everyone if f">{name}</a>" in people) == sorted(listed)
    assert sorted(name for name in everyone if f">{name} ·" in suggested) == sorted(listed)
    assert "<html" not in people  # the results alone, without the viewer's name in the top bar
    assert "Import" not in page and "New person" not in page


def test_manager_sees_indirect_reports_after_a_move(app, org):
    """Visibility follows the reporting line as it is now, not as it was."""
    client = sign_in(app.test_client(), org["lead"])
    sun = org["sun"]
    assert client.get(f"/people/{sun.id}").status_code == 403

    sun.manager_id = org["zhang"].id
    db.session.commit()

    assert client.get(f"/people/{sun.id}").status_code == 200


def test_home_page_of_an_employee_links_their_own_record(app, org):
    client = sign_in(app.test_client(), org["zhang"])

    home = client.get("/")
    own = client.get(f"/people/{org['zhang'].id}")

    assert f'href="/people/{org["zhang"].id}"' in home.get_data(as_text=True)
    assert own.status_code == 200
    assert "李喆" in text(own)  # her manager is shown on her own record
