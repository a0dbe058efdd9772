"""The timezone list on the account page: common zones first, grouped by region, named in the
reader's language with the UTC offset, searchable with and without JavaScript; the stored value
stays the IANA name."""

from __future__ import annotations

import re
from html import unescape

import pytest

from okr.extensions import db
from okr.org.models import Person
from tests.helpers import form_values, sign_in

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}


@pytest.fixture
def person(make_person):
    return make_person("张玥", email="zhangyue@example.com")


@pytest.fixture
def me(app, person):
    return sign_in(app.test_client(), person)


def select(body: str) -> list[tuple[str | None, str, str]]:
    """The timezone select as (group, value, label) rows, in order."""
    html = re.search(r'<select[^>]*name="prefs-timezone".*?</select>', body, re.S).group(0)
    rows, group = [], None
    for tag in re.finditer(
        r'<optgroup label="([^"]*)">|</optgroup>|<option[^>]*value="([^"]*)"[^>]*>(.*?)</option>',
        html,
    ):
        if tag.group(0).startswith("<optgroup"):
            group = unescape(tag.group(1))
        elif tag.group(0) == "</optgroup>":
            group = None
        else:
            rows.append((group, tag.group(2), unescape(tag.group(3))))
    return rows


def test_common_zones_come_first_named_in_chinese_with_their_offset(me):
    rows = select(me.get("/account", headers=ZH).get_data(as_text=True))
    assert rows[0][:2] == (None, "") and rows[0][2].startswith(
        "公司时区：(UTC+08:00) 中国（上海）时间"
    )
    common = [value for group, value, _label in rows if group == "常用"]
    assert common[:5] == [
        "Asia/Shanghai",
        "Asia/Hong_Kong",
        "Asia/Taipei",
        "Asia/Macau",
        "Asia/Singapore",
    ]
    assert {"Asia/Tokyo", "Europe/London", "America/New_York", "UTC"} <= set(common)
    labels = {value: label for _group, value, label in rows}
    assert labels["Asia/Shanghai"] == "(UTC+08:00) 中国（上海）时间"
    assert labels["Asia/Tokyo"] == "(UTC+09:00) 日本时间（东京）"
    assert labels["Asia/Kathmandu"] == "(UTC+05:45) 尼泊尔时间（加德满都）"
    assert labels["UTC"] == "(UTC+00:00) 协调世界时"
    assert rows[1][1] != "Africa/Abidjan"


def test_the_other_zones_are_grouped_by_region_without_legacy_aliases(me):
    rows = select(me.get("/account", headers=ZH).get_data(as_text=True))
    groups = list(dict.fromkeys(group for group, _v, _l in rows if group))
    assert groups[:4] == ["常用", "亚洲", "欧洲", "美洲"]
    assert {"非洲", "澳大利亚", "太平洋"} <= set(groups)
    values = [value for _g, value, _l in rows]
    assert len(values) == len(set(values))  # a common zone is not listed twice
    assert not {"US/Eastern", "PRC", "Etc/GMT+5", "Asia/Calcutta", "Factory"} & set(values)
    assert 350 < len(values) < 450
    europe = [value for group, value, _l in rows if group == "欧洲"]
    assert "Europe/Madrid" in europe and "Asia/Dubai" not in europe


def test_labels_follow_the_readers_language(me):
    labels = {
        v: label for _g, v, label in select(me.get("/account", headers=EN).get_data(as_text=True))
    }
    assert labels["Asia/Shanghai"] == "(UTC+08:00) China (Shanghai) Time"
    assert labels["Asia/Tokyo"] == "(UTC+09:00) Japan Time (Tokyo)"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("伦敦", {"Europe/London"}),
        ("London", {"Europe/London"}),
        ("hong kong", {"Asia/Hong_Kong"}),
        ("上海", {"Asia/Shanghai"}),
        ("Asia/Taipei", {"Asia/Taipei"}),
        ("+5:45", {"Asia/Kathmandu"}),
    ],
)
def test_searching_narrows_the_list_without_javascript(me, query, expected):
    response = me.get("/account", query_string={"tz": query}, headers=ZH)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<html" in body  # a plain GET form: the whole page comes back
    values = {value for _g, value, _l in select(body) if value}
    assert values == expected
    assert f"与“{query.strip()}”匹配" in unescape(body)


def test_an_offset_search_finds_every_zone_with_that_offset(me):
    body = me.get("/account", query_string={"tz": "+8"}, headers=ZH).get_data(as_text=True)
    values = {value for _g, value, _l in select(body) if value}
    assert {"Asia/Shanghai", "Asia/Singapore", "Australia/Perth"} <= values
    assert "Asia/Tokyo" not in values


def test_a_search_keeps_the_chosen_zone_and_says_when_nothing_matches(me, person):
    person.timezone = "Europe/Berlin"
    db.session.commit()
    body = me.get("/account", query_string={"tz": "Atlantis"}, headers=ZH).get_data(as_text=True)
    assert [v for _g, v, _l in select(body)] == ["", "Europe/Berlin"]
    assert "没有与“Atlantis”匹配的时区。" in unescape(body)


def test_with_htmx_only_the_list_comes_back_and_keeps_the_selection(me):
    response = me.get(
        "/account",
        query_string={"tz": "tokyo", "prefs-timezone": "Asia/Tokyo"},
        headers={**ZH, "HX-Request": "true"},
    )
    body = response.get_data(as_text=True)
    assert "<html" not in body and body.lstrip().startswith('<div id="timezone-field">')
    assert form_values(response)["prefs-timezone"] == "Asia/Tokyo"
    assert "HX-Request" in response.headers["Vary"]


def test_the_stored_value_is_the_iana_name(me, person):
    response = me.post(
        "/account/preferences", data={"prefs-locale": "", "prefs-timezone": "Asia/Hong_Kong"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).timezone == "Asia/Hong_Kong"
    assert form_values(me.get("/account"))["prefs-timezone"] == "Asia/Hong_Kong"


def test_an_older_zone_name_saved_before_stays_chosen_and_can_be_saved_again(me, person):
    person.timezone = "US/Eastern"
    db.session.commit()
    assert form_values(me.get("/account"))["prefs-timezone"] == "US/Eastern"
    response = me.post(
        "/account/preferences", data={"prefs-locale": "", "prefs-timezone": "US/Eastern"}
    )
    assert response.status_code == 302


def test_the_search_needs_a_sign_in(client):
    response = client.get("/account", query_string={"tz": "上海"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
