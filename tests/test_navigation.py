"""After a write the address is the page shown; errors answer htmx with a page or a message."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from okr.extensions import db
from okr.org.models import ImportBatch
from tests.helpers import flashes, text

BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
FRAGMENT = {"HX-Request": "true"}


def _csv(*rows: str) -> dict:
    body = "\n".join(["name,email,department", *rows]).encode()
    return {"file": (io.BytesIO(body), "people.csv")}


def test_a_valid_import_file_gets_a_preview_address_of_its_own(
    client, login, make_person, make_department
):
    team = make_department("推广组")
    login(make_person("林慧", is_admin=True, department=team))
    response = client.post(
        "/people/import",
        data=_csv("张玥,zhangyue@example.com,推广组"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    batch = db.session.scalar(select(ImportBatch))
    assert response.headers["Location"] == f"/people/import/{batch.id}"
    for _ in range(2):  # reloading shows the same preview
        page = client.get(response.headers["Location"])
        assert page.status_code == 200
        assert "Every row is valid: 1 to add, 0 to update, 0 unchanged." in text(page)
        assert f'name="batch_id" type="hidden" value="{batch.id}"' in text(page)
    done = client.post("/people/import/confirm", data={"batch_id": str(batch.id)})
    assert done.status_code == 303 and done.headers["Location"] == "/people/"
    again = client.get(f"/people/import/{batch.id}")
    assert again.status_code == 303 and again.headers["Location"] == "/people/"
    assert "This file was imported already." in flashes(client.get("/people/"))


def test_an_import_preview_is_only_for_who_uploaded_it(client, login, make_person):
    admin, other = make_person(is_admin=True), make_person(is_admin=True)
    batch = ImportBatch(filename="people.csv", rows=[], created_by_id=admin.id)
    db.session.add(batch)
    db.session.commit()
    login(other)
    assert client.get(f"/people/import/{batch.id}").status_code == 403
    login(make_person())
    assert client.get(f"/people/import/{batch.id}").status_code == 403
    assert client.get("/people/import/999").status_code == 403  # HR only, before anything else


def test_a_boosted_link_to_a_missing_page_gets_the_error_page(client, login, make_person):
    login(make_person())
    response = client.get("/okrs/objectives/999", headers=BOOSTED)
    assert response.status_code == 404
    body = text(response)
    assert "<html" in body and "<h1>Not found</h1>" in body
    assert "HX-Retarget" not in response.headers


def test_a_fragment_request_that_fails_gets_a_message_for_the_flashes(client, login, make_person):
    login(make_person())
    response = client.get("/alignment/objectives/999/children", headers=FRAGMENT)
    assert response.status_code == 404
    assert "<html" not in text(response)
    assert flashes(response) == ["Not found: This page does not exist or was removed."]
    assert response.headers["HX-Retarget"] == "#flashes"
    assert response.headers["HX-Reswap"] == "innerHTML"
    assert response.headers["HX-Push-Url"] == "false"
    forbidden = client.get("/cycles/", headers=FRAGMENT)
    assert forbidden.status_code == 403
    assert flashes(forbidden) == ["Not allowed: You do not have access to this page."]


def test_a_post_only_address_answers_405_with_the_app_page(client, login, make_person):
    login(make_person())
    response = client.get("/okrs/objectives/1/submit")
    assert response.status_code == 405
    assert "<h1>Not available this way</h1>" in text(response)


def test_a_boosted_form_refused_at_a_post_only_address_keeps_the_page_url(
    client, login, make_person
):
    login(make_person())
    data = {"pw-current": "wrong", "pw-new": "another password", "pw-confirm": "another password"}
    refused = client.post("/account/password", data=data, headers=BOOSTED)
    assert refused.status_code == 422
    assert refused.headers["HX-Push-Url"] == "false"  # not /account/password, which GET cannot open
    # a form refused at an address that GET opens (the form's own page) keeps htmx's default
    form = client.post("/departments/new", data={"name": ""}, headers=BOOSTED)
    assert "HX-Push-Url" not in form.headers


def test_the_error_script_gets_its_messages_from_the_page(client, login, make_person):
    login(make_person())
    html = text(client.get("/"))
    tag = re.search(r'<script src="/static/js/errors.js"[^>]*>', html).group(0)
    assert 'data-server-error="The request failed (error {status}). Try again in a moment."' in tag
    assert "data-network-error=" in tag
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert '{"code": "^(400|403|404|405|413|429|500)$", "swap": true}' in config
