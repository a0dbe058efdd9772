"""The calibration board over many people: pages, filters, counts by query, on-demand sections."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select

from okr.calibration.leniency import leniency_page
from okr.calibration.results import finalize
from okr.extensions import db
from okr.reviews.models import Appraisal, CalibrationChange, Review
from tests.factories import build_org, interview, open_cycle_review, rated_and_final
from tests.helpers import field_error, text


def url(review: Review, suffix: str = "") -> str:
    return f"/reviews/{review.id}/calibration{suffix}"


def listed(body: str) -> list[int]:
    """The appraisal ids of the list, in its order."""
    return [int(i) for i in re.findall(r'<tr id="appraisal-(\d+)"', body)]


@pytest.fixture
def org(make_person, make_department):
    """Two teams of a manager and four staff each, in one open review."""
    org = build_org(make_person, make_department, teams=2, per_manager=4)
    open_cycle_review(org)
    return org


@pytest.fixture
def mixed(org):
    """Team 1 finalized at 90, 70, 95 and one open; team 2 finalized at 80 and 85, one open but
    rated (its live composite 99), the rest not rated."""
    for person, rating in zip(org.staff[:3], ("90", "70", "95"), strict=True):
        rated_and_final(org, person, rating)
    rated_and_final(org, org.staff[4], "80")
    rated_and_final(org, org.staff[5], "85")
    interview(org, org.appraisal(org.staff[6]), "99")
    return org


def test_finalized_come_first_by_stored_composite_then_open_ones_by_name(client, login, mixed):
    org = mixed
    body = text(login(org.hr).get(url(org.reviews[-1])))
    ids = listed(body)
    finalized = [org.appraisal(p).id for p in (org.staff[2], org.staff[0], org.staff[5])]
    finalized += [org.appraisal(p).id for p in (org.staff[4], org.staff[1])]
    assert ids[:5] == finalized  # 95, 90, 85, 80, 70
    open_ids = ids[5:]
    assert len(open_ids) == 5  # two managers and three staff, open
    # the open one rated 99 is not ranked above the finalized: open ones have no stored composite
    assert org.appraisal(org.staff[6]).id in open_ids
    staff = [org.appraisal(p).id for p in (org.staff[3], org.staff[6], org.staff[7])]
    assert [i for i in open_ids if i in staff] == staff  # by name
    row = body.split(f'id="appraisal-{org.appraisal(org.staff[6]).id}"')[1].split("</tr>")[0]
    assert "99" in row and "live" in row


def test_pages_hold_each_appraisal_once_in_board_order(app, client, login, mixed):
    org = mixed
    app.config["PAGE_SIZE"] = 3
    hr = login(org.hr)
    whole = []
    for page in (1, 2, 3, 4):
        body = text(hr.get(url(org.reviews[-1], f"?page={page}")))
        whole += listed(body)
        assert f"Page {page} of 4" in body
    app.config["PAGE_SIZE"] = 25
    assert whole == listed(text(hr.get(url(org.reviews[-1]))))
    assert len(set(whole)) == 10
    app.config["PAGE_SIZE"] = 3
    past_the_end = text(hr.get(url(org.reviews[-1], "?page=99")))
    assert listed(past_the_end) == whole[9:] and "Page 4 of 4" in past_the_end


def test_the_department_filter_takes_its_subtree(client, login, mixed, make_department):
    org = mixed
    body = text(login(org.hr).get(url(org.reviews[-1], f"?department={org.teams[1].id}")))
    team = {org.appraisal(p).id for p in (org.managers[1], *org.staff[4:])}
    assert set(listed(body)) == team
    # the distribution: the company always, then the chosen department's
    assert 'id="distribution-company"' in body
    assert f'id="distribution-{org.teams[1].id}"' in body
    assert f'id="distribution-{org.teams[0].id}"' not in body


def test_grade_and_status_filters(client, login, mixed):
    org = mixed
    hr = login(org.hr)
    review = org.reviews[-1]
    grades = {a.id: a.final_grade for a in db.session.scalars(select(Appraisal))}
    grade = org.appraisal(org.staff[2]).final_grade
    body = text(hr.get(url(review, f"?grade={grade}")))
    assert set(listed(body)) == {i for i, g in grades.items() if g == grade}
    opened = {a.id for a in db.session.scalars(select(Appraisal)) if a.finalized_at is None}
    assert set(listed(text(hr.get(url(review, "?status=open"))))) == opened
    finalized = set(grades) - opened
    assert set(listed(text(hr.get(url(review, "?status=finalized"))))) == finalized
    released = text(hr.get(url(review, "?status=released")))
    assert listed(released) == [] and "Nobody in this review matches the filter." in released


def test_the_distribution_counts_match_a_hand_count(client, login, mixed):
    org = mixed
    body = text(login(org.hr).get(url(org.reviews[-1])))
    labels = org.spec.band_labels()
    appraisals = list(db.session.scalars(select(Appraisal)))
    for key, members in (
        ("company", appraisals),
        (org.teams[0].id, [a for a in appraisals if a.department_id == org.teams[0].id]),
        (org.teams[1].id, [a for a in appraisals if a.department_id == org.teams[1].id]),
    ):
        row = body.split(f'id="distribution-{key}"')[1].split("</tr>")[0]
        cells = [int(n) for n in re.findall(r'<td class="num[^"]*">(\d+)', row)]
        final = Counter(a.final_grade for a in members if a.finalized_at is not None)
        expected = [len(members), sum(final.values()), *(final[label] for label in labels)]
        assert cells == expected, key


def test_the_buttons_count_open_and_unreleased_appraisals(client, login, mixed):
    body = text(login(mixed.hr).get(url(mixed.reviews[-1])))
    assert "Finalize the complete ones of 5 open appraisals" in body
    assert "Release 5 results" in body


def test_an_override_from_a_filtered_later_page_returns_to_it(app, client, login, mixed):
    org = mixed
    app.config["PAGE_SIZE"] = 2
    review = org.reviews[-1]
    where = f"department={org.teams[0].id}&status=finalized&page=2"
    body = text(login(org.hr).get(url(review, f"?{where}")))
    appraisal_id = listed(body)[0]  # team 1 finalized: 95, 90 | 70
    assert appraisal_id == org.appraisal(org.staff[1]).id
    appraisal = db.session.get(Appraisal, appraisal_id)
    action = f"{url(review, f'/appraisals/{appraisal_id}/grade')}?{where}"
    assert f'action="{action}"' in body, re.findall(r'action="[^"]*"', body)
    prefix = f"a{appraisal_id}"
    data = {
        f"{prefix}-grade": "优秀",
        f"{prefix}-reason": "复核",
        f"{prefix}-version": appraisal.version,
    }
    response = client.post(url(review, f"/appraisals/{appraisal_id}/grade?{where}"), data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"{url(review)}?department={org.teams[0].id}&status=finalized&page=2#appraisal-{appraisal_id}"
    )
    db.session.expire_all()
    appraisal = db.session.get(Appraisal, appraisal_id)
    data = {
        f"{prefix}-grade": "良好",
        f"{prefix}-reason": "再复核",
        f"{prefix}-version": appraisal.version,
    }
    swapped = client.post(
        url(review, f"/appraisals/{appraisal_id}/grade?{where}"),
        data=data,
        headers={"HX-Request": "true"},
    )
    fragment = text(swapped)
    assert swapped.status_code == 200 and "<html" not in fragment
    assert fragment.lstrip().startswith(f'<template><tr id="appraisal-{appraisal_id}"')
    assert f'action="{action}"' in fragment  # the swapped row posts back to the same page
    assert 'id="distribution" hx-swap-oob="true"' in fragment
    assert (
        db.session.scalar(select(CalibrationChange.reason).order_by(CalibrationChange.id.desc()))
        == "再复核"
    )


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("department=没有这个部门", "department", "Choose a department from the list."),
        ("grade=传奇", "grade", "Not a valid choice."),
        ("status=whatever", "status", "Not a valid choice."),
    ],
)
def test_a_bad_filter_is_refused_beside_the_field(client, login, org, query, field, message):
    response = login(org.hr).get(url(org.reviews[-1], f"?{query}"))
    assert response.status_code == 422
    assert message in field_error(response, field)
    assert "Correct the filter above to see the list." in text(response)
    assert 'id="distribution-company"' in text(response)
    leniency = client.get(url(org.reviews[-1], f"/leniency?{query}"))
    assert leniency.status_code == 422


@pytest.mark.parametrize("who", ["employee", "manager"])
@pytest.mark.parametrize(
    "suffix", ["", "?department=1&status=open&page=2", "/leniency", "/leniency?page=2", "/changes"]
)
def test_only_hr_sees_the_board_and_its_sections(client, login, org, who, suffix):
    user = org.staff[0] if who == "employee" else org.managers[0]
    assert login(user).get(url(org.reviews[-1], suffix)).status_code == 403


def test_leniency_is_the_same_for_finalized_and_open_interviews(
    client, login, make_person, make_department
):
    org = build_org(make_person, make_department, managers=2, per_manager=2)
    review = open_cycle_review(org)
    for person, rating in zip(org.staff, ("100", "97.5", "50", "62.5"), strict=True):
        interview(org, org.appraisal(person), rating)
    before = leniency_page(review, org.spec, None, 1)
    for person in org.staff[:3]:
        finalize(org.appraisal(person), org.spec)
    db.session.commit()
    after = leniency_page(review, org.spec, None, 1)
    assert after.company_mean == before.company_mean == (Decimal("310") / 4) / 100
    as_numbers = [
        (line.manager.id, line.rated, line.mean, line.difference, line.lean) for line in after.lines
    ]
    assert as_numbers == [
        (line.manager.id, line.rated, line.mean, line.difference, line.lean)
        for line in before.lines
    ]
    # a department filter narrows the managers, not the company mean
    body = text(login(org.hr).get(url(review, f"/leniency?department={org.teams[0].id}")))
    assert "Company mean: 77.5%" in body


def test_the_board_shows_the_newest_changes_and_links_to_every_one(app, client, login, org):
    appraisal = rated_and_final(org, org.staff[0], "85")
    hr = login(org.hr)
    for n, grade in enumerate(["优秀", "良好"] * 6):
        db.session.expire_all()
        appraisal = db.session.get(Appraisal, appraisal.id)
        prefix = f"a{appraisal.id}"
        data = {
            f"{prefix}-grade": grade,
            f"{prefix}-reason": f"第{n}次",
            f"{prefix}-version": appraisal.version,
        }
        assert (
            hr.post(
                url(org.reviews[-1], f"/appraisals/{appraisal.id}/grade"), data=data
            ).status_code
            == 303
        )
    body = text(hr.get(url(org.reviews[-1])))
    audit = body.split('id="calibration-audit"')[1].split("</section>")[0]
    assert audit.count('<tr id="change-') == 10 and "第11次" in audit and "第1次<" not in audit
    assert "The newest 10 of 12." in audit and url(org.reviews[-1], "/changes") in audit
    app.config["PAGE_SIZE"] = 5
    last = text(hr.get(url(org.reviews[-1], "/changes?page=3")))
    assert last.count('<tr id="change-') == 2 and "第0次" in last and "Page 3 of 3" in last


def test_departments_over_a_quota_are_drawn_first_and_the_rest_counted(app, client, login, org):
    rated_and_final(org, org.staff[4], "95")  # team 2: two 优秀 of 1 allowed
    rated_and_final(org, org.staff[5], "92")
    app.config["PAGE_SIZE"] = 1
    body = text(login(org.hr).get(url(org.reviews[-1])))
    section = body.split('id="distribution"')[1].split("</section>")[0]
    assert 'id="distribution-company"' in section
    assert f'id="distribution-{org.teams[1].id}" class="row-error"' in section
    assert f'id="distribution-{org.teams[0].id}"' not in section
    assert "1 more department is not shown" in section
