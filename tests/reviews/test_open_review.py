"""Opening a review: HR picks a cycle, a template, departments and deadlines; appraisals in bulk."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from html import unescape

import pytest
from flask import current_app
from sqlalchemy import func, insert, select

from okr.cycles.services import create_cycle
from okr.extensions import db
from okr.org.models import Person
from okr.reviews.models import Appraisal, Review
from tests.factories import store_template, today
from tests.helpers import field_error, flashes, form_values, snapshot


@pytest.fixture
def org(make_person, make_department, admin):
    marketing = make_department("网络营销部")
    team = make_department("社群运营组", parent=marketing)
    seo = make_department("SEO组", parent=marketing)
    manager = make_person("吴昊", department=team)
    people = [make_person(f"成员{i}", department=team, manager=manager) for i in range(3)]
    seo_person = make_person("赵敏", department=seo)
    gone = make_person("离职者", department=team, active=False)
    cycle = create_cycle("quarter", today(), make_current=True)
    template = store_template()
    db.session.commit()
    return {
        "admin": admin,
        "marketing": marketing,
        "team": team,
        "seo": seo,
        "manager": manager,
        "people": people,
        "seo_person": seo_person,
        "gone": gone,
        "cycle": cycle,
        "template": template,
    }


def _data(org, **over):
    data = {
        "name": "2026 Q4 考核",
        "cycle_id": org["cycle"].id,
        "template_id": org["template"].id,
        "departments": [org["team"].id],
        "self_deadline": (today() + timedelta(days=3)).isoformat(),
        "peer_deadline": (today() + timedelta(days=5)).isoformat(),
        "interview_deadline": (today() + timedelta(days=7)).isoformat(),
    }
    data.update(over)
    return data


def _appraised(review_id):
    db.session.expire_all()
    return set(
        db.session.scalars(
            select(Person.name)
            .join(Appraisal, Appraisal.person_id == Person.id)
            .where(Appraisal.review_id == review_id)
        )
    )


def _options(response, name):
    body = response.get_data(as_text=True)
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', body, re.S).group(0)
    return {
        int(v): unescape(label)
        for v, label in re.findall(r'<option[^>]*value="(\d+)"[^>]*>(.*?)</option>', select_html)
    }


def test_the_form_offers_cycles_newest_templates_and_the_department_tree(org, login):
    newer = store_template("okr-default", version=2)
    old = store_template("community-ops", retired=True)
    db.session.commit()
    loaded = current_app.test_cli_runner().invoke(args=["review", "load-templates"])
    assert loaded.exit_code == 0, loaded.output  # as `make run` and deployment load them
    response = login(org["admin"]).get("/reviews/new")
    assert response.status_code == 200
    templates = _options(response, "template_id")
    assert newer.id in templates
    assert org["template"].id not in templates  # superseded by version 2
    assert old.id not in templates  # retired
    # the built-in seed schemes are stored and offered
    assert any("120分制" in label for label in templates.values())
    assert _options(response, "cycle_id") == {org["cycle"].id: f"{org['cycle'].label} · planning"}
    departments = _options(response, "departments")
    assert departments[org["team"].id] == "— 社群运营组"  # indented under its parent
    assert departments[org["marketing"].id] == "网络营销部"
    assert form_values(response)["interview_deadline"] == (today() + timedelta(days=14)).isoformat()


def test_opening_creates_an_appraisal_for_every_active_person_below_the_departments(org, login):
    response = login(org["admin"]).post(
        "/reviews/new", data=_data(org, departments=[org["marketing"].id]), follow_redirects=True
    )
    assert response.status_code == 200
    review = db.session.scalar(select(Review))
    assert _appraised(review.id) == {"吴昊", "成员0", "成员1", "成员2", "赵敏"}  # not 离职者
    assert any("5 appraisals created" in m for m in flashes(response))
    appraisal = db.session.scalar(
        select(Appraisal).where(Appraisal.person_id == org["people"][0].id)
    )
    assert (appraisal.status, appraisal.manager_id, appraisal.department_id) == (
        "draft",
        org["manager"].id,
        org["team"].id,
    )
    assert review.created_by_id == org["admin"].id


def test_people_appraised_in_another_review_of_the_cycle_are_skipped_and_counted(org, login):
    client = login(org["admin"])
    client.post("/reviews/new", data=_data(org))
    response = client.post(
        "/reviews/new",
        data=_data(org, name="补充考核", departments=[org["marketing"].id]),
        follow_redirects=True,
    )
    messages = " ".join(flashes(response))
    assert "1 appraisal created" in messages
    assert "4 people were skipped" in messages
    second = db.session.scalar(select(Review).where(Review.name == "补充考核"))
    assert _appraised(second.id) == {"赵敏"}


def test_no_department_is_refused_beside_the_field_and_nothing_is_created(org, login):
    before = snapshot("review", "appraisal")
    response = login(org["admin"]).post("/reviews/new", data=_data(org, departments=[]))
    assert response.status_code == 422
    assert field_error(response, "departments") == "Choose at least one department."
    assert snapshot("review", "appraisal") == before
    assert form_values(response)["name"] == "2026 Q4 考核"  # nothing typed is lost


def test_interviews_due_before_the_other_deadlines_are_refused(org, login):
    before = snapshot("review", "appraisal")
    response = login(org["admin"]).post(
        "/reviews/new", data=_data(org, interview_deadline=today().isoformat())
    )
    assert response.status_code == 422
    assert "must be on or after" in field_error(response, "interview_deadline")
    assert snapshot("review", "appraisal") == before


def test_a_missing_name_and_date_are_refused_beside_their_fields(org, login):
    response = login(org["admin"]).post("/reviews/new", data=_data(org, name="", self_deadline=""))
    assert response.status_code == 422
    assert field_error(response, "name") == "Name the review."
    assert field_error(response, "self_deadline")
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_a_retired_template_cannot_be_used(org, login):
    old = store_template("community-ops", retired=True)
    db.session.commit()
    response = login(org["admin"]).post("/reviews/new", data=_data(org, template_id=old.id))
    assert response.status_code == 422
    assert field_error(response, "template_id")
    assert db.session.scalar(select(func.count(Review.id))) == 0


def test_opening_for_two_thousand_people_inserts_the_appraisals_in_one_statement(
    org, login, count_queries
):
    db.session.execute(
        insert(Person),
        [
            {
                "name": f"员工{i:04d}",
                "email": f"bulk{i}@example.com",
                "department_id": org["seo"].id,
                "active": True,
                "is_admin": False,
                "position": "",
                "version": 1,
            }
            for i in range(2000)
        ],
    )
    db.session.commit()
    current_app.config["OPEN_JOB_PEOPLE"] = 5000  # in the request (a job from 1,000 by default)
    client = login(org["admin"])
    started = time.monotonic()
    with count_queries() as queries:
        response = client.post("/reviews/new", data=_data(org, departments=[org["seo"].id]))
    elapsed = time.monotonic() - started
    assert response.status_code == 303
    inserts = [
        s for s in queries.statements if s.lstrip().upper().startswith("INSERT INTO APPRAISAL")
    ]
    assert len(inserts) == 1
    assert db.session.scalar(select(func.count(Appraisal.id))) == 2001
    assert elapsed < 10  # thousands in seconds


def _bulk_people(org, n):
    db.session.execute(
        insert(Person),
        [
            {
                "name": f"员工{i:04d}",
                "email": f"bulk{i}@example.com",
                "department_id": org["seo"].id,
                "active": True,
                "is_admin": False,
                "position": "",
                "version": 1,
                "manager_id": org["manager"].id if i % 2 else None,
            }
            for i in range(n)
        ],
    )
    db.session.commit()


def _rows(review_id):
    db.session.expire_all()
    return sorted(
        db.session.execute(
            select(
                Appraisal.person_id,
                Appraisal.manager_id,
                Appraisal.department_id,
                Appraisal.status,
                Appraisal.self_ratings,
                Appraisal.version,
            ).where(Appraisal.review_id == review_id)
        ).all()
    )


def test_a_big_opening_is_a_job_that_inserts_a_chunk_per_commit_and_resumes_after_a_failure(
    org, login, run_jobs, monkeypatch, count_queries
):
    from sqlalchemy.exc import OperationalError

    from okr.jobs.models import Job
    from okr.jobs.runner import JobContext

    _bulk_people(org, 24)  # 25 people in SEO组 with 赵敏
    current_app.config.update(OPEN_JOB_PEOPLE=10, OPEN_JOB_CHUNK=10)
    client = login(org["admin"])
    data = _data(org, departments=[org["seo"].id, org["team"].id])
    first = client.post("/reviews/new", data=data)
    again = client.post("/reviews/new", data=data)  # a double click: the same job, one review
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    (job,) = db.session.scalars(select(Job)).all()
    (review,) = db.session.scalars(select(Review)).all()
    assert (job.kind, job.params["review_id"], job.status) == ("review.open", review.id, "queued")
    assert _appraised(review.id) == set()

    commits, commit = [], JobContext.checkpoint

    def drop_after_the_second_chunk(context):
        commit(context)
        commits.append(context.job.done)
        if len(commits) == 3:  # the total, then two chunks of ten
            raise OperationalError("COMMIT", {}, ConnectionError("the connection dropped"))

    monkeypatch.setattr(JobContext, "checkpoint", drop_after_the_second_chunk)
    run_jobs()
    db.session.expire_all()
    assert (job.status, job.attempts, commits) == ("queued", 1, [0, 10, 20])
    assert len(_rows(review.id)) == 20
    monkeypatch.setattr(JobContext, "checkpoint", commit)
    with count_queries() as queries:
        run_jobs()
    inserts = [
        s for s in queries.statements if s.lstrip().upper().startswith("INSERT INTO APPRAISAL")
    ]
    assert len(inserts) == 1, queries.statements  # the last nine (of 29) in one statement
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.attempts, job.done, job.total) == ("done", 2, 29, 29)
    assert job.message == "Review opened: 29 appraisals created."
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Review opened: 29 appraisals created." in page
    assert f'href="/reviews/{review.id}"' in page

    # the same rows as opening in the request gives
    opened = _rows(review.id)
    db.session.execute(Appraisal.__table__.delete())
    db.session.execute(Job.__table__.delete())
    db.session.commit()
    current_app.config["OPEN_JOB_PEOPLE"] = 5000
    client.post("/reviews/new", data=_data(org, name="同步", departments=data["departments"]))
    direct = db.session.scalar(select(Review).where(Review.name == "同步"))
    assert [r[1:] for r in _rows(direct.id)] == [r[1:] for r in opened]
    assert [r[0] for r in _rows(direct.id)] == [r[0] for r in opened]


def test_a_review_job_is_hrs_who_asked(org, login, run_jobs, make_person):
    from okr.jobs.models import Job

    _bulk_people(org, 12)
    current_app.config["OPEN_JOB_PEOPLE"] = 10
    client = login(org["admin"])
    client.post("/reviews/new", data=_data(org, departments=[org["seo"].id]))
    (job,) = db.session.scalars(select(Job)).all()
    login(org["manager"])
    assert client.get(f"/jobs/{job.id}").status_code == 403
