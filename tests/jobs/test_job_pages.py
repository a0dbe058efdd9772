"""The job page and its file: for the person who asked and for HR; anyone else is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from okr.db import utcnow
from okr.extensions import db
from okr.files.models import StoredFile
from okr.files.services import store
from okr.jobs.models import Job
from okr.org.models import Person
from tests.helpers import HTMX, text


@pytest.fixture
def job(make_person):
    asker = make_person("吴昊")
    stored = store("周报.xlsx", "application/vnd.ms-excel", b"PK\x03\x04", asker.id)
    row = Job(kind="test.numbers", status="done", done=4, total=4, file_id=stored.id)
    row.created_by_id = asker.id
    db.session.add(row)
    db.session.commit()
    return row


def test_the_asker_follows_the_job_and_downloads_its_file(client, login, job):
    login(db.session.get(Person, job.created_by_id))
    page = client.get(f"/jobs/{job.id}")
    assert page.status_code == 200 and "周报.xlsx" in text(page)
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200 and download.data == b"PK\x03\x04"
    assert "attachment" in download.headers["Content-Disposition"]


def test_hr_may_see_it_and_nobody_else(client, login, job, make_person):
    login(make_person("孙悦"))
    assert client.get(f"/jobs/{job.id}").status_code == 403
    assert client.get(f"/jobs/{job.id}/download").status_code == 403
    login(make_person("林慧", is_admin=True))
    assert client.get(f"/jobs/{job.id}/download").status_code == 200


def test_a_running_job_polls_and_an_expired_file_is_gone(client, login, job):
    login(db.session.get(Person, job.created_by_id))
    job.status, job.done = "running", 1
    db.session.commit()
    fragment = client.get(f"/jobs/{job.id}", headers=HTMX)
    body = text(fragment)
    assert 'hx-trigger="every 1s"' in body and "1 of 4" in body and "<html" not in body
    db.session.get(StoredFile, job.file_id).expires_at = utcnow() - timedelta(seconds=1)
    job.status = "done"
    db.session.commit()
    assert client.get(f"/jobs/{job.id}/download").status_code == 410


def test_a_kind_for_hr_only_is_refused_to_its_asker_once_they_are_not_hr(
    client, login, make_person
):
    """Record batches are HR's: someone who asked while in HR and left it no longer gets the ZIP."""
    former = make_person("前人事", is_admin=True)
    stored = store("records.zip", "application/zip", b"PK\x03\x04", former.id)
    row = Job(kind="records.batch", status="done", file_id=stored.id)
    row.created_by_id = former.id
    db.session.add(row)
    former.is_admin = False
    db.session.commit()
    login(former)
    assert client.get(f"/jobs/{row.id}").status_code == 403
    assert client.get(f"/jobs/{row.id}/download").status_code == 403
