"""Calibration (HR only): distribution vs quotas, the list, finalize all, overrides, leniency.

The builders at the top are shared by the other calibration, release, ranking, flag and plan tests.
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from okr.extensions import db
from okr.reviews.models import CalibrationChange, Review
from tests.factories import (
    build_org,
    interview,
    okr_default_org,
    open_cycle_review,
    rated_and_final,
)
from tests.helpers import field_error, flashes, snapshot, text


def url(review: Review, suffix: str = "") -> str:
    return f"/reviews/{review.id}/calibration{suffix}"


# The page ----------------------------------------------------------------------------------


@pytest.fixture
def org(make_person, make_department):
    org = build_org(make_person, make_department, per_manager=4)  # team: 1 manager + 4 staff
    open_cycle_review(org)
    return org


def test_distribution_marks_a_department_over_its_quota(client, login, org):
    for person, rating in zip(org.staff, ("95", "92", "85", "70"), strict=True):
        rated_and_final(org, person, rating)
    team = org.teams[0]
    page = login(org.hr).get(url(org.reviews[-1]))
    body = text(page)
    assert page.status_code == 200
    # 5 people appraised (the manager too): floor(5 × 0.2) = 1 excellent allowed, 2 hold it.
    row = body.split(f'id="distribution-{team.id}"')[1].split("</tr>")[0]
    assert '>2 <span class="muted small">of 1 allowed</span>' in row and "over quota" in row
    company = body.split('id="distribution-company"')[1].split("</tr>")[0]
    assert "over quota" in company
    assert "rounded half up to 2 decimals" in body


def test_the_list_is_sorted_by_composite_and_shows_parts_and_grades(client, login, org):
    for person, rating in zip(org.staff, ("70", "95.555", "85", "60"), strict=True):
        rated_and_final(org, person, rating)
    body = text(login(org.hr).get(url(org.reviews[-1])))
    positions = [body.index(f'id="appraisal-{org.appraisal(p).id}"') for p in org.staff]
    assert positions[1] < positions[2] < positions[0] < positions[3]
    row = body.split(f'id="appraisal-{org.appraisal(org.staff[1]).id}"')[1].split("</tr>")[0]
    assert "95.56" in row and "优秀" in row and org.managers[0].name in row


def test_finalize_all_freezes_complete_appraisals_and_lists_what_is_missing(
    client, login, org, run_jobs
):
    review = org.reviews[-1]
    for person in org.staff[:3]:
        interview(org, org.appraisal(person), "88")
    response = login(org.hr).post(url(review, "/finalize"))
    assert response.status_code == 303
    (job_id,) = run_jobs()
    done = client.get(url(review, f"/jobs/{job_id}"), follow_redirects=True)
    assert (
        "3 finalized; 2 not complete yet (the status “open” lists them with what each is missing)."
        in flashes(done)
    )
    db.session.expire_all()
    finalized = [org.appraisal(p).finalized_at is not None for p in org.staff]
    assert finalized == [True, True, True, False]
    assert Decimal(org.appraisal(org.staff[0]).result["composite"]) == 88
    body = text(client.get(url(review)))
    missing = body.split('id="incomplete"')[1].split("</section>")[0]
    assert org.staff[3].name in missing and "not rated yet" in missing
    assert org.staff[0].name not in missing


def test_override_swaps_the_row_and_records_who_when_why(client, login, org):
    appraisal = rated_and_final(org, org.staff[0], "85")
    prefix = f"a{appraisal.id}"
    response = login(org.hr).post(
        url(org.reviews[-1], f"/appraisals/{appraisal.id}/grade"),
        data={
            f"{prefix}-grade": "优秀",
            f"{prefix}-reason": "跨部门项目贡献突出",
            f"{prefix}-version": appraisal.version,
        },
        headers={"HX-Request": "true"},
    )
    body = text(response)
    assert response.status_code == 200
    assert "<html" not in body
    # a table row cannot lead a response: it travels out of band inside a <template>
    assert body.lstrip().startswith(
        f'<template><tr id="appraisal-{appraisal.id}" hx-swap-oob="true"'
    )
    assert 'id="distribution" hx-swap-oob="true"' in body
    assert 'id="calibration-audit" hx-swap-oob="true"' in body and "跨部门项目贡献突出" in body
    assert response.headers["Vary"] == "HX-Request" or "HX-Request" in response.headers["Vary"]
    db.session.expire_all()
    change = db.session.scalar(select(CalibrationChange))
    assert (change.from_grade, change.to_grade, change.actor_id) == ("良好", "优秀", org.hr.id)
    assert change.reason == "跨部门项目贡献突出" and change.at is not None
    assert (org.appraisal(org.staff[0]).grade, org.appraisal(org.staff[0]).final_grade) == (
        "良好",
        "优秀",
    )


def test_override_without_a_reason_is_refused_beside_the_field(client, login, org):
    appraisal = rated_and_final(org, org.staff[0], "85")
    prefix = f"a{appraisal.id}"
    for headers in ({"HX-Request": "true"}, {}):
        response = login(org.hr).post(
            url(org.reviews[-1], f"/appraisals/{appraisal.id}/grade"),
            data={f"{prefix}-grade": "优秀", f"{prefix}-reason": "  "},
            headers=headers,
        )
        assert response.status_code == 422
        assert "the reason is recorded" in field_error(response, f"{prefix}-reason")
        assert ("<html" in text(response)) is (not headers)
    db.session.expire_all()
    assert org.appraisal(org.staff[0]).final_grade == "良好"
    assert db.session.scalar(select(CalibrationChange)) is None


def test_a_refused_override_does_not_finalize_the_appraisal(client, login, org):
    appraisal = org.appraisal(org.staff[0])
    interview(org, appraisal, "85")  # complete but open: its live grade is 良好
    prefix = f"a{appraisal.id}"
    response = login(org.hr).post(
        url(org.reviews[-1], f"/appraisals/{appraisal.id}/grade"),
        data={f"{prefix}-grade": "良好", f"{prefix}-reason": "同档"},
    )
    assert response.status_code == 422
    assert "already" in field_error(response, f"{prefix}-grade")
    db.session.expire_all()
    assert org.appraisal(org.staff[0]).finalized_at is None


def test_override_of_a_stale_row_is_refused(client, login, org):
    appraisal = rated_and_final(org, org.staff[0], "85")
    prefix = f"a{appraisal.id}"
    response = login(org.hr).post(
        url(org.reviews[-1], f"/appraisals/{appraisal.id}/grade"),
        data={
            f"{prefix}-grade": "优秀",
            f"{prefix}-reason": "x",
            f"{prefix}-version": appraisal.version - 1,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422 and "meanwhile" in text(response)
    db.session.expire_all()
    assert org.appraisal(org.staff[0]).final_grade == "良好"


def test_calibration_never_edits_the_inputs(client, login, make_person, make_department, run_jobs):
    org, person, _kr = okr_default_org(make_person, make_department)
    appraisal = org.appraisal(person)
    login(org.hr).post(url(org.reviews[-1], "/finalize"))
    run_jobs()
    db.session.expire_all()
    appraisal = org.appraisal(person)
    frozen = copy.deepcopy(appraisal.result)
    inputs = snapshot("objective", "key_result", "check_in", "peer_form", "adjustment")
    ratings = (dict(appraisal.interview_ratings), dict(appraisal.self_ratings))
    prefix = f"a{appraisal.id}"
    response = client.post(
        url(org.reviews[-1], f"/appraisals/{appraisal.id}/grade"),
        data={f"{prefix}-grade": "优秀", f"{prefix}-reason": "校准会议决定"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    appraisal = org.appraisal(person)
    assert appraisal.final_grade == "优秀" and appraisal.grade != "优秀"
    assert appraisal.result == frozen
    assert (dict(appraisal.interview_ratings), dict(appraisal.self_ratings)) == ratings
    assert snapshot("objective", "key_result", "check_in", "peer_form", "adjustment") == inputs


def test_leniency_sets_each_managers_mean_beside_the_company(
    client, login, make_person, make_department
):
    org = build_org(make_person, make_department, managers=2, per_manager=2)
    open_cycle_review(org)
    for person, rating in zip(org.staff, ("100", "100", "50", "50"), strict=True):
        interview(org, org.appraisal(person), rating)
    board = text(login(org.hr).get(url(org.reviews[-1])))
    # the board loads the section on demand (it reads every interview of the review)
    assert url(org.reviews[-1], "/leniency?page=1") in board
    response = client.get(url(org.reviews[-1], "/leniency"), headers={"HX-Request": "true"})
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    section = body.split('id="leniency"')[1].split("</section>")[0]
    assert "Company mean: 75%" in section
    lenient = section.split(f'id="leniency-{org.managers[0].id}"')[1].split("</tr>")[0]
    harsh = section.split(f'id="leniency-{org.managers[1].id}"')[1].split("</tr>")[0]
    assert ">100%<" in lenient and ">+25%<" in lenient and "lenient" in lenient
    assert ">50%<" in harsh and ">-25%<" in harsh and "harsh" in harsh


# Who may calibrate -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["employee", "manager"])
def test_only_hr_calibrates(client, login, org, who):
    appraisal = rated_and_final(org, org.staff[0], "85")
    interview(org, org.appraisal(org.staff[1]), "75")
    user = org.staff[2] if who == "employee" else org.managers[0]
    review = org.reviews[-1]
    tables = ("appraisal", "calibration_change", "improvement_plan", "review", "job")
    before = snapshot(*tables)
    login(user)
    prefix = f"a{appraisal.id}"
    assert client.get(url(review)).status_code == 403
    assert client.post(url(review, "/finalize")).status_code == 403
    assert client.post(url(review, "/release")).status_code == 403
    response = client.post(
        url(review, f"/appraisals/{appraisal.id}/grade"),
        data={f"{prefix}-grade": "优秀", f"{prefix}-reason": "自己说了算"},
    )
    assert response.status_code == 403
    assert snapshot(*tables) == before


def test_signed_out_visitors_are_sent_to_sign_in(client, org):
    assert client.get(url(org.reviews[-1])).status_code == 302


def test_an_appraisal_of_another_review_is_not_found(
    client, login, org, make_person, make_department
):
    appraisal = rated_and_final(org, org.staff[0], "85")
    other = Review(
        name="其他",
        cycle_id=org.cycles[0].id,
        template_id=org.template.id,
        self_deadline=date.today(),
        peer_deadline=date.today(),
        interview_deadline=date.today(),
        created_by_id=org.hr.id,
    )
    db.session.add(other)
    db.session.commit()
    response = login(org.hr).post(
        url(other, f"/appraisals/{appraisal.id}/grade"),
        data={f"a{appraisal.id}-grade": "优秀", f"a{appraisal.id}-reason": "x"},
    )
    assert response.status_code == 404


def test_calibration_page_query_count_does_not_grow(
    client, login, make_person, make_department, count_queries
):
    counts = []
    for size in (2, 8):
        org = build_org(make_person, make_department, teams=2, per_manager=size // 2, tag=str(size))
        open_cycle_review(org, date(2026, 11, 21) if size == 2 else date(2027, 2, 21))
        for i, person in enumerate(org.staff):
            if i % 2:
                rated_and_final(org, person, str(60 + i))
            else:
                interview(org, org.appraisal(person), str(70 + i))
        rated_and_final(org, org.managers[0], "90")
        appraisal = org.appraisal(org.staff[1])
        login(org.hr).post(
            url(org.reviews[-1], f"/appraisals/{appraisal.id}/grade"),
            data={f"a{appraisal.id}-grade": "优秀", f"a{appraisal.id}-reason": "x"},
        )
        with count_queries() as queries:
            assert client.get(url(org.reviews[-1])).status_code == 200
        counts.append(queries.count)
    assert counts[0] == counts[1], counts
