"""The flags page: stray query arguments are ignored; a refused act or undo draws the same page
with its pagers; a run that goes on after HR acted is the same occurrence, not a new one."""

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

QUARTERS = (date(2026, 2, 15), date(2026, 5, 15), date(2026, 8, 15), date(2026, 11, 21))

SPEC = interview_only_spec(
    streaks=[
        {
            "key": "low",
            "label": "连续两季低于90：警告",
            "cycles": 2,
            "when": {"below": "90"},
            "consequence": "warning",
        }
    ]
)


@pytest.fixture
def org(make_person, make_department):
    org = build_org(make_person, make_department, per_manager=3, spec=SPEC)
    for day in QUARTERS[:3]:
        open_cycle_review(org, day)
    return org


def results(org, reviews, scores):
    for review in reviews:
        for person, rating in scores.items():
            rated_and_final(org, person, rating, review)
        release(review, org.spec)
        db.session.commit()


def met(body):
    return set(re.findall(r'id="streak-(\d+)-(\w+)"', body))


def _act(client, appraisal_id, key="low", version="", query=""):
    return client.post(
        f"/reviews/flags/streaks/{appraisal_id}/{key}/act{query}",
        data={"note": "已面谈", "version": version},
    )


def test_an_unknown_query_argument_is_ignored(login, org):
    results(org, org.reviews, {p: "85" for p in org.staff})
    client = login(org.hr)
    plain = client.get("/reviews/flags")
    stray = client.get("/reviews/flags?utm_source=mail&sort=name")
    assert stray.status_code == 200
    assert met(text(stray)) == met(text(plain)) and met(text(plain))
    assert client.get("/reviews/flags?cycles=x&utm_source=mail").status_code == 422


def test_a_refused_act_draws_the_same_page_with_its_pagers(app, login, org):
    app.config["PAGE_SIZE"] = 1
    results(org, org.reviews, {p: "85" for p in org.staff})
    client = login(org.hr)
    query = "?cycles=2&below=90&page=2&streaks_page=2"
    page = text(client.get(f"/reviews/flags{query}"))
    (shown,) = met(page)
    action = page.split("/act?")[1].split('"')[0]
    assert "page=2" in action and "streaks_page=2" in action  # the act posts the page's own query
    assert _act(client, shown[0], query=query).status_code == 303
    refused = _act(client, shown[0], query=query)
    assert refused.status_code == 409
    body = text(refused)
    assert met(body) == {shown}
    pager = body.split('class="pager"')[1].split("</nav>")[0]
    assert "/reviews/flags?" in pager and "/act" not in pager and "page=1" in pager
    assert 'aria-label="Pages of rules met"' in body or "streaks_page=1" in body
    undo = body.split('action="/reviews/flags/streaks/actions/')[1].split('"')[0]
    assert "streaks_page=2" in undo


def test_a_run_that_goes_on_after_the_act_is_the_same_occurrence(login, org):
    low = org.staff[0]
    results(org, org.reviews, {low: "85"})
    client = login(org.hr)
    anchor = org.appraisal(low).id
    assert _act(client, anchor).status_code == 303
    review = open_cycle_review(org, QUARTERS[3])  # the run goes on a fourth quarter
    results(org, [review], {low: "80"})
    body = text(client.get("/reviews/flags"))
    newest = org.appraisal(low).id
    assert met(body) == {(str(newest), "low")}
    row = body.split(f'id="streak-{newest}-low"')[1].split("</tr>")[0]
    assert "continued for 1 more cycle since" in row and "Record as acted on" not in row
    # acting again on the longer run is refused: the act made on the run covers it
    assert _act(client, newest).status_code == 409
    assert db.session.scalar(select(func.count(StreakAction.id))) == 1
