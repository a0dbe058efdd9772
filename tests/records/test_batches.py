"""Record batches: a department's ZIP made by a background job, with progress that survives reloads.

The job runs in a real `flask jobs worker` where a test starts one (`job_workers`), or here in
the test's process through `flask records run-batch` (`run_here`), as ops would run it.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import func, select, update

from okr.db import utcnow
from okr.extensions import db
from okr.files.models import StoredFile
from okr.jobs.models import Job
from okr.org.models import Person
from okr.records.models import RecordBatch
from okr.reviews.models import Appraisal
from okr.unit_of_work import unit_of_work
from tests.helpers import HTMX, text
from tests.jobs.harness import wait_for
from tests.records.batches import batches, job_of, run_here, start, stored_zip


def team_entries(world) -> list[str]:
    """The ZIP entries a batch of the team has: name and appraisal number (as before jobs)."""
    rows = db.session.execute(
        select(Appraisal.id, Person.name)
        .join(Person, Person.id == Appraisal.person_id)
        .where(Appraisal.department_id == world.team.id)
    ).all()
    return sorted(f"{name}-{appraisal_id}.pdf" for appraisal_id, name in rows)


def post_batch(client, world, **form):
    return client.post(
        f"/records/reviews/{world.appraisal.review_id}/batches",
        data={"department_id": world.team.id, **form},
    )


def test_a_batch_renders_every_record_of_the_department_and_a_combined_pdf(app, runner, world):
    batch = start(world, combined=True)

    job = run_here(runner, batch.id)

    assert (job.status, job.done, job.total, job.attempts) == ("done", 4, 4, 1)
    with stored_zip(job) as archive:
        names = archive.namelist()
        assert sorted(n for n in names if n != "all-records.pdf") == team_entries(world)
        assert {entry.compress_type for entry in archive.infolist()} == {zipfile.ZIP_STORED}
        pages = sum(
            len(PdfReader(io.BytesIO(archive.read(n))).pages)
            for n in names
            if n != "all-records.pdf"
        )
        combined = PdfReader(io.BytesIO(archive.read("all-records.pdf")))
        assert len(combined.pages) == pages
        assert "郑堃" in "".join(page.extract_text() for page in combined.pages)
    stored = db.session.get(StoredFile, job.file_id)
    assert stored.name == f"records-{world.appraisal.review_id}-{batch.id}.zip"
    assert stored.owner_id == world.hr.id
    assert not list(Path(app.instance_path).rglob("*.zip"))  # nothing on this host's disk


def test_hr_starts_a_batch_and_a_worker_makes_the_zip(client, login, world, job_workers):
    login(world.hr)
    response = post_batch(client, world)
    assert response.status_code == 303
    batch_url = response.headers["Location"]
    (batch,) = batches()
    assert batch_url.endswith(f"/records/batches/{batch.id}")
    waiting = text(client.get(batch_url))
    assert "Waiting for a worker to produce the records…" in waiting
    assert 'hx-trigger="every 1s"' in waiting

    job_workers.start()
    job = wait_for(lambda: job_of(batch.id).status in ("done", "failed"), "the batch", 120)

    job = job_of(batch.id)
    assert (job.status, job.done, job.total) == ("done", 4, 4), job.error or job_workers.log()
    page = text(client.get(batch_url, headers=HTMX))
    assert "<html" not in page and "hx-trigger" not in page
    assert "4 records are ready." in page and "Download ZIP" in page
    with client.get(f"/records/batches/{batch.id}/download") as download:
        assert download.status_code == 200 and download.mimetype == "application/zip"
        assert (
            f"records-{world.appraisal.review_id}-{batch.id}.zip"
            in (download.headers["Content-Disposition"])
        )
        assert download.data == db.session.scalar(
            select(StoredFile.content).where(StoredFile.id == job.file_id)
        )
    assert sorted(stored_zip(job).namelist()) == team_entries(world)


def test_a_double_click_is_one_batch_and_one_job(client, login, world):
    login(world.hr)

    first, second = post_batch(client, world), post_batch(client, world)
    whole = client.post(f"/records/reviews/{world.appraisal.review_id}/batches", data={})

    assert first.status_code == second.status_code == whole.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert whole.headers["Location"] != first.headers["Location"]
    assert len(batches()) == 2
    assert db.session.scalar(select(func.count()).select_from(Job)) == 2


def test_progress_fragment_polls_while_running(client, login, world):
    login(world.hr)
    batch = start(world)
    with unit_of_work():
        db.session.execute(
            update(Job)
            .where(Job.id == batch.job_id)
            .values(status="running", attempts=1, done=3, total=10)
        )

    fragment = text(client.get(f"/records/batches/{batch.id}", headers=HTMX))

    assert fragment.lstrip().startswith(f'<section class="card" id="batch-{batch.id}"')
    assert 'hx-trigger="every 1s"' in fragment
    assert "Producing records: 3 of 10…" in fragment
    assert '<progress max="10" value="3">' in fragment


def test_a_failed_batch_shows_its_reason_and_starts_again(
    client, login, runner, world, monkeypatch
):
    import okr.records.batch

    def broken(*_args):
        raise ValueError("the font cache is unreadable")

    monkeypatch.setattr(okr.records.batch, "render_all", broken)
    login(world.hr)
    batch = start(world, combined=True)
    result = runner.invoke(args=["records", "run-batch", str(batch.id)])
    assert result.exit_code == 1 and "ValueError: the font cache is unreadable" in result.output
    monkeypatch.undo()
    url = f"/records/batches/{batch.id}"

    page = text(client.get(url))
    listed = text(client.get(f"/records/reviews/{world.appraisal.review_id}"))
    again = client.post(f"{url}/again")
    twice = client.post(f"{url}/again")

    assert "The batch failed: ValueError: the font cache is unreadable" in page
    assert "Start again" in page and "hx-trigger" not in page
    assert f"#{batch.id}" in listed and "0/4 · failed" in listed
    old, new = batches()
    assert again.headers["Location"].endswith(f"/records/batches/{new.id}")
    assert twice.headers["Location"] == again.headers["Location"]  # still queued: the same
    assert (new.department_id, new.combined, new.locale) == (world.team.id, True, "zh")
    assert (job_of(old.id).status, job_of(new.id).status) == ("failed", "queued")
    assert run_here(runner, new.id).status == "done"


def test_a_zip_no_longer_kept_is_gone_and_can_be_made_again(client, login, runner, world):
    login(world.hr)
    batch = start(world, combined=False)
    job = run_here(runner, batch.id)
    with unit_of_work():
        db.session.execute(
            update(StoredFile)
            .where(StoredFile.id == job.file_id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    url = f"/records/batches/{batch.id}"

    page = text(client.get(url))
    gone = client.get(f"{url}/download")
    again = client.post(f"{url}/again")

    assert "The ZIP of these records is no longer kept." in page and "Download ZIP" not in page
    assert gone.status_code == 410
    assert again.status_code == 303 and len(batches()) == 2


def test_only_hr_makes_or_sees_batches(client, login, runner, world):
    batch = start(world)
    job = run_here(runner, batch.id)
    review_id = world.appraisal.review_id
    for who in (world.manager, world.person, world.outsider):
        login(who)
        assert client.post(f"/records/reviews/{review_id}/batches", data={}).status_code == 403
        assert client.get(f"/records/reviews/{review_id}").status_code == 403
        assert client.get(f"/records/batches/{batch.id}").status_code == 403
        assert client.get(f"/records/batches/{batch.id}/download").status_code == 403
        assert client.post(f"/records/batches/{batch.id}/again").status_code == 403
        assert client.get(f"/jobs/{job.id}").status_code == 403
        assert client.get(f"/jobs/{job.id}/download").status_code == 403
    assert len(batches()) == 1
    login(world.hr)
    assert client.get(f"/records/batches/{batch.id}/download").status_code == 200


def test_the_command_refuses_a_batch_that_is_not_queued(runner, world):
    batch = start(world, combined=False)
    run_here(runner, batch.id)

    result = runner.invoke(args=["records", "run-batch", str(batch.id)])

    assert result.exit_code == 1
    assert f"Batch {batch.id} is done, not queued" in result.output
    assert job_of(batch.id).attempts == 1


def test_starting_a_batch_again_is_refused_while_it_runs(client, login, world):
    batch = start(world)
    login(world.hr)

    response = client.post(f"/records/batches/{batch.id}/again")

    assert response.headers["Location"].endswith(f"/records/batches/{batch.id}")
    assert db.session.scalar(select(func.count()).select_from(RecordBatch)) == 1
