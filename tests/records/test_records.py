"""The review record: content, Chinese glyphs, access, no outside fetches, tamper-evident hash."""

from __future__ import annotations

import io
import re

import pytest
from flask_babel import force_locale
from pypdf import PdfReader

from okr.extensions import db
from okr.records import render
from okr.records.data import build_record


def drawn_by(pdf: bytes) -> dict[str, set[str]]:
    """For each character: the embedded fonts whose ToUnicode map draws it."""
    fonts: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for ref in page["/Resources"]["/Font"].values():
            pdf_font = ref.get_object()
            name = str(pdf_font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            to_unicode = pdf_font["/ToUnicode"].get_object().get_data().decode("ascii")
            for _gid, text in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]+)>", to_unicode):
                fonts.setdefault(bytes.fromhex(text).decode("utf-16-be"), set()).add(name)
    return fonts


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_chinese_record_has_the_names_grades_and_numbers(client, login, world):
    login(world.hr)
    with force_locale("zh"):
        pass
    response = client.get(
        f"/records/appraisals/{world.appraisal.id}.pdf", headers={"Accept-Language": "zh-CN"}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    db.session.expire_all()
    text = _text(response.data)
    for expected in (
        "考核记录",
        "郑堃",
        "吴昊",
        "社群运营组",
        "社交媒体运营",
        "良好",
        "合格",
        "跨部门活动贡献突出",
        "错别字",
        "粉丝数",
    ):
        assert expected in text, expected
    # KR 0.5 × 60 = 30; peers 0.75 × 20 = 15; interview 0.5 × 20 = 10; −0.5 → 54.5, graded 不合格? no: 54.5 < 60
    assert "54.5" in text
    assert re.search(r"1\s*/\s*\d", text), "page numbers"
    assert response.headers["X-Record-Hash"][:16] in text.replace("\n", "")


def test_every_character_of_the_names_has_a_real_glyph(client, login, world):
    login(world.hr)
    pdf = client.get(
        f"/records/appraisals/{world.appraisal.id}.pdf", headers={"Accept-Language": "zh-CN"}
    ).data
    drawn = drawn_by(pdf)
    for char in "郑堃吴昊林慧良好考核记录":
        assert char in drawn, char
        assert all(name.startswith("OKR-Sans") for name in drawn[char]), (char, drawn[char])
    others = {
        char: names
        for char, names in drawn.items()
        if char != "\uffff" and not all(n.startswith("OKR-Sans") for n in names)
    }
    assert others == {}, others


def test_english_record(client, login, world):
    login(world.hr)
    text = _text(
        client.get(
            f"/records/appraisals/{world.appraisal.id}.pdf", headers={"Accept-Language": "en"}
        ).data
    )
    for expected in ("Review record", "Composite", "Peer evaluation", "Improvement plan", "郑堃"):
        assert expected in text


def test_the_person_and_their_manager_may_download_it(client, login, world):
    for who in (world.person, world.manager):
        login(who)
        assert client.get(f"/records/appraisals/{world.appraisal.id}.pdf").status_code == 200


@pytest.mark.parametrize("path", ["/records/appraisals/{id}.pdf", "/records/appraisals/{id}"])
def test_a_manager_of_another_department_is_refused(client, login, world, path):
    login(world.outsider)
    assert client.get(path.format(id=world.appraisal.id)).status_code == 403


def test_the_person_gets_nothing_before_release(client, login, world):
    world.appraisal.released_at = None
    db.session.commit()
    login(world.person)
    assert client.get(f"/records/appraisals/{world.appraisal.id}.pdf").status_code == 403


def test_user_text_with_markup_is_printed_not_fetched(client, login, world, monkeypatch):
    world.appraisal.self_reflection = '<img src="file:///etc/passwd"> <b>粗体</b> <link rel="stylesheet" href="http://evil.example/x.css">'
    db.session.commit()
    asked: list[str] = []
    original = render.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(render.StaticOnlyFetcher, "fetch", spy)
    render._stylesheets.cache_clear()  # so this render fetches the stylesheets and fonts again
    render._font_config.cache_clear()
    login(world.hr)
    text = _text(client.get(f"/records/appraisals/{world.appraisal.id}.pdf").data)
    assert '<img src="file:///etc/passwd">' in text.replace("\n", " ")
    assert asked and all(url.startswith(render.STATIC_BASE) for url in asked), asked


def test_the_fetcher_refuses_files_and_the_network(app):
    fetcher = render.StaticOnlyFetcher(app.static_folder)
    for url in (
        "file:///etc/passwd",
        "http://example.com/x.css",
        render.STATIC_BASE + "../okr/config.py",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch(render.STATIC_BASE + "css/record.css").status == 200


def test_the_hash_changes_when_the_content_changes(app, world):
    with app.test_request_context(), force_locale("zh"):
        before = build_record(world.appraisal.id)
        assert before.content_hash == build_record(world.appraisal.id).content_hash  # reproducible
        world.appraisal.interview_notes = {
            **world.appraisal.interview_notes,
            "plan": "提升互动率到3%",
        }
        db.session.flush()
        after = build_record(world.appraisal.id)
    assert after.content_hash != before.content_hash


def test_the_printable_page_has_the_same_content(client, login, world):
    login(world.manager)
    html = client.get(
        f"/records/appraisals/{world.appraisal.id}", headers={"Accept-Language": "zh-CN"}
    ).get_data(as_text=True)
    assert "郑堃" in html and "良好" in html and "<svg" in html


def test_building_a_record_takes_a_fixed_number_of_queries(app, world, count_queries):
    with app.test_request_context(), force_locale("zh"), count_queries() as counted:
        build_record(world.appraisal.id)
    assert counted.count <= 12


def test_the_appraisal_page_links_the_record_once_scores_are_visible(client, login, world):
    login(world.person)
    page = client.get(f"/reviews/appraisals/{world.appraisal.id}").get_data(as_text=True)
    assert f"/records/appraisals/{world.appraisal.id}.pdf" in page
    world.appraisal.released_at = None
    db.session.commit()
    page = client.get(f"/reviews/appraisals/{world.appraisal.id}").get_data(as_text=True)
    assert f"/records/appraisals/{world.appraisal.id}.pdf" not in page
