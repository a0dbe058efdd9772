"""Hold key results (at least / at most): met or not met by default, or partial credit, with the
edge strict or inclusive as written; every path that defines one checks it the same way."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from okr.errors import Invalid
from okr.extensions import db
from okr.labels import hold_rule
from okr.objectives.approval import decide_set, submit_set
from okr.objectives.models import KeyResult, Objective
from okr.objectives.services import KeyResultData, add_key_result
from okr.plans.weakest import kr_figures
from tests.factories import build_quarter, care_team, draft_objective, q4_cycle
from tests.helpers import field_error, form_values, post, snapshot, text


@pytest.fixture
def org(make_person, make_department):
    _team, lead, agent = care_team(make_department, make_person)
    cycle = q4_cycle()
    objective = draft_objective(cycle, agent, "提升客户满意度")
    db.session.commit()
    return SimpleNamespace(
        lead=lead,
        agent=agent,
        objective=objective,
        new_url=f"/okrs/objectives/{objective.id}/key-results/new",
    )


def _form(**fields):
    base = {"title": "内容分享率", "unit": "%", "weight": "100", "direction": "up"}
    return base | {"hold_scoring": "pass_fail", "hold_strict": "inclusive"} | fields


def _only_kr() -> KeyResult:
    db.session.expire_all()
    return db.session.scalars(select(KeyResult)).one()


@pytest.mark.parametrize(
    ("fields", "stored", "shown"),
    [
        ({"kind": "at_least", "target": "3"}, ("pass_fail", False), "≥ 3%, met or not"),
        (
            {"kind": "at_least", "target": "5", "hold_strict": "strict"},
            ("pass_fail", True),
            "> 5%, met or not",
        ),
        (
            {"kind": "at_least", "target": "3", "hold_scoring": "proportional"},
            ("proportional", False),
            "≥ 3%, partial credit below",
        ),
        (
            {"kind": "at_most", "target": "60", "unit": "秒", "hold_strict": "strict"},
            ("pass_fail", True),
            "< 60秒, met or not",
        ),
        (
            {"kind": "at_most", "target": "2", "unit": "处", "hold_scoring": "proportional"},
            ("proportional", False),
            "≤ 2处, partial credit above",
        ),
    ],
    ids=["inclusive", "strict", "partial-credit", "strict-at-most", "partial-at-most"],
)
def test_the_form_stores_a_hold_rule_and_the_pages_say_it(
    client, login, org, fields, stored, shown
):
    login(org.agent)
    response = client.post(org.new_url, data=_form(**fields))
    assert response.status_code == 303, text(response)
    kr = _only_kr()
    assert (kr.hold_scoring, kr.hold_strict) == stored
    assert shown in text(client.get(f"/okrs/key-results/{kr.id}"))
    assert shown in text(client.get(f"/okrs/objectives/{org.objective.id}"))
    assert shown in text(client.get(f"/okrs/people/{org.agent.id}"))
    edit = text(client.get(f"/okrs/key-results/{kr.id}/edit"))
    assert f'<option selected value="{stored[0]}">' in edit
    assert f'<option selected value="{"strict" if stored[1] else "inclusive"}">' in edit


def test_the_form_takes_no_hold_rule_for_the_other_kinds(client, login, org):
    """The selects are posted even where the page hides them: for an increase they are dropped."""
    login(org.agent)
    response = client.post(
        org.new_url,
        data=_form(
            kind="increase",
            start="1",
            target="2",
            hold_scoring="proportional",
            hold_strict="strict",
        ),
    )
    assert response.status_code == 303
    kr = _only_kr()
    assert (kr.kind, kr.hold_scoring, kr.hold_strict) == ("increase", None, False)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            KeyResultData(
                "增长",
                "",
                "increase",
                Decimal(100),
                Decimal(1),
                Decimal(2),
                hold_scoring="proportional",
            ),
            "hold_scoring",
            "Only hold kinds (at least, at most) choose how they score.",
        ),
        (
            KeyResultData("里程碑", "", "milestone", Decimal(100), hold_strict=True),
            "hold_strict",
            "A strict edge is only for at-least and at-most key results.",
        ),
        (
            KeyResultData(
                "分享率", "%", "at_least", Decimal(100), target=Decimal(5), hold_scoring="half"
            ),
            "hold_scoring",
            "Choose met or not met, or partial credit.",
        ),
    ],
    ids=["scoring-on-increase", "edge-on-milestone", "unknown-scoring"],
)
def test_the_service_refuses_a_hold_rule_that_does_not_fit(org, data, field, message):
    """Any path that writes a key result (an import, a job, the API) is refused beside the field."""
    objective = db.session.get(Objective, org.objective.id)
    before = snapshot("key_result")
    with pytest.raises(Invalid) as refused:
        add_key_result(objective, data, org.agent)
    assert refused.value.errors == {field: message}
    db.session.rollback()
    assert snapshot("key_result") == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {
                "kind": "at_least",
                "target": "5",
                "hold_scoring": "proportional",
                "hold_strict": "strict",
            },
            "Partial credit gives 100% at the target itself: use an inclusive edge, or met or not met.",
        ),
        (
            {"kind": "at_most", "target": "0", "unit": "处", "hold_strict": "strict"},
            "< 0 is never held: make the edge ≤ 0 or the target above 0.",
        ),
    ],
    ids=["strict-partial-credit", "strict-at-most-zero"],
)
def test_a_hold_rule_that_cannot_work_is_refused_beside_the_edge(
    client, login, org, fields, message
):
    login(org.agent)
    before = snapshot("key_result")
    response = client.post(org.new_url, data=_form(**fields))
    assert response.status_code == 422
    assert field_error(response, "hold_strict") == message
    shown = form_values(response)  # nothing typed is lost
    assert {k: shown[k] for k in fields} == fields
    assert snapshot("key_result") == before


def test_the_change_log_names_a_changed_hold_rule(client, login, org):
    login(org.agent)
    client.post(org.new_url, data=_form(kind="at_least", target="5"))
    kr = _only_kr()
    objective = db.session.get(Objective, org.objective.id)
    submit_set(objective, org.agent)
    decide_set(objective, org.lead, True, "")
    db.session.commit()
    response = client.post(
        f"/okrs/key-results/{kr.id}/edit",
        data=_form(kind="at_least", target="5", hold_strict="strict", version=kr.version),
    )
    assert response.status_code == 303
    page = text(client.get(f"/okrs/objectives/{org.objective.id}"))
    assert (
        "Edge: Inclusive: the target itself counts (≥, ≤) → Strict: only beyond the target (>, <)"
        in page
    )


# Check-ins: the edge decides, exactly -------------------------------------------------------


@pytest.fixture
def q(make_department, make_person):
    return build_quarter(make_department, make_person)


def _hold(q, target: str, *, kind="at_least", strict=False, scoring="pass_fail") -> KeyResult:
    kr = KeyResult(
        objective_id=q.mine.id,
        title="内容分享率",
        kind=kind,
        unit="%",
        weight=Decimal(0),
        target=Decimal(target),
        hold_scoring=scoring,
        hold_strict=strict,
    )
    db.session.add(kr)
    db.session.commit()
    return kr


def _progress_after(client, kr: KeyResult, value: str) -> Decimal:
    response = post(client, db.session.get(KeyResult, kr.id), value)
    assert response.status_code == 200, text(response)
    db.session.expire_all()
    return db.session.get(KeyResult, kr.id).progress


@pytest.mark.parametrize(
    ("strict", "values"),
    [
        (False, [("2.9", 0), ("3", 1), ("2.99", 0), ("3.5", 1)]),
        (True, [("2.9", 0), ("3", 0), ("3.01", 1), ("3", 0)]),
    ],
    ids=["inclusive", "strict"],
)
def test_a_check_in_on_a_met_or_not_kr_moves_progress_0_to_1_at_the_edge(
    client, login, q, strict, values
):
    kr = _hold(q, "3", strict=strict)
    login(q.seo)
    assert [_progress_after(client, kr, value) for value, _ in values] == [
        Decimal(p) for _, p in values
    ]


def test_a_check_in_on_a_partial_credit_kr_keeps_the_ratio(client, login, q):
    kr = _hold(q, "3", scoring="proportional")
    login(q.seo)
    assert _progress_after(client, kr, "2.9") == Decimal("0.966666666667")  # 2.9 ÷ 3, stored
    assert _progress_after(client, kr, "3") == 1


def test_an_at_most_kr_holds_only_below_a_strict_edge(client, login, q):
    kr = _hold(q, "60", kind="at_most", strict=True)
    login(q.seo)
    assert _progress_after(client, kr, "60") == 0
    assert _progress_after(client, kr, "59.5") == 1


@pytest.mark.parametrize(
    ("locale", "lines"),
    [
        (
            "en",
            [
                "2.9 is not above 3 (strict): target not held, progress 0 (met or not met).",
                "> 3%, met or not",
            ],
        ),
        (
            "zh",
            [
                "2.9 未高于 3（严格）：未达标，进度 0（按是否达标计分）。",
                "> 3%，按是否达标计分",
            ],
        ),
    ],
)
def test_the_kr_page_explains_which_rule_applied(client, login, q, locale, lines):
    kr = _hold(q, "3", strict=True)
    q.seo.locale = locale
    db.session.commit()
    login(q.seo)
    _progress_after(client, kr, "2.9")
    page = text(client.get(f"/okrs/key-results/{kr.id}"))
    for line in lines:
        assert line in page


# The rule in words, and the plan's new target -------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "en", "zh"),
    [
        (("at_least", "3", "%", "pass_fail", False), "≥ 3%, met or not", "≥ 3%，按是否达标计分"),
        (("at_least", "5", "%", "pass_fail", True), "> 5%, met or not", "> 5%，按是否达标计分"),
        (
            ("at_least", "3", "%", "proportional", False),
            "≥ 3%, partial credit below",
            "≥ 3%，未达标按比例计分",
        ),
        (
            ("at_most", "60", "s", "proportional", False),
            "≤ 60 s, partial credit above",
            "≤ 60 s，超出按比例计分",
        ),
        (
            ("at_most", "60", "秒", "pass_fail", True),
            "< 60秒, met or not",
            "< 60秒，按是否达标计分",
        ),
        (("increase", "3", "%", None, False), "", ""),
    ],
)
def test_a_hold_rule_reads_the_same_in_both_languages(app, rule, en, zh):
    with app.test_request_context():
        assert hold_rule(*rule) == en
        with force_locale("zh"):
            assert hold_rule(*rule) == zh


@pytest.mark.parametrize(
    ("scoring", "strict", "step", "figures"),
    [
        ("pass_fail", True, None, ("4%", "> 5%")),
        ("pass_fail", False, Decimal("0.5"), ("4%", "≥ 5%")),
        ("proportional", False, None, ("4%", "5%")),
        ("proportional", False, Decimal("0.5"), ("4%", "4.5%")),
    ],
    ids=["met-or-not-strict", "met-or-not-ignores-the-step", "partial", "partial-half-way"],
)
def test_a_plans_new_target_for_a_met_or_not_kr_is_its_edge(app, scoring, strict, step, figures):
    """Half way to a met-or-not target still scores 0, so the plan asks for the target itself."""
    kr = KeyResult(kind="at_least", unit="%", target=Decimal(5), current=Decimal(4))
    kr.hold_scoring, kr.hold_strict = scoring, strict
    with app.test_request_context():
        assert kr_figures(kr, step) == figures
