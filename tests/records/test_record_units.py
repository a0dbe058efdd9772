"""The PDF record writes values with their units as the pages do (issue 12: "55000 人" vs "55000人")."""

from __future__ import annotations

from flask_babel import force_locale

from okr.records.data import build_record


def test_the_record_writes_units_like_the_pages(app, world):
    with app.test_request_context(), force_locale("zh"):
        record = build_record(world.appraisal.id)
    (line,) = record.objectives[0].key_results
    assert (line.start, line.target, line.actual) == ("50000人", "60000人", "55000人")
    assert line.weight == "100%"


def test_the_printable_record_shows_the_same_text(client, login, world):
    login(world.hr)
    page = client.get(f"/records/appraisals/{world.appraisal.id}").get_data(as_text=True)
    assert "55000人" in page and "55000 人" not in page
