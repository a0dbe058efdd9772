"""The cycle calendar's planning and assessment windows as banners on the pages people plan and
assess on: before, open (with the days left), closed, and nothing for a cycle without them; the
reader's language and date format; no statement more when the world grows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from okr.cycles.windows import window_notes, window_state
from okr.extensions import db
from tests.factories import build_world, grow_world, today
from tests.helpers import sign_in, text


def _pages(w):
    """(viewer, url, windows it shows) of each page people plan or assess on."""
    cycle = w.cycle.id
    return [
        (w.person, f"/okrs/people/{w.person.id}?cycle={cycle}", ("planning", "assessment")),
        (w.person, f"/okrs/objectives/new?cycle={cycle}", ("planning",)),
        (w.person, "/week/", ("planning", "assessment")),
        (w.manager, "/team/", ("planning", "assessment")),
        (w.manager, f"/okrs/departments/{w.team.id}?cycle={cycle}", ("planning", "assessment")),
        (w.person, f"/okrs/company?cycle={cycle}", ("planning", "assessment")),
        (w.hr, f"/reviews/{w.review.id}", ("assessment",)),
        (w.person, f"/reviews/appraisals/{w.appraisal.id}", ("assessment",)),
    ]


def _set_windows(cycle, state: str) -> None:
    day = today()
    planning = {
        "before": (day + timedelta(days=2), day + timedelta(days=5)),
        "open": (day - timedelta(days=1), day + timedelta(days=3)),
        "closed": (day - timedelta(days=6), day - timedelta(days=3)),
        "none": (None, None),
    }[state]
    shift = timedelta(days=10)
    cycle.planning_opens, cycle.planning_closes = planning
    cycle.assessment_opens, cycle.assessment_closes = (
        (planning[0] + shift, planning[1] + shift) if state == "before" else planning
    )
    if state == "open":
        cycle.assessment_opens = day
    db.session.commit()


WORDS = {
    "before": "opens on",
    "open": "open until",
    "closed": "closed on",
}


@pytest.mark.parametrize("state", ["before", "open", "closed", "none"])
def test_each_page_shows_its_windows_in_each_state(app, make_person, make_department, state):
    w = build_world(make_person, make_department)
    _set_windows(w.cycle, state)
    for viewer, url, shown in _pages(w):
        page = text(sign_in(app.test_client(), viewer).get(url))
        for which in ("planning", "assessment"):
            banner = f'id="window-{which}"'
            if state == "none" or which not in shown:
                assert banner not in page, (url, which)
                continue
            assert f'class="window window-{which} window-{state}"' in page, (url, which)
            start = page.index(banner)
            words = page[start : page.index("</p>", start)]
            assert WORDS[state] in words and which.capitalize() in words, (url, words)


def test_the_open_banner_counts_the_days_left_in_both_languages(app, make_person, make_department):
    w = build_world(make_person, make_department)
    w.cycle.planning_opens, w.cycle.planning_closes = date(2026, 12, 20), date(2026, 12, 28)
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        from flask_babel import force_locale

        with force_locale("zh"):
            [note] = window_notes(w.cycle, "planning", on=date(2026, 12, 25))
            assert note.text == "计划开放至12月28日（还剩 3 天）。"
            [last] = window_notes(w.cycle, "planning", on=date(2026, 12, 28))
            assert last.text == "计划开放至今天（12月28日，最后一天）。"
        with force_locale("en"):
            [note] = window_notes(w.cycle, "planning", on=date(2026, 12, 25))
            assert note.text == "Planning open until Dec 28 (3 days left)."
            [before] = window_notes(w.cycle, "planning", on=date(2026, 12, 1))
            assert before.text == "Planning opens on Dec 20."
            [closed] = window_notes(w.cycle, "planning", on=date(2027, 1, 3))
            assert closed.text == "Planning closed on Dec 28, 2026."
        assert window_notes(w.cycle, "assessment", on=date(2026, 12, 25)) == []


def test_a_chinese_reader_sees_the_banner_in_chinese(app, make_person, make_department):
    w = build_world(make_person, make_department)
    w.person.locale = "zh"
    _set_windows(w.cycle, "closed")
    page = text(sign_in(app.test_client(), w.person).get("/week/"))
    assert "计划已于" in page and "考核已于" in page


@pytest.mark.parametrize(
    ("day", "state"),
    [(1, "before"), (2, "open"), (5, "open"), (6, "closed")],
)
def test_a_window_includes_both_its_days(day, state):
    assert window_state(date(2026, 12, 2), date(2026, 12, 5), date(2026, 12, day)) == state
    assert window_state(None, None, date(2026, 12, day)) is None


def test_the_banners_add_no_statement_at_either_size(
    app, make_person, make_department, count_queries
):
    """Each page runs as many statements with its banners as without them, on the world and
    on the world grown (the banners read the cycle row the page has already loaded)."""
    w = build_world(make_person, make_department)
    clients = {p.id: sign_in(app.test_client(), p) for p in (w.person, w.manager, w.hr)}

    def counts(state: str) -> list[int]:
        _set_windows(w.cycle, state)
        found = []
        for viewer, url, _shown in _pages(w):
            clients[viewer.id].get(url)  # warm: a first visit may load what later ones reuse
            with count_queries() as counted:
                page = text(clients[viewer.id].get(url))
            assert ("window-open" in page) == (state == "open"), url
            found.append(counted.count)
        return found

    assert counts("open") == counts("none")
    grow_world(w, make_person, make_department)
    assert counts("open") == counts("none")
