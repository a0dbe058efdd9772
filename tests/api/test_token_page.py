"""The tokens page: make one (shown once), list with last use, revoke; HR sees and revokes all."""

from __future__ import annotations

import re

from sqlalchemy import select

from okr.api.models import ApiToken
from okr.extensions import db
from tests.helpers import text


def test_a_token_made_on_the_page_is_shown_once_and_then_listed(world, login, api):
    client = login(world.person)
    response = client.post(
        "/account/api-tokens",
        data={"name": "我的脚本", "scopes": ["read", "checkin"], "days": "30"},
    )
    assert response.status_code == 200
    secret = re.search(r'<code id="token-secret">(okr_pat_[^<]+)</code>', text(response)).group(1)
    assert api(secret).get("/api/v1/me/objectives").status_code == 200
    listing = client.get("/account/api-tokens")
    assert "我的脚本" in text(listing) and secret not in text(listing)
    assert "read, checkin" in text(listing)


def test_a_refused_token_form_says_why_beside_each_field_with_422(world, login):
    client = login(world.person)
    response = client.post("/account/api-tokens", data={"name": "", "days": "9999"})
    assert response.status_code == 422
    page = text(response)
    assert "Give the token a name" in page
    assert "Choose at least one of read, check-in and admin." in page
    assert "Between 1 and 365 days." in page
    assert db.session.scalars(select(ApiToken)).all() == []


def test_the_form_speaks_chinese(world, login):
    world.person.locale = "zh"
    db.session.commit()
    response = login(world.person).post("/account/api-tokens", data={"name": "x", "days": "5"})
    assert response.status_code == 422
    assert "至少选择" in text(response)


def test_the_owner_revokes_a_token_and_it_stops_working(world, login, make_token, api):
    secret = make_token(world.person, "read")
    token_id = db.session.scalars(select(ApiToken.id)).one()
    response = login(world.person).post(f"/account/api-tokens/{token_id}/revoke")
    assert response.status_code == 303
    assert api(secret).get("/api/v1/me/objectives").status_code == 401


def test_nobody_else_revokes_my_token_but_hr(world, login, make_token, app):
    make_token(world.person, "read")
    token_id = db.session.scalars(select(ApiToken.id)).one()
    assert login(world.manager).post(f"/account/api-tokens/{token_id}/revoke").status_code == 403
    hr = app.test_client()
    from tests.helpers import sign_in

    sign_in(hr, world.hr)
    assert "test" in text(hr.get("/account/api-tokens?everyone=1"))
    assert world.person.name in text(hr.get("/account/api-tokens?everyone=1"))
    assert world.person.name not in text(login(world.manager).get("/account/api-tokens?everyone=1"))
    assert hr.post(f"/account/api-tokens/{token_id}/revoke").status_code == 303
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).revoked_at is not None


def test_the_account_page_links_to_the_tokens_page(world, login):
    assert "/account/api-tokens" in text(login(world.person).get("/account"))
