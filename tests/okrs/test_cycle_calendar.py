"""A cycle's calendar: its check-in cadence and its planning and assessment windows, saved by HR
with every refusal beside its field (422, the typed days kept), shown on the cycles page and on
My week, and seed 002's monthly calendar offered as a suggestion."""

from __future__ import annotations

from datetime import date

import pytest

from okr.cycles.calendar import CycleCalendar, set_calendar
from okr.cycles.models import Cycle
from okr.cycles.services import change_status, create_cycle
from okr.domain.cadence import Cadence
from okr.errors import Invalid
from okr.extensions import db
from tests.helpers import field_error, flashes, form_values, snapshot, text


@pytest.fixture
def december(app, admin):
    cycle = create_cycle("month", date(2026, 12, 3))
    db.session.commit()
    return cycle


def _save(client, cycle, **values):
    data = {
        "cadence": "dekad",
        "planning_opens": "2026-11-28",
        "planning_closes": "2026-11-30",
        "assessment_opens": "2027-01-01",
        "assessment_closes": "2027-01-07",
        "version": str(cycle.version),
        **values,
    }
    return client.post(f"/cycles/{cycle.id}/calendar", data=data)


def test_hr_saves_the_calendar_and_the_cycles_page_shows_it(client, login, admin, december):
    login(admin)
    response = _save(client, december)
    assert response.status_code == 303
    page = client.get("/cycles/")
    assert "2026-12's calendar saved." in flashes(page)
    db.session.expire_all()
    cycle = db.session.get(Cycle, december.id)
    assert (cycle.checkin_cadence, cycle.planning_opens, cycle.assessment_closes) == (
        "dekad",
        date(2026, 11, 28),
        date(2027, 1, 7),
    )
    shown = text(page)
    assert "Three times a month (1st–10th, 11th–20th, 21st–end)" in shown
    assert "Planning Nov 28, 2026 – Nov 30, 2026" in shown


def test_the_form_offers_seed_002s_calendar(client, login, admin, december):
    login(admin)
    values = form_values(client.get(f"/cycles/{december.id}/calendar?suggest=seed002"))
    assert (values["cadence"], values["planning_opens"], values["planning_closes"]) == (
        "dekad",
        "2026-11-28",
        "2026-11-30",
    )
    assert (values["assessment_opens"], values["assessment_closes"]) == ("2027-01-01", "2027-01-07")
    assert form_values(client.get(f"/cycles/{december.id}/calendar"))["cadence"] == "weekly"


@pytest.mark.parametrize(
    ("values", "where", "message"),
    [
        ({"cadence": "daily"}, "cadence", "Choose how often people check in."),
        ({"planning_closes": ""}, "planning_closes", "Give both days of the window, or neither."),
        (
            {"planning_opens": "2026-12-01", "planning_closes": "2026-11-30"},
            "planning_closes",
            "The window cannot close before it opens.",
        ),
        (
            {"planning_closes": "2027-01-02"},
            "planning_closes",
            "Goals are agreed before the cycle ends.",
        ),
        (
            {"assessment_opens": "2026-11-29"},
            "assessment_opens",
            "Results are assessed once the cycle has begun.",
        ),
        (
            {"planning_closes": "2026-12-20", "assessment_opens": "2026-12-15"},
            "assessment_opens",
            "The assessment opens after the planning window closes.",
        ),
        (
            {"assessment_closes": "2027-06-30"},
            "assessment_opens",
            "A window lies within a quarter of its cycle (2026-08-31 to 2027-04-02).",
        ),
        ({"planning_opens": "soon"}, "planning_opens", "Not a valid date value."),
    ],
)
def test_a_bad_calendar_is_refused_beside_the_field(
    client, login, admin, december, values, where, message
):
    login(admin)
    before = snapshot("cycle")
    response = _save(client, december, **values)
    assert response.status_code == 422
    assert field_error(response, where) == message
    typed = {**{"cadence": "dekad", "planning_opens": "2026-11-28"}, **values}
    assert form_values(response)["planning_opens"] == typed["planning_opens"]
    assert snapshot("cycle") == before


def test_a_stale_calendar_form_saves_nothing(client, login, admin, december):
    login(admin)
    stale = str(december.version)
    assert _save(client, december, cadence="monthly").status_code == 303
    response = _save(client, december, version=stale)
    assert response.status_code == 422
    assert "Someone changed this cycle meanwhile" in text(response)
    db.session.expire_all()
    assert db.session.get(Cycle, december.id).checkin_cadence == "monthly"


def test_a_closed_cycles_calendar_no_longer_changes(app, admin, december):
    for status in ("running", "reviewing", "closed"):
        change_status(december, status, admin)
    with pytest.raises(Invalid) as refused:
        set_calendar(december, CycleCalendar(Cadence.MONTHLY, (None, None), (None, None)))
    assert refused.value.errors == {"cadence": "The calendar of a closed cycle no longer changes."}


def test_only_hr_sees_or_saves_a_calendar(client, login, make_person, december):
    login(make_person("王芳"))
    assert client.get(f"/cycles/{december.id}/calendar").status_code == 403
    assert _save(client, december).status_code == 403
    db.session.expire_all()
    assert db.session.get(Cycle, december.id).checkin_cadence == "weekly"
