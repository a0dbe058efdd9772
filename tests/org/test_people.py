"""People (HR): list with search and paging, create, edit, deactivate, stale edits, htmx, queries."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from okr.extensions import db
from okr.org.models import Department, Person
from tests.helpers import TEST_PASSWORD, field_error, flashes, form_values, sign_in, text


def fresh(person_id: int) -> Person:
    """The person as stored, ignoring anything a refused request left in the session."""
    db.session.rollback()
    return db.session.get(Person, person_id)


def people_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Person.id)))


def listed(response) -> list[str]:
    """Names in the people table, in order."""
    body = text(response)
    return [
        line.split('">', 1)[1].split("</a>", 1)[0]
        for line in body.splitlines()
        if '<td><a href="/people/' in line
    ]


@pytest.fixture
def hr(login, admin):
    return login(admin)


@pytest.fixture
def company(make_department, make_person):
    """网络营销部 with 推广组 (张玥, 刘彧 under 李喆) and 客服组 (何静)."""
    marketing = make_department("网络营销部")
    seo = make_department("推广组", parent=marketing)
    service = make_department("客服组", parent=marketing)
    lead = make_person("李喆", email="lizhe@example.com", department=seo, position="推广主管")
    return {
        "marketing": marketing,
        "seo": seo,
        "service": service,
        "lead": lead,
        "zhang": make_person(
            "张玥", email="zhangyue@example.com", department=seo, position="SEO专员", manager=lead
        ),
        "liu": make_person(
            "刘彧", email="liuyu@example.com", department=seo, position="SEM专员", manager=lead
        ),
        "he": make_person(
            "何静", email="hejing@example.com", department=service, position="客服主管"
        ),
    }


# The list -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张玥", ["张玥"]),
        ("玥", ["张玥"]),
        ("ZhangYue@", ["张玥"]),
        ("example.com", ["Admin", "何静", "刘彧", "张玥", "李喆"]),
        ("seo", ["张玥"]),
        ("专员", ["刘彧", "张玥"]),
        ("客服组", ["何静"]),
        ("推广组", ["刘彧", "张玥", "李喆"]),
        (" 何静 ", ["何静"]),
    ],
)
def test_search_by_name_email_position_or_department(hr, company, query, expected):
    response = hr.get("/people/", query_string={"q": query})

    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(expected)


@pytest.mark.parametrize("query", ["%", "_", "张%", "\\"])
def test_search_characters_are_taken_literally(hr, company, query):
    response = hr.get("/people/", query_string={"q": query})

    assert response.status_code == 200
    assert listed(response) == []
    assert f"Nobody matches “{query}”" in text(response)


def test_search_for_a_name_with_like_characters_finds_it(hr, make_person):
    make_person("100% Zhang", email="full@example.com")
    make_person("1000 Zhang", email="thousand@example.com")

    assert listed(hr.get("/people/", query_string={"q": "100%"})) == ["100% Zhang"]


def test_paging_uses_page_size_and_keeps_the_search(app, hr, make_department):
    app.config["PAGE_SIZE"] = 3
    team = make_department("推广组")
    db.session.add_all(
        Person(name=f"Zhang {n:02d}", email=f"z{n}@example.com", department_id=team.id)
        for n in range(7)
    )
    db.session.commit()

    first = hr.get("/people/", query_string={"q": "zhang"})
    last = hr.get("/people/", query_string={"q": "zhang", "page": 3})

    assert listed(first) == ["Zhang 00", "Zhang 01", "Zhang 02"]
    assert "1–3 of 7" in text(first)
    assert "Page 1 of 3" in text(first)
    assert 'href="/people/?q=zhang&amp;page=2" rel="next"' in first.get_data(as_text=True)
    assert listed(last) == ["Zhang 06"]
    assert 'rel="next"' not in last.get_data(as_text=True)
    assert listed(hr.get("/people/", query_string={"q": "zhang", "page": 9})) == []


def test_deactivated_people_are_hidden_unless_asked_for(hr, company, make_person):
    make_person("离职员工", department=company["seo"], active=False)

    assert "离职员工" not in listed(hr.get("/people/"))
    shown = hr.get("/people/", query_string={"inactive": "y"})
    assert "离职员工" in listed(shown)
    assert "deactivated" in text(shown)
    assert form_values(shown)["inactive"] is True


def test_search_returns_only_the_results_fragment_to_htmx(hr, company):
    response = hr.get("/people/", query_string={"q": "张玥"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="people-results"')
    assert listed(response) == ["张玥"]
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-History-Restore-Request": "true"},
    ],
    ids=["plain", "boosted", "history-restore"],
)
def test_full_page_unless_a_fragment_request(hr, company, headers):
    response = hr.get("/people/", query_string={"q": "张玥"}, headers=headers)

    assert "<html" in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def _grow_people(start: int, stop: int) -> None:
    """People `start`..`stop`-1 in their own departments, each managed by the one before."""
    previous = db.session.scalars(select(Person).order_by(Person.id.desc()).limit(1)).first()
    for n in range(start, stop):
        department = Department(name=f"D{n}")
        person = Person(
            name=f"P{n:03d}", email=f"p{n}@example.com", department=department, manager=previous
        )
        db.session.add_all([department, person])
        previous = person
    db.session.commit()


def test_list_query_count_does_not_grow_with_people(hr, count_queries):
    counts = []
    for start, stop, shown in ((0, 5, 6), (5, 40, 25)):
        _grow_people(start, stop)
        with count_queries() as queries:
            response = hr.get("/people/")
        assert response.status_code == 200
        assert len(listed(response)) == shown
        counts.append(queries.count)
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    ("department", "expected"),
    [("marketing", ["何静", "刘彧", "张玥", "李喆"]), ("seo", ["刘彧", "张玥", "李喆"])],
)
def test_the_department_filter_lists_its_subtree(hr, company, department, expected):
    response = hr.get("/people/", query_string={"department": company[department].id})

    assert response.status_code == 200
    assert listed(response) == expected


def test_the_department_filter_and_the_search_together(hr, company):
    response = hr.get("/people/", query_string={"department": company["seo"].id, "q": "专员"})

    assert listed(response) == ["刘彧", "张玥"]


def test_an_unknown_department_is_refused_beside_the_field(hr, company):
    response = hr.get("/people/", query_string={"department": 999999})

    assert response.status_code == 422
    assert field_error(response, "department")
    assert listed(response) == []


def test_a_manager_naming_another_department_finds_none_of_its_people(login, company):
    client = login(company["lead"])
    other = client.get("/people/", query_string={"department": company["service"].id})

    assert other.status_code == 200
    assert "何静" not in text(other)
    assert listed(other) == []
    above = client.get("/people/", query_string={"department": company["marketing"].id})
    assert listed(above) == ["刘彧", "张玥", "李喆"]  # theirs within it, not 何静
    own = client.get("/people/", query_string={"department": "网络营销部 / 推广组"})
    assert listed(own) == ["刘彧", "张玥", "李喆"]


def test_paging_keeps_the_department(app, hr, company):
    app.config["PAGE_SIZE"] = 2

    first = hr.get("/people/", query_string={"department": company["marketing"].id})

    assert listed(first) == ["何静", "刘彧"]
    assert f'href="/people/?department={company["marketing"].id}&amp;page=2" rel="next"' in (
        first.get_data(as_text=True)
    )


def test_one_departments_list_reads_as_many_queries_with_more_people(hr, company, count_queries):
    counts = []
    for more in (0, 30):
        for n in range(more):  # in the department and elsewhere
            department = company["seo"] if n % 2 else company["service"]
            db.session.add(
                Person(name=f"新人{n:02d}", email=f"n{n}@example.com", department=department)
            )
        db.session.commit()
        with count_queries() as queries:
            response = hr.get("/people/", query_string={"department": company["seo"].id})
        assert response.status_code == 200
        counts.append(queries.count)
    assert len(listed(response)) == 18
    assert counts[0] == counts[1]


def test_detail_shows_the_record_path_manager_and_reports(hr, company):
    response = hr.get(f"/people/{company['lead'].id}")

    assert response.status_code == 200
    body = text(response)
    assert "网络营销部 / 推广组" in body
    assert "lizhe@example.com" in body
    assert "张玥" in body and "刘彧" in body  # direct reports
    assert "Manager" in body


def test_suggest_lists_matching_emails(hr, company):
    response = hr.get("/people/suggest", query_string={"manager_email": "li"})

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.startswith('<datalist id="people-suggest">')
    assert 'value="lizhe@example.com"' in body
    assert 'value="liuyu@example.com"' in body
    assert "hejing" not in body


# Create and edit ------------------------------------------------------------------------


def _form(company, **changes):
    data = {
        "name": "孙燊",
        "email": "SunShen@Example.com ",
        "position": "内容营销专员",
        "department_id": str(company["seo"].id),
        "manager_email": "LiZhe@example.com",
        "password": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_create_a_person(hr, company):
    response = hr.post("/people/new", data=_form(company, password="a new password"))

    person = db.session.scalars(select(Person).where(Person.name == "孙燊")).one()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/people/{person.id}"
    assert person.email == "sunshen@example.com"
    assert (person.department_id, person.manager_id) == (company["seo"].id, company["lead"].id)
    assert (person.active, person.is_admin) == (True, False)
    assert "孙燊 was added." in flashes(hr.get(f"/people/{person.id}"))
    other = hr.application.test_client()
    login = other.post(
        "/login", data={"email": "sunshen@example.com", "password": "a new password"}
    )
    assert login.status_code == 302


def test_new_form_preselects_the_department(hr, company):
    response = hr.get("/people/new", query_string={"department": company["service"].id})

    assert form_values(response)["department_id"] == str(company["service"].id)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Enter a name."),
        ({"name": "   "}, "name", "Enter a name."),
        ({"email": ""}, "email", "Enter an email address."),
        ({"email": "not an email"}, "email", "Enter an email address."),
        (
            {"email": "ADMIN@Example.COM"},
            "email",
            "Another person already uses this email address.",
        ),
        (
            {"email": "zhangyue@example.com"},
            "email",
            "Another person already uses this email address.",
        ),
        ({"department_id": ""}, "department_id", "Choose a department."),
        ({"manager_email": "ghost@example.com"}, "manager_email", "Nobody has this email address."),
        ({"manager_email": "not an email"}, "manager_email", "Enter an email address."),
        ({"password": "short"}, "password", "Use at least 8 characters."),
    ],
)
def test_create_refuses_bad_input_beside_the_field_and_keeps_it(
    hr, company, changes, field, message
):
    before = people_count()

    response = hr.post("/people/new", data=_form(company, **changes))

    assert response.status_code == 422
    assert field_error(response, field) == message
    sent, values = _form(company, **changes), form_values(response)
    for name in ("name", "position"):
        assert values[name] == sent[name]  # what was typed comes back
    for name in ("email", "manager_email"):
        assert values[name] == sent[name].strip()
    assert people_count() == before


def test_refused_form_keeps_every_input(hr, company):
    response = hr.post("/people/new", data=_form(company, email="ghost", is_admin="y"))

    values = form_values(response)
    assert values["name"] == "孙燊"
    assert values["email"] == "ghost"
    assert values["position"] == "内容营销专员"
    assert values["department_id"] == str(company["seo"].id)
    assert values["manager_email"] == "LiZhe@example.com"
    assert values["is_admin"] is True


def _edit(client, person, **changes):
    data = {
        "name": person.name,
        "email": person.email,
        "position": person.position,
        "department_id": str(person.department_id),
        "manager_email": "",
        "version": str(person.version),
    }
    data.update(changes)
    return client.post(f"/people/{person.id}/edit", data=data)


def test_edit_form_shows_the_stored_record(hr, company):
    zhang = company["zhang"]

    values = form_values(hr.get(f"/people/{zhang.id}/edit"))

    assert values["name"] == "张玥"
    assert values["email"] == "zhangyue@example.com"
    assert values["department_id"] == str(company["seo"].id)
    assert values["manager_email"] == "lizhe@example.com"
    assert values["version"] == str(zhang.version)
    assert values["password"] == ""


def test_edit_saves_the_record(hr, company):
    zhang, version = company["zhang"], company["zhang"].version

    response = _edit(
        hr,
        zhang,
        name="张玥玥",
        email="ZhangYue@Example.com",  # her own address in other case is no clash
        position="SEO主管",
        department_id=str(company["service"].id),
        manager_email="hejing@example.com",
        is_admin="y",
    )

    assert response.status_code == 303
    saved = fresh(zhang.id)
    assert (saved.name, saved.email, saved.position) == (
        "张玥玥",
        "zhangyue@example.com",
        "SEO主管",
    )
    assert (saved.department_id, saved.manager_id) == (company["service"].id, company["he"].id)
    assert saved.is_admin is True
    assert saved.version == version + 1


def test_edit_without_password_keeps_it_and_the_sessions(hr, app, company):
    zhang = company["zhang"]
    session = sign_in(app.test_client(), zhang)
    old_hash = zhang.password_hash

    assert _edit(hr, zhang, position="SEO主管").status_code == 303

    assert fresh(zhang.id).password_hash == old_hash
    assert session.get("/").status_code == 200


def test_new_password_from_hr_signs_out_the_persons_sessions(hr, app, company):
    zhang = company["zhang"]
    session = sign_in(app.test_client(), zhang)

    assert (
        _edit(hr, zhang, manager_email="lizhe@example.com", password="reset by hr").status_code
        == 303
    )

    assert session.get("/").status_code == 302
    login = app.test_client().post(
        "/login", data={"email": "zhangyue@example.com", "password": "reset by hr"}
    )
    assert login.status_code == 302


def test_duplicate_email_on_edit_is_refused(hr, company):
    zhang = company["zhang"]

    response = _edit(hr, zhang, email="LiuYu@Example.com")

    assert response.status_code == 422
    assert field_error(response, "email") == "Another person already uses this email address."
    assert fresh(zhang.id).email == "zhangyue@example.com"


def test_own_manager_is_refused(hr, company):
    zhang = company["zhang"]

    response = _edit(hr, zhang, manager_email="ZHANGYUE@example.com")

    assert response.status_code == 422
    assert field_error(response, "manager_email") == "A person cannot be their own manager."
    assert fresh(zhang.id).manager_id == company["lead"].id


@pytest.mark.parametrize("depth", [1, 3])
def test_manager_loop_is_refused(hr, make_person, depth):
    top = make_person("A", email="a@example.com")
    below = top
    for n in range(depth):
        below = make_person(f"B{n}", email=f"b{n}@example.com", manager=below)

    response = _edit(hr, top, manager_email=below.email)

    assert response.status_code == 422
    assert field_error(response, "manager_email") == (
        "This manager reports to the person already; that would make a loop."
    )
    assert fresh(top.id).manager_id is None


def test_unknown_person_is_not_found(hr):
    assert hr.get("/people/999").status_code == 404
    assert hr.get("/people/999/edit").status_code == 404
    assert hr.post("/people/999/active", data={"version": "1"}).status_code == 404


def test_stale_edit_is_refused_showing_the_newer_values(hr, company):
    zhang = company["zhang"]
    opened = zhang.version
    zhang.position = "SEO主管"  # saved by someone else meanwhile
    db.session.commit()

    response = _edit(hr, zhang, position="内容专员", version=str(opened))

    assert response.status_code == 422
    body = text(response)
    assert "Someone else saved this person while you were editing." in body
    assert "zhangyue@example.com · SEO主管" in body
    values = form_values(response)
    assert values["position"] == "内容专员"  # the user's input is kept
    assert values["version"] == str(opened + 1)
    assert fresh(zhang.id).position == "SEO主管"

    again = _edit(hr, fresh(zhang.id), position="内容专员")
    assert again.status_code == 303
    assert fresh(zhang.id).position == "内容专员"


# Deactivate and reactivate --------------------------------------------------------------


def _toggle(client, person, version=None):
    return client.post(
        f"/people/{person.id}/active", data={"version": str(version or person.version)}
    )


def test_deactivated_person_cannot_sign_in_and_loses_their_session(hr, app, company):
    zhang = company["zhang"]
    session = sign_in(app.test_client(), zhang)
    assert session.get("/").status_code == 200

    response = _toggle(hr, zhang)

    assert response.status_code == 303
    assert fresh(zhang.id).active is False
    assert "张玥 was deactivated and can no longer sign in; their history is kept." in flashes(
        hr.get(f"/people/{zhang.id}")
    )
    assert session.get("/").status_code == 302
    assert session.get("/").headers["Location"].startswith("/login")
    refused = app.test_client().post(
        "/login", data={"email": "zhangyue@example.com", "password": TEST_PASSWORD}
    )
    assert refused.status_code == 422
    assert field_error(refused, "password") == "The email or password is not right."


def test_deactivated_person_keeps_their_record_and_place(hr, company):
    zhang = company["zhang"]
    _toggle(hr, zhang)

    kept = fresh(zhang.id)
    assert (kept.name, kept.department_id, kept.manager_id) == (
        "张玥",
        company["seo"].id,
        company["lead"].id,
    )
    page = text(hr.get(f"/people/{company['lead'].id}"))
    assert "张玥" in page and "deactivated" in page
    assert "Reactivate" in text(hr.get(f"/people/{zhang.id}"))


def test_reactivated_person_can_sign_in_again(hr, app, company):
    zhang = company["zhang"]
    _toggle(hr, zhang)

    response = _toggle(hr, fresh(zhang.id))

    assert response.status_code == 303
    assert fresh(zhang.id).active is True
    assert "张玥 can sign in again." in flashes(hr.get(f"/people/{zhang.id}"))
    login = app.test_client().post(
        "/login", data={"email": "zhangyue@example.com", "password": TEST_PASSWORD}
    )
    assert login.status_code == 302


def test_admin_cannot_deactivate_themself(hr, admin):
    response = _toggle(hr, admin)

    assert response.status_code == 303
    assert fresh(admin.id).active is True
    assert "You cannot deactivate your own account." in flashes(hr.get(f"/people/{admin.id}"))
    assert hr.get("/").status_code == 200


def test_stale_deactivation_is_refused(hr, company):
    zhang = company["zhang"]
    opened = zhang.version
    zhang.position = "SEO主管"
    db.session.commit()

    response = _toggle(hr, zhang, version=opened)

    assert response.status_code == 303
    assert fresh(zhang.id).active is True
    assert "This record was changed by someone else meanwhile; reload and try again." in flashes(
        hr.get(f"/people/{zhang.id}")
    )
