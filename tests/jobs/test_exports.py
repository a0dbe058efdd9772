"""Exports as jobs (okr.jobs.exports): a small export downloads at once; one of the threshold's
rows or more is asked for as a job (once per kind, parameters and person), built by a worker,
and downloaded only by those allowed, with its name and content type."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from okr.calibration.results import finalize_all
from okr.extensions import db
from okr.jobs.models import Job
from tests.factories import varied_review
from tests.helpers import text
from tests.jobs.harness import wait_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _jobs() -> list[Job]:
    db.session.rollback()
    return list(db.session.scalars(select(Job).order_by(Job.id)))


def _ended(job_id: int) -> Job | None:
    db.session.rollback()
    job = db.session.get(Job, job_id)
    return job if job.status in ("done", "failed") else None


def test_a_big_people_export_runs_on_a_worker_and_only_hr_downloads_it(
    app, client, login, make_person, make_department, job_workers
):
    sales = make_department("销售部")
    hr = make_person("人事", department=sales, is_admin=True, email="hr@example.com")
    boss = make_person("王志远", department=sales, email="boss@example.com")
    for n in range(4):
        make_person(f"员工{n}", department=sales, manager=boss)
    other_hr = make_person("另一位人事", department=sales, is_admin=True)
    app.config["EXPORT_JOB_ROWS"] = 5  # 7 people: a job

    login(hr)
    asked = client.get("/people/export.csv")  # a GET never writes: it offers the button
    assert asked.status_code == 200 and "This export has 7 rows" in text(asked)
    assert _jobs() == []
    first = client.post("/people/export.csv")
    assert client.post("/people/export.csv").headers["Location"] == first.headers["Location"]
    (job,) = _jobs()
    assert first.status_code == 303 and first.headers["Location"] == f"/jobs/{job.id}"
    assert (job.kind, job.total, job.created_by_id) == ("export.people", None, hr.id)

    job_workers.start()
    job = wait_for(lambda: _ended(job.id), "the export job")
    assert (job.status, job.done, job.total) == ("done", 7, 7), job_workers.log()
    page = text(client.get(f"/jobs/{job.id}"))
    assert "Download people-" in page and ".csv" in page
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert len(rows) == 8 and "王志远" in {row[0] for row in rows}
    assert download.headers["Content-Disposition"].startswith("attachment; filename=people-")

    login(boss)  # not HR: neither the job nor its file
    assert client.get(f"/jobs/{job.id}").status_code == 403
    assert client.get(f"/jobs/{job.id}/download").status_code == 403
    login(other_hr)  # HR's data: another HR admin may fetch it
    assert client.get(f"/jobs/{job.id}/download").status_code == 200


def test_a_small_results_export_downloads_at_once(client, login, make_person, make_department):
    org = varied_review(make_person, make_department, people=10)
    login(org.hr)
    response = client.get(f"/reviews/{org.reviews[-1].id}/results.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX
    assert _jobs() == []


def test_a_managers_results_export_job_is_theirs_alone(
    app, client, login, make_person, make_department, run_jobs
):
    org = varied_review(make_person, make_department, people=20)
    review = org.reviews[-1]
    finalized = _finalize(org)
    app.config["EXPORT_JOB_ROWS"] = 1
    manager, other = org.managers[0], org.managers[1]
    login(manager)
    direct_rows = _sheet_rows(_direct(app, client, review))
    assert client.post(f"/reviews/{review.id}/results.xlsx").status_code == 303
    (job,) = _jobs()
    assert job.kind == "export.results" and job.params["viewer_id"] == manager.id
    run_jobs()
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == XLSX
    assert f"review-{review.id}-results.xlsx" in download.headers["Content-Disposition"]
    assert _sheet_rows(download) == direct_rows  # the manager's own people only
    assert 1 < len(direct_rows) <= finalized
    login(other)
    assert client.get(f"/jobs/{job.id}").status_code == 403
    assert client.get(f"/jobs/{job.id}/download").status_code == 403


def _finalize(org) -> int:
    """Finalize the review's complete appraisals; how many were."""
    done, _left = finalize_all(org.reviews[-1], org.spec)
    db.session.commit()
    return done


def _direct(app, client, review):
    app.config["EXPORT_JOB_ROWS"] = 10_000
    try:
        return client.get(f"/reviews/{review.id}/results.xlsx")
    finally:
        app.config["EXPORT_JOB_ROWS"] = 1


def _sheet_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    return list(sheet.iter_rows(values_only=True))
