"""Template streak rules on the flags page: met runs listed, HR acts on them and undoes them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from okr.calibration.results import release
from okr.extensions import db
from okr.flags.models import StreakAction
from tests.factories import build_org, interview_only_spec, open_cycle_review, rated_and_final
from tests.helpers import text

QUARTERS = (date(2026, 5, 15), date(2026, 8, 15), date(2026, 11, 21))

SPEC = interview_only_spec(
    outcomes=[{"key": "top", "label": "部门第一", "when": {"rank": 1}, "points": "2"}],
    streaks=[
        {
            "key": "low",
            "label": "连续两季低于90：警告",
            "cycles": 2,
            "when": {"below": "90"},
            "consequence": "warning",
        },
        {
            "key": "no_top",
            "label": "连续三季未得第一：扣1分",
            "cycles": 3,
            "absent": True,
            "outcome": "top",
            "consequence": "points",
            "points": "-1",
        },
    ],
)


@pytest.fixture
def org(make_person, make_department):
    org = build_org(make_person, make_department, per_manager=3, spec=SPEC)
    for day in QUARTERS:
        open_cycle_review(org, day)
    return org


def results(org, scores):
    """Each review's scores (person → rating), finalized and released (ranked)."""
    for review, by_person in zip(org.reviews, scores, strict=True):
        for person, rating in by_person.items():
            rated_and_final(org, person, rating, review)
        release(review, org.spec)
        db.session.commit()


def met(body):
    return set(re.findall(r'id="streak-(\d+)-(\w+)"', body))


@pytest.fixture
def ran(org):
    best, low, middle = org.staff
    results(
        org,
        [
            {best: "95", low: "85", middle: "91"},
            {best: "95", low: "80", middle: "92"},
            {best: "95", low: "89.99", middle: "90"},
        ],
    )
    return best, low, middle


def test_met_rules_are_listed_with_their_run(login, org, ran):
    best, low, middle = ran
    body = text(login(org.hr).get("/reviews/flags"))
    newest = {p.id: org.appraisal(p).id for p in org.staff}
    # low: three under 90 (warning) and never first; middle: 90 is not below 90, never first;
    # best: first every time.  The managers are reviewed too: never first, no score.
    found = met(body)
    assert (str(newest[low.id]), "low") in found
    assert (str(newest[low.id]), "no_top") in found
    assert (str(newest[middle.id]), "no_top") in found
    assert not any(a == str(newest[best.id]) for a, _k in found)
    assert (str(newest[middle.id]), "low") not in found
    row = body.split(f'id="streak-{newest[low.id]}-low"')[1].split("</tr>")[0]
    assert "连续两季低于90：警告" in row and "2026 Q2 · 2026 Q3 · 2026 Q4" in row


def _act(client, appraisal_id, key, version="", note="已面谈"):
    return client.post(
        f"/reviews/flags/streaks/{appraisal_id}/{key}/act", data={"note": note, "version": version}
    )


def _count():
    return db.session.scalar(select(func.count(StreakAction.id)))


def test_hr_acts_undoes_and_acts_again_on_one_row(login, org, ran):
    _best, low, _middle = ran
    anchor = org.appraisal(low).id
    client = login(org.hr)
    assert _act(client, anchor, "low").status_code == 303
    action = db.session.scalar(select(StreakAction))
    assert (action.person_id, action.consequence, action.run, action.note) == (
        low.id,
        "warning",
        3,
        "已面谈",
    )
    assert action.acted_by_id == org.hr.id and action.undone_at is None
    body = text(client.get("/reviews/flags"))
    assert "Acted on by" in body or "处理人" in body
    # acting again on what is in force: 409, never a second row
    assert _act(client, anchor, "low").status_code == 409
    assert _count() == 1
    version = action.version
    assert (
        client.post(
            f"/reviews/flags/streaks/actions/{action.id}/undo", data={"version": version}
        ).status_code
        == 303
    )
    db.session.expire_all()
    action = db.session.get(StreakAction, action.id)
    assert action.undone_at is not None and action.undone_by_id == org.hr.id
    # a repeated (stale) undo: 409
    assert (
        client.post(
            f"/reviews/flags/streaks/actions/{action.id}/undo", data={"version": version}
        ).status_code
        == 409
    )
    # acting again after the undo reuses the row; a stale version is refused
    assert _act(client, anchor, "low", version=str(version)).status_code == 409
    assert _act(client, anchor, "low", version=str(action.version)).status_code == 303
    db.session.expire_all()
    assert _count() == 1
    assert db.session.get(StreakAction, action.id).undone_at is None


