"""A big people import is applied by a "people.import" job: the same checks and messages as the
page, a chunk of rows per commit, upserts by email so a retried job never adds anyone twice,
and the preview's summary when it is done."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from okr.extensions import db
from okr.jobs.models import Job
from okr.jobs.runner import JobContext
from okr.org.models import ImportBatch, Person
from tests.helpers import (
    ZH_COLUMNS,
    csv_bytes,
    flashes,
    form_values,
    people_rows,
    sign_in,
    text,
    upload,
)


@pytest.fixture
def hr(app, marketing):
    app.config.update(IMPORT_JOB_ROWS=3, IMPORT_JOB_CHUNK=2)  # six rows: a job, two per commit
    return sign_in(app.test_client(), marketing["admin"])


def _confirm(hr):
    preview = upload(hr, csv_bytes(people_rows(), header=ZH_COLUMNS))
    return hr.post("/people/import/confirm", data={"batch_id": form_values(preview)["batch_id"]})


def _company() -> dict[str, tuple]:
    db.session.expire_all()
    manager = db.aliased(Person)
    rows = db.session.execute(
        select(Person.email, Person.name, Person.position, manager.email).outerjoin(
            manager, Person.manager_id == manager.id
        )
    )
    return {email: (name, position, boss) for email, name, position, boss in rows}


def _expected(before: dict[str, tuple]) -> dict[str, tuple]:
    expected = dict(before)
    for name, email, position, _department, boss, _admin in people_rows():
        expected[email.lower()] = (name, position, boss.lower() or None)
    return expected


def test_a_retried_import_job_adds_nobody_twice_and_says_what_the_preview_said(
    hr, run_jobs, monkeypatch
):
    before = _company()
    asked = _confirm(hr)
    (job,) = db.session.scalars(select(Job)).all()
    assert asked.status_code == 303 and asked.headers["Location"] == f"/jobs/{job.id}"
    batch_id = job.params["batch_id"]
    again = hr.post("/people/import/confirm", data={"batch_id": batch_id})
    assert again.headers["Location"] == asked.headers["Location"]  # a second click: the same job
    assert _company() == before  # nothing until a worker runs it

    commits, commit = [], JobContext.checkpoint

    def drop_after_the_first_chunk(context):
        commit(context)
        commits.append(context.job.done)
        if len(commits) == 2:  # the summary, then one chunk of two people
            raise OperationalError("COMMIT", {}, ConnectionError("the connection dropped"))

    monkeypatch.setattr(JobContext, "checkpoint", drop_after_the_first_chunk)
    run_jobs()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.attempts, commits) == ("queued", 1, [0, 2])
    assert job.params["summary"] == {"create": 4, "update": 1, "unchanged": 1}
    monkeypatch.setattr(JobContext, "checkpoint", commit)
    run_jobs()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert (job.status, job.attempts) == ("done", 2)
    assert job.message == "Import done: 4 added, 1 updated, 1 unchanged."
    assert _company() == _expected(before)
    emails = db.session.scalar(select(func.count(Person.id.distinct())))
    assert emails == len(_expected(before))  # nobody twice
    assert db.session.get(ImportBatch, batch_id).applied_at is not None
    page = text(hr.get(f"/jobs/{job.id}"))
    assert "Import done: 4 added, 1 updated, 1 unchanged." in page
    assert 'href="/people/"' in page
    done = hr.get(f"/people/import/{batch_id}", follow_redirects=True)
    assert "This file was imported already." in flashes(done)


def test_an_import_job_refuses_a_file_the_company_changed_under(hr, run_jobs, marketing):
    before = _company()
    _confirm(hr)
    (job,) = db.session.scalars(select(Job)).all()
    marketing["content"].name = "品牌组"  # the file's 内容组 is no longer there
    db.session.commit()
    run_jobs()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == "done" and job.params["refused"] is True
    assert job.message.startswith("The company changed since the preview: nothing was imported.")
    assert _company() == before
    page = text(hr.get(f"/jobs/{job.id}"))
    assert f'href="/people/import/{job.params["batch_id"]}"' in page and "Done." not in page


def test_only_hr_follows_an_import_job(app, hr, run_jobs, marketing, make_person):
    _confirm(hr)
    (job,) = db.session.scalars(select(Job)).all()
    someone = sign_in(app.test_client(), make_person("员工"))
    assert someone.get(f"/jobs/{job.id}").status_code == 403
