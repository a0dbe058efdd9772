"""Two languages: complete catalogs, choice of language, locale formatting."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from okr import ROOT

CATALOG = ROOT / "okr" / "translations" / "zh" / "LC_MESSAGES"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "_l": None,
    "lazy_gettext": None,
    "N_": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "_lp": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}
METHOD_MAP = [("okr/**.py", "python"), ("templates/**.html", "jinja2")]


def _source_messages() -> set[tuple[str, str | None]]:
    """Every (msgid, message context) the source marks for translation."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS
    ):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


def _po():
    with open(CATALOG / "messages.po", "rb") as f:
        return read_po(f, locale="zh")


def test_every_source_string_has_a_chinese_translation():
    catalog = _po()
    missing = []
    for msgid, context in sorted(_source_messages(), key=lambda m: (m[0], m[1] or "")):
        entry = catalog.get(msgid, context=context)
        strings = entry.string if entry else None
        texts = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(texts):
            missing.append(msgid)
    assert missing == [], (
        f"{len(missing)} strings lack a Chinese translation (run make i18n): {missing[:10]}"
    )


def test_translations_keep_every_placeholder():
    pattern = re.compile(r"%\((\w+)\)[sd]")
    wrong = []
    for entry in _po():
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = set(pattern.findall(ids[-1]))
        wrong += [entry.id for s in strings if set(pattern.findall(s)) != wanted]
    assert wrong == []


def test_compiled_catalog_matches_the_po_file():
    with open(CATALOG / "messages.mo", "rb") as f:
        compiled = read_mo(f)
    po = _po()

    def plain(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    expected = {(plain(e.id), e.context): plain(e.string) for e in po if e.id and not e.fuzzy}
    actual = {(plain(e.id), e.context): plain(e.string) for e in compiled if e.id}
    assert actual == expected, "messages.mo is stale: run make i18n"


def test_browser_language_decides_for_visitors(client):
    zh = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert "登录" in zh.get_data(as_text=True)
    assert '<html lang="zh-CN"' in zh.get_data(as_text=True)
    en = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Sign in" in en.get_data(as_text=True)


def test_unsupported_browser_language_falls_back_to_the_default(app, client):
    app.config["BABEL_DEFAULT_LOCALE"] = "zh"
    app.config["DEFAULT_LOCALE"] = "zh"
    body = client.get("/login", headers={"Accept-Language": "fr-FR"}).get_data(as_text=True)
    assert "登录" in body


def test_switcher_remembers_a_visitor_choice_in_the_session(client):
    client.post("/language/zh", data={"next": "/login"})
    body = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "登录" in body


def test_person_setting_beats_the_browser(client, make_person, login):
    person = make_person("张玥", locale="zh")
    login(person)
    body = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "你好，张玥" in body


def test_switcher_saves_the_language_on_the_person(client, make_person, login):
    from okr.extensions import db

    person = make_person()
    login(person)
    response = client.post("/language/zh", data={"next": "/people/"})
    assert response.headers["Location"] == "/people/"
    db.session.refresh(person)
    assert person.locale == "zh"


def test_switcher_ignores_foreign_redirects(client):
    response = client.post("/language/en", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh", "2026年11月21日"), ("en", "Nov 21, 2026")],
)
def test_dates_are_formatted_by_locale_in_the_person_timezone(app, locale, expected):
    from flask_babel import force_locale

    render = app.jinja_env.filters["datetime"]
    with app.test_request_context(), force_locale(locale):
        # 20:30 UTC is already the next day in Shanghai
        assert expected in render(datetime(2026, 11, 20, 20, 30, tzinfo=UTC), "medium")


def test_numbers_are_formatted_by_locale(app):
    from flask_babel import force_locale

    number = app.jinja_env.filters["number"]
    with app.test_request_context():
        with force_locale("en"):
            assert number(12345.5) == "12,345.5"
        with force_locale("zh"):
            assert number(12345.5) == "12,345.5"


def test_catalog_lives_where_babel_finds_chinese():
    assert (CATALOG / "messages.mo").exists()
    assert not Path(ROOT / "okr" / "translations" / "zh_CN").exists()


def test_templates_translate_in_the_language_of_the_render(app):
    from flask import render_template_string
    from flask_babel import force_locale

    page = (
        '{{ _("Check in") }}|{{ _("Weight %(w)s%%", w="<b>") }}|'
        '{{ ngettext("%(num)d direct report", "%(num)d direct reports", 2) }}'
    )
    with app.test_request_context():
        with force_locale("en"):
            assert render_template_string(page) == "Check in|Weight &lt;b&gt;%|2 direct reports"
        with force_locale("zh"):
            chinese = render_template_string(page)
    assert chinese.startswith("更新进展|权重 &lt;b&gt;%|")
    assert "&lt;b&gt;" in chinese and "%(" not in chinese and "%%" not in chinese


@pytest.mark.parametrize(
    ("language", "expected"), [("zh", "不是有效的选择"), ("en", "Not a valid")]
)
def test_wtforms_messages_follow_each_request_language(app, language, expected):
    from flask import request

    from okr.checkins.forms import CheckInForm
    from okr.i18n import wtforms_translations

    data = {"value": "1", "confidence": "bogus"}
    headers = {"Accept-Language": language}
    for _request in range(2):  # the words are read once, then shared by every request
        with app.test_request_context("/", method="POST", data=data, headers=headers):
            app.preprocess_request()
            form = CheckInForm(meta={"csrf": False})
            assert not form.validate()
            assert expected in " ".join(form.confidence.errors)
            assert request.wtforms_translations is wtforms_translations(language)
