"""Goals with several targets (seed 002, issue 10 item 9): key results tagged quantity, quality or
time, due dates within the cycle and not after the objective's, a time target scored from the
value standing on its due date on every check-in path, and the cycle's quantity/quality/time rule
when a set is submitted."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from okr.checkins.services import correct_checkin, record_checkin
from okr.checkins.sources import Item, apply_values
from okr.domain.due_dates import LogEntry, standing_on
from okr.errors import Invalid
from okr.extensions import db
from okr.objectives.approval import submit_set
from okr.objectives.due import due_note, log_entries
from okr.objectives.explaining import explain_key_result
from okr.objectives.models import CheckIn, KeyResult
from okr.objectives.services import (
    KeyResultData,
    ObjectiveData,
    add_key_result,
    update_key_result,
    update_objective,
)
from tests.factories import care_team, draft_objective, q4_cycle
from tests.helpers import field_error, text

DUE = date(2026, 11, 15)


def _at(day: date, hour: int = 4) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _data(title="按时上线新版客服话术", aspect=None, due_on=None, weight=100) -> KeyResultData:
    return KeyResultData(
        title,
        "%",
        "increase",
        Decimal(weight),
        start=Decimal(0),
        target=Decimal(100),
        aspect=aspect,
        due_on=due_on,
    )


@pytest.fixture
def org(make_person, make_department):
    _team, lead, agent = care_team(make_department, make_person)
    stranger = make_person("路人甲", department=make_department("别的组"))
    cycle = q4_cycle()
    objective = draft_objective(cycle, agent, "提升客户满意度")
    db.session.commit()
    return SimpleNamespace(
        lead=lead, agent=agent, stranger=stranger, cycle=cycle, objective=objective
    )


def _time_kr(org) -> KeyResult:
    kr, _warnings = add_key_result(org.objective, _data(aspect="time", due_on=DUE), org.agent)
    org.cycle.status = "running"
    db.session.commit()
    return kr


# The rule, pure ------------------------------------------------------------------------


def test_the_value_on_the_due_date_stands_and_a_later_one_does_not():
    log = [
        LogEntry(1, date(2026, 11, 1), Decimal(20)),
        LogEntry(2, DUE, Decimal(50)),
        LogEntry(3, date(2026, 11, 16), Decimal(100)),
    ]
    assert standing_on(log, DUE).value == Decimal(50)
    assert standing_on(log, date(2026, 10, 31)) is None


def test_a_correction_counts_for_the_day_of_what_it_corrects():
    log = [
        LogEntry(1, date(2026, 11, 10), Decimal(40)),
        LogEntry(2, date(2026, 11, 20), Decimal(60), corrects_id=1),  # corrected after the date
    ]
    found = standing_on(log, DUE)
    assert (found.id, found.day, found.value) == (2, date(2026, 11, 10), Decimal(60))


# Validation on the service (every path writes through it) ------------------------------


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (_data(aspect="time"), "due_on", "needs a due date"),
        (_data(due_on=date(2027, 1, 5)), "due_on", "within the cycle"),
        (_data(due_on=date(2026, 9, 30)), "due_on", "within the cycle"),
        (_data(aspect="speed"), "aspect", "quantity, quality or time"),
    ],
    ids=["time-without-date", "after-cycle", "before-cycle", "unknown-aspect"],
)
def test_bad_targets_are_refused_beside_the_field(org, data, field, words):
    with pytest.raises(Invalid) as refused:
        add_key_result(org.objective, data, org.agent)
    assert words in refused.value.errors[field]


def test_a_key_result_cannot_be_due_after_its_objective(org):
    update_objective(
        org.objective,
        ObjectiveData("提升客户满意度", "", Decimal(100), None, due_on=date(2026, 11, 30)),
        org.agent,
        None,
    )
    with pytest.raises(Invalid) as refused:
        add_key_result(org.objective, _data(due_on=date(2026, 12, 5)), org.agent)
    assert "2026-11-30" in refused.value.errors["due_on"]
    add_key_result(org.objective, _data(due_on=date(2026, 11, 30)), org.agent)
    with pytest.raises(Invalid) as moved:  # the objective cannot then move before it
        update_objective(
            org.objective,
            ObjectiveData("提升客户满意度", "", Decimal(100), None, due_on=date(2026, 11, 1)),
            org.agent,
            None,
        )
    assert "move it first" in moved.value.errors["due_on"]


def test_the_form_refuses_a_time_target_without_a_date_with_422(client, login, org):
    login(org.agent)
    url = f"/okrs/objectives/{org.objective.id}/key-results/new"
    form = {"title": "按时上线", "unit": "%", "kind": "increase", "weight": "100"}
    form |= {"start": "0", "target": "100", "aspect": "time", "due_on": ""}
    response = client.post(url, data=form)
    assert response.status_code == 422
    assert "needs a due date" in field_error(response, "due_on")
    assert db.session.scalars(select(KeyResult)).all() == []
    response = client.post(url, data=form | {"due_on": "2026-11-15"})
    assert response.status_code == 303, text(response)
    kr = db.session.scalars(select(KeyResult)).one()
    assert (kr.aspect, kr.due_on) == ("time", DUE)


def test_another_person_cannot_set_a_due_date(client, login, org):
    kr, _w = add_key_result(org.objective, _data(), org.agent)
    db.session.commit()
    login(org.stranger)
    form = {"title": "x", "unit": "%", "kind": "increase", "weight": "100", "start": "0"}
    response = client.post(
        f"/okrs/key-results/{kr.id}/edit", data=form | {"target": "9", "due_on": "2026-11-01"}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(KeyResult, kr.id).due_on is None


# A time target's attainment at its due date, on every path ------------------------------


def test_a_late_check_in_does_not_make_a_late_goal_on_time(org):
    kr = _time_kr(org)
    record_checkin(kr, "50", "on_track", "", org.agent, None, now=_at(DUE))
    record_checkin(kr, "100", "on_track", "", org.agent, None, now=_at(date(2026, 11, 20)))
    db.session.commit()
    assert (kr.current, kr.due_value, kr.progress) == (Decimal(100), Decimal(50), Decimal("0.5"))
    lines = explain_key_result(kr, org.cycle.attainment_cap).lines
    assert "2026-11-15" in lines[0] and "50" in lines[0]
    assert standing_on(log_entries(kr.id), DUE).value == kr.due_value  # replayed from the log
    assert org.objective.progress == Decimal("0.5")


def test_a_correction_after_the_due_date_of_a_value_before_it_counts(org):
    kr = _time_kr(org)
    wrong = record_checkin(kr, "40", "on_track", "", org.agent, None, now=_at(date(2026, 11, 10)))
    correct_checkin(kr, wrong, "60", "on_track", "", "typo", org.agent, now=_at(date(2026, 11, 20)))
    db.session.commit()
    assert (kr.due_value, kr.progress) == (Decimal(60), Decimal("0.6"))
    late = record_checkin(kr, "90", "on_track", "", org.agent, None, now=_at(date(2026, 11, 21)))
    correct_checkin(kr, late, "95", "on_track", "", "typo", org.agent, now=_at(date(2026, 11, 22)))
    db.session.commit()
    assert (kr.current, kr.due_value, kr.progress) == (Decimal(95), Decimal(60), Decimal("0.6"))
    assert standing_on(log_entries(kr.id), DUE).value == Decimal(60)


def test_an_upload_or_api_value_after_the_due_date_does_not_count(org):
    kr = _time_kr(org)
    kr.source, kr.source_key = "api", "svc-script"
    record_checkin(kr, "30", "on_track", "", org.agent, None, now=_at(DUE), origin="api")
    db.session.commit()
    results = apply_values(
        [Item("svc-script", "80")], org.agent, "upload", None, _at(date(2026, 11, 18))
    )
    assert results[0].status == "stored"
    db.session.commit()
    db.session.expire_all()
    kr = db.session.get(KeyResult, kr.id)
    assert (kr.current, kr.due_value, kr.progress) == (Decimal(80), Decimal(30), Decimal("0.3"))


def test_moving_the_due_date_replays_the_log(org):
    kr = _time_kr(org)
    record_checkin(kr, "30", "on_track", "", org.agent, None, now=_at(DUE))
    record_checkin(kr, "70", "on_track", "", org.agent, None, now=_at(date(2026, 11, 25)))
    org.cycle.status = "planning"
    update_key_result(kr, _data(aspect="time", due_on=date(2026, 11, 30)), org.agent, None)
    db.session.commit()
    assert (kr.due_value, kr.progress) == (Decimal(70), Decimal("0.7"))
    assert len(db.session.scalars(select(CheckIn)).all()) == 2


def test_an_untagged_key_result_with_a_due_date_scores_from_its_latest_value(org):
    kr, _w = add_key_result(org.objective, _data(due_on=DUE), org.agent)
    org.cycle.status = "running"
    record_checkin(kr, "90", "on_track", "", org.agent, None, now=_at(date(2026, 11, 20)))
    assert kr.progress == Decimal("0.9")


# The cycle's rule -------------------------------------------------------------------------


def test_the_cycle_rule_names_the_missing_targets_on_submission(client, login, org):
    add_key_result(org.objective, _data("首响时长", aspect="quantity", weight=50), org.agent)
    add_key_result(org.objective, _data("满意度", aspect="quality", weight=50), org.agent)
    db.session.commit()
    org.cycle.require_aspects = True
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        submit_set(org.objective, org.agent)
    assert "missing: Time limit" in refused.value.errors["_"]
    login(org.agent)
    response = client.post(f"/okrs/objectives/{org.objective.id}/submit", follow_redirects=True)
    assert "missing: Time limit" in text(response)  # said on the page the set is submitted from
    org.cycle.require_aspects = False
    db.session.commit()
    assert submit_set(org.objective, org.agent)


def test_hr_turns_the_rule_on_from_the_calendar_and_others_cannot(client, login, org, make_person):
    hr = make_person("林慧", is_admin=True)
    login(org.agent)
    assert client.get(f"/cycles/{org.cycle.id}/calendar").status_code == 403
    login(hr)
    page = client.get(f"/cycles/{org.cycle.id}/calendar")
    assert "quantity, a quality and a time target" in text(page)
    form = {"cadence": "weekly", "require_aspects": "y", "version": str(org.cycle.version)}
    assert client.post(f"/cycles/{org.cycle.id}/calendar", data=form).status_code == 303
    db.session.expire_all()
    assert db.session.get(type(org.cycle), org.cycle.id).require_aspects is True


# Where people work -------------------------------------------------------------------------


def test_due_notes_say_days_left_or_since_when(app):
    assert due_note(DUE, Decimal("0.5"), date(2026, 11, 12)) == "due in 3 days"
    assert due_note(DUE, Decimal("0.5"), DUE) == "due today"
    assert due_note(DUE, Decimal("0.5"), date(2026, 11, 20)).startswith("overdue since")
    assert due_note(DUE, Decimal(1), date(2026, 11, 20)) == ""  # met
    assert due_note(None, Decimal(0), DUE) == ""


def test_the_pages_show_the_aspect_and_due_date(client, login, org):
    kr = _time_kr(org)
    login(org.agent)
    detail = text(client.get(f"/okrs/key-results/{kr.id}"))
    assert "Time limit" in detail and "overdue since" in detail
    assert "Time limit" in text(client.get(f"/okrs/objectives/{org.objective.id}"))
    assert "overdue since" in text(client.get("/week/"))
    login(org.lead)
    assert "overdue since" in text(client.get("/team/"))
    with client.session_transaction() as session:
        session["lang"] = "zh"
    assert "时限" in text(
        client.get(f"/okrs/key-results/{kr.id}", headers={"Accept-Language": "zh"})
    )


def test_the_record_line_names_the_aspect_and_due_date(app):
    from okr.labels import kind_rule_due

    def kr(**kw):
        base = {"kind": "increase", "target": Decimal(100), "unit": "%", "aspect": None}
        return SimpleNamespace(**base | {"due_on": None, "due_value": None} | kw)

    assert kind_rule_due(kr()) == "Increase from start to target"  # as before
    line = kind_rule_due(kr(aspect="time", due_on=DUE, due_value=Decimal(50)))
    assert "Time limit" in line and "scored from 50% on that day" in line
    assert "Nov 15, 2026" in line
    assert kind_rule_due(kr(aspect="quality", due_on=DUE)).endswith("Quality · due Nov 15, 2026")


def test_the_change_log_names_the_aspect_in_words(app):
    from flask_babel import force_locale

    from okr.labels import change_value

    with app.test_request_context(), force_locale("zh"):
        assert change_value("aspect", "time") == "时限"
        assert change_value("aspect", "") == "—"
    with app.test_request_context(), force_locale("en"):
        assert change_value("aspect", "quality") == "Quality"
