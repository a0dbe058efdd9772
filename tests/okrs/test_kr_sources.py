"""A key result's source (typed in, API, upload) on its forms and page, and how each check-in came
in: values pushed by the API or an upload are marked in the KR page's log and in the 周报."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.checkins.services import record_checkin
from okr.extensions import db
from okr.objectives.models import CheckIn, KeyResult
from tests.factories import build_quarter, care_team, draft_objective, q4_cycle
from tests.helpers import field_error, form_values, text


@pytest.fixture
def org(make_person, make_department):
    _team, lead, agent = care_team(make_department, make_person)
    objective = draft_objective(q4_cycle(), agent, "提升客户满意度")
    db.session.commit()
    return SimpleNamespace(
        lead=lead, agent=agent, new_url=f"/okrs/objectives/{objective.id}/key-results/new"
    )


def _form(**fields):
    base = {"title": "访问量", "kind": "increase", "weight": "100", "start": "0", "target": "9"}
    return base | {"direction": "up", **fields}


def _krs() -> list[KeyResult]:
    db.session.expire_all()
    return list(db.session.scalars(select(KeyResult).order_by(KeyResult.id)))


def test_a_new_key_result_is_typed_in_unless_told(client, login, org):
    login(org.agent)
    assert form_values(client.get(org.new_url))["source"] == "manual"
    assert client.post(org.new_url, data=_form()).status_code == 303
    kr = _krs()[-1]
    assert (kr.source, kr.source_key) == ("manual", None)


def test_a_pushed_source_keeps_its_trimmed_key_and_the_page_shows_it(client, login, org):
    login(org.agent)
    response = client.post(
        org.new_url, data=_form(source="api", source_key="  baidu:visits:seo-team ")
    )
    assert response.status_code == 303
    kr = _krs()[-1]
    assert (kr.source, kr.source_key) == ("api", "baidu:visits:seo-team")
    page = text(client.get(f"/okrs/key-results/{kr.id}"))
    shown = page[page.index('id="kr-source"') :]
    assert "Pushed by the API" in shown.split("</dd>")[0]
    assert "baidu:visits:seo-team" in shown.split("</dd>")[0]
    edit = form_values(client.get(f"/okrs/key-results/{kr.id}/edit"))
    assert (edit["source"], edit["source_key"]) == ("api", "baidu:visits:seo-team")


def test_typed_in_again_drops_the_key(client, login, org):
    login(org.agent)
    client.post(org.new_url, data=_form(source="upload", source_key="crm:leads"))
    kr = _krs()[-1]
    values = form_values(client.get(f"/okrs/key-results/{kr.id}/edit"))
    values |= {"source": "manual"}
    assert client.post(f"/okrs/key-results/{kr.id}/edit", data=values).status_code == 303
    assert (_krs()[-1].source, _krs()[-1].source_key) == ("manual", None)


@pytest.mark.parametrize(
    ("fields", "field", "english", "chinese"),
    [
        ({"source": "api", "source_key": "  "}, "source_key", "Enter the external id", "外部编号"),
        ({"source": "api", "source_key": "baidu visits"}, "source_key", "no spaces", "空格"),
        ({"source": "api", "source_key": "x" * 121}, "source_key", "at most 120", "最多 120"),
        ({"source": "ftp", "source_key": "a"}, "source", "Choose where", "请选择数值的来源"),
    ],
)
def test_a_malformed_source_is_refused_beside_its_field_in_both_languages(
    client, login, org, fields, field, english, chinese
):
    login(org.agent)
    response = client.post(org.new_url, data=_form(title="错的", **fields))
    assert response.status_code == 422
    assert english in field_error(response, field)
    assert [kr.title for kr in _krs()] == []  # nothing saved
    assert form_values(response)["title"] == "错的"  # what was typed is kept
    org.agent.locale = "zh"
    db.session.commit()
    response = client.post(org.new_url, data=_form(**fields))
    assert response.status_code == 422
    assert chinese in field_error(response, field)


def test_a_key_another_key_result_has_is_refused_in_both_languages(client, login, org):
    login(org.agent)
    client.post(org.new_url, data=_form(source="api", source_key="crm:leads"))
    first = _krs()[-1]
    response = client.post(org.new_url, data=_form(source="upload", source_key=" crm:leads"))
    assert response.status_code == 422
    assert "already has this external id" in field_error(response, "source_key")
    assert [kr.id for kr in _krs()] == [first.id]
    org.agent.locale = "zh"
    db.session.commit()
    response = client.post(org.new_url, data=_form(source="upload", source_key="crm:leads"))
    assert "已有其他关键结果使用了这个外部编号" in field_error(response, "source_key")
    # its own key result keeps it on an edit
    values = form_values(client.get(f"/okrs/key-results/{first.id}/edit")) | {"title": "线索"}
    assert client.post(f"/okrs/key-results/{first.id}/edit", data=values).status_code == 303


# The marker of pushed values ---------------------------------------------------------------


@pytest.fixture
def q(make_department, make_person):
    return build_quarter(make_department, make_person)


def _pushed(q, origin: str, value: str, ref: str | None = None) -> CheckIn:
    checkin = record_checkin(q.traffic, value, "on_track", "", q.seo, None)
    checkin.origin, checkin.origin_ref = origin, ref
    db.session.commit()
    return checkin


def test_existing_and_typed_in_check_ins_come_from_the_form(q):
    checkin = record_checkin(q.traffic, "41000", "on_track", "", q.seo, None)
    db.session.commit()
    db.session.expire_all()
    assert (db.session.get(CheckIn, checkin.id).origin, checkin.origin_ref) == ("form", None)


def test_the_log_marks_values_from_the_api_and_uploads_accessibly(client, login, q):
    typed = record_checkin(q.traffic, "41000", "on_track", "", q.seo, None)
    db.session.commit()
    api = _pushed(q, "api", "42000", "token 7")
    upload = _pushed(q, "upload", "43000", "百度统计.csv")
    login(q.seo)
    body = text(client.get(f"/okrs/key-results/{q.traffic.id}"))

    def row(checkin):
        part = body[body.index(f'id="checkin-{checkin.id}"') :]
        return part[: part.index("</tr>")]

    assert "origin-mark" not in row(typed)
    assert 'title="Value pushed by the API (token 7)"' in row(api)
    assert '<span class="visually-hidden">Value pushed by the API</span>' in row(api)
    assert 'title="Value uploaded from a file (百度统计.csv)"' in row(upload)
    q.seo.locale = "zh"
    db.session.commit()
    body = text(client.get(f"/okrs/key-results/{q.traffic.id}"))
    assert "由 API 推送的数值" in row(api) and "由文件上传的数值" in row(upload)


def test_the_weekly_report_marks_a_week_whose_value_was_pushed(client, login, q):
    record_checkin(q.pages, "120", "on_track", "", q.seo, None)
    _pushed(q, "api", "42000")
    login(q.lead)
    body = text(client.get(f"/team/weekly?cycle={q.cycle.id}"))

    def row(kr):
        part = body[body.index(f'id="weekly-kr-{kr.id}"') :]
        return part[: part.index("</tr>")]

    assert row(q.traffic).count("origin-api") == 1
    assert "origin-mark" not in row(q.pages)
    q.lead.locale = "zh"
    db.session.commit()
    body = text(client.get(f"/team/weekly?cycle={q.cycle.id}"))
    assert "由 API 推送的数值" in row(q.traffic)


# The source page: at any time, for whoever may edit the objective ----------------------------


def test_a_running_key_result_takes_a_source_from_its_own_page(client, login, q):
    login(q.seo)
    assert f"/okrs/key-results/{q.traffic.id}/source" in text(
        client.get(f"/okrs/key-results/{q.traffic.id}")
    )
    url = f"/okrs/key-results/{q.traffic.id}/source"
    assert form_values(client.get(url))["source"] == "manual"
    response = client.post(url, data={"source": "api", "source_key": " baidu:visits "})
    assert response.status_code == 303
    db.session.expire_all()
    kr = db.session.get_one(KeyResult, q.traffic.id)
    assert (kr.source, kr.source_key, kr.target) == ("api", "baidu:visits", 60000)


@pytest.mark.parametrize("who", ["peer", "other_lead"])
def test_the_source_page_refuses_who_may_not_edit(client, login, q, who):
    login(getattr(q, who))
    url = f"/okrs/key-results/{q.traffic.id}/source"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"source": "api", "source_key": "x"}).status_code == 403
    db.session.expire_all()
    assert db.session.get_one(KeyResult, q.traffic.id).source == "manual"


def test_the_source_page_refuses_a_taken_key_beside_the_field_in_both_languages(client, login, q):
    q.pages.source, q.pages.source_key = "upload", "baidu:pages"
    db.session.commit()
    login(q.seo)
    url = f"/okrs/key-results/{q.traffic.id}/source"
    response = client.post(url, data={"source": "upload", "source_key": "baidu:pages"})
    assert response.status_code == 422
    assert "already has this external id" in field_error(response, "source_key")
    q.seo.locale = "zh"
    db.session.commit()
    response = client.post(url, data={"source": "upload", "source_key": "baidu:pages"})
    assert "已有其他关键结果使用了这个外部编号" in field_error(response, "source_key")
    db.session.expire_all()
    assert db.session.get_one(KeyResult, q.traffic.id).source_key is None
