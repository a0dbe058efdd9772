"""What the record's rendering leaves out for speed keeps the record whole."""

from __future__ import annotations

import io
import re

from flask_babel import force_locale
from pypdf import PdfReader
from weasyprint import html as weasyprint_html

from okr.extensions import db
from okr.records import render
from okr.records.data import build_record


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_user_agent_stylesheet_drops_only_the_footnote_and_note_rules():
    original = weasyprint_html.UA
    dropped = render._NOTE_RULE.findall(original)
    lighter = render._NOTE_RULE.sub("", original)
    # an upgrade that writes these rules otherwise must fail here, not silently slow records down
    assert len(dropped) >= 2 and "::footnote" not in lighter and "::note-" not in lighter
    assert all(rule.startswith(("::footnote-", "::note-")) for rule in dropped)
    assert len(original) - len(lighter) == sum(len(rule) for rule in dropped)
    assert "::marker" in lighter and "li { display: list-item }" in lighter


def test_weasyprint_takes_the_records_user_agent_stylesheet(monkeypatch):
    asked: list[bool] = []
    lighter = render.RecordHTML._ua_stylesheets

    def spy(self, forms=False):
        asked.append(forms)
        return lighter(self, forms)

    monkeypatch.setattr(render.RecordHTML, "_ua_stylesheets", spy)
    render.RecordHTML(string="<p>record</p>").write_pdf()
    assert len(asked) == 1 and not asked[0]  # asked once, without PDF forms


def test_the_records_lists_keep_their_numbers(app, world):
    with app.test_request_context(), force_locale("en"):
        text = _text(render.record_pdf(build_record(world.appraisal.id)))
    assert "1. " in text and "2. " in text  # the derivation's ordered list: markers still drawn


def test_a_word_longer_than_its_line_or_cell_is_broken_inside_it(app, world):
    world.appraisal.self_reflection = "粉" + "x" * 600  # a paragraph across the page
    world.person.position = "y" * 100  # a cell of the facts table, about a third of the page
    db.session.commit()
    with app.test_request_context(), force_locale("zh"):
        text = _text(render.record_pdf(build_record(world.appraisal.id)))
    lines = [len(run) for run in re.findall("x+", text)]
    cells = [len(run) for run in re.findall("y+", text)]
    assert sum(lines) == 600 and len(lines) >= 3 and max(lines) < 200  # about 170 fit a line
    assert sum(cells) == 100 and max(cells) < 60  # about 33 fit the cell