def test_a_rule_not_met_by_that_run_is_refused(login, org, ran):
    best, _low, middle = ran
    client = login(org.hr)
    assert _act(client, org.appraisal(middle).id, "low").status_code == 422
    assert _act(client, org.appraisal(best).id, "no_top").status_code == 422
    assert _act(client, org.appraisal(best).id, "nope").status_code == 422
    assert _act(client, 999999, "low").status_code == 404
    assert _count() == 0


def test_only_hr_acts_or_undoes(login, org, ran):
    _best, low, _middle = ran
    anchor = org.appraisal(low).id
    for who in (org.managers[0], low):
        client = login(who)
        assert client.get("/reviews/flags").status_code in (403, 404)
        assert _act(client, anchor, "low").status_code in (403, 404)
    assert _count() == 0
    _act(login(org.hr), anchor, "low")
    action = db.session.scalar(select(StreakAction))
    client = login(org.managers[0])
    response = client.post(
        f"/reviews/flags/streaks/actions/{action.id}/undo", data={"version": action.version}
    )
    assert response.status_code in (403, 404)
    db.session.expire_all()
    assert db.session.get(StreakAction, action.id).undone_at is None


def test_the_acted_consequence_appears_in_the_record_and_an_undo_takes_it_out(app, login, org, ran):
    import dataclasses
    import hashlib
    import json

    from okr.records.data import build_record

    _best, low, _middle = ran
    anchor = org.appraisal(low).id
    with app.test_request_context():
        plain = build_record(anchor)
        assert plain.consequences == []
        data = dataclasses.asdict(plain)
        for key in (
            "content_hash",
            "consequences",
            *(key for key in ("outcomes", "self_points", "rollups") if not data[key]),
        ):
            data.pop(key)
        canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert plain.content_hash == hashlib.sha256(canonical.encode()).hexdigest()  # as before
    client = login(org.hr)
    _act(client, anchor, "low", note="已面谈，书面警告")
    with app.test_request_context():
        record = build_record(anchor)
    (line,) = record.consequences
    assert "连续两季低于90：警告" in line and "3" in line and org.hr.name in line
    assert line.endswith("已面谈，书面警告")
    assert record.content_hash != plain.content_hash
    action = db.session.scalar(select(StreakAction))
    client.post(
        f"/reviews/flags/streaks/actions/{action.id}/undo", data={"version": action.version}
    )
    db.session.expire_all()
    with app.test_request_context():
        assert build_record(anchor).consequences == []


def test_the_page_reads_as_many_statements_for_more_people_and_acts(
    app, login, make_person, make_department, count_queries, org, ran
):
    app.config["PAGE_SIZE"] = 2
    client = login(org.hr)
    _act(client, org.appraisal(ran[1]).id, "low")

    def count(address):
        with count_queries() as counted:
            assert client.get(address).status_code == 200
        return counted.count

    addresses = (
        "/reviews/flags",
        "/reviews/flags?streaks_page=2",
        f"/reviews/flags?cycles=3&below=90&department={org.teams[0].id}",
    )
    small = [count(a) for a in addresses]
    bigger = build_org(make_person, make_department, per_manager=6, spec=SPEC, tag="b")
    for day in QUARTERS:  # a year earlier: the other template family's own cycles
        open_cycle_review(bigger, day.replace(year=2025))
    results(bigger, [{p: "85" for p in bigger.staff}] * 3)
    for person in bigger.staff[:4]:
        _act(client, bigger.appraisal(person).id, "low")
    body = text(client.get("/reviews/flags?streaks_page=2"))
    assert len(met(body)) == 2  # a page of two rules met
    assert [count(a) for a in addresses] == small
