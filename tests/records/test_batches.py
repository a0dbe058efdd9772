"""Record batches: a department's ZIP made in a separate process, with progress that survives reloads."""

from __future__ import annotations

import io
import time
import zipfile

from pypdf import PdfReader

from okr.extensions import db
from okr.records.batch import create_batch, run_batch
from okr.records.models import RecordBatch
from okr.reviews.models import Review


def test_batch_renders_every_record_of_the_department_and_a_combined_pdf(app, world):
    with app.test_request_context():
        review = db.session.get(Review, world.appraisal.review_id)
        batch = create_batch(review, world.team.id, True, "zh", world.hr)
        db.session.commit()
        run_batch(batch.id, workers=1)
    db.session.refresh(batch)
    assert (batch.status, batch.done, batch.total) == ("done", 4, 4)
    with zipfile.ZipFile(batch.path) as archive:
        names = archive.namelist()
        assert len([n for n in names if n != "all-records.pdf"]) == 4
        assert any(n.startswith("郑堃-") for n in names)
        pages = sum(
            len(PdfReader(io.BytesIO(archive.read(n))).pages)
            for n in names
            if n != "all-records.pdf"
        )
        combined = PdfReader(io.BytesIO(archive.read("all-records.pdf")))
        assert len(combined.pages) == pages
        assert "郑堃" in "".join(page.extract_text() for page in combined.pages)


def test_hr_starts_a_batch_in_the_background_and_downloads_the_zip(client, login, world):
    login(world.hr)
    response = client.post(
        f"/records/reviews/{world.appraisal.review_id}/batches",
        data={"department_id": world.team.id},
    )
    assert response.status_code == 303
    batch_url = response.headers["Location"]
    deadline = time.monotonic() + 120
    while True:  # the request returned at once; a separate process does the work
        db.session.expire_all()
        batch = db.session.query(RecordBatch).one()
        if batch.status in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert batch.status == "done", batch.error
    page = client.get(batch_url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in page and "hx-trigger" not in page
    with client.get(f"/records/batches/{batch.id}/download") as download:
        assert download.status_code == 200
        assert len(zipfile.ZipFile(io.BytesIO(download.data)).namelist()) == 4


def test_progress_fragment_polls_while_running(client, login, world):
    login(world.hr)
    batch = RecordBatch(
        review_id=world.appraisal.review_id,
        locale="zh",
        status="running",
        total=10,
        done=3,
        created_by_id=world.hr.id,
    )
    db.session.add(batch)
    db.session.commit()
    fragment = client.get(f"/records/batches/{batch.id}", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    assert fragment.lstrip().startswith(f'<section class="card" id="batch-{batch.id}"')
    assert 'hx-trigger="every 1s"' in fragment and "3" in fragment and "10" in fragment


def test_only_hr_makes_or_sees_batches(client, login, world):
    batch = RecordBatch(review_id=world.appraisal.review_id, locale="zh", created_by_id=world.hr.id)
    db.session.add(batch)
    db.session.commit()
    for who in (world.manager, world.person):
        login(who)
        assert (
            client.post(
                f"/records/reviews/{world.appraisal.review_id}/batches", data={}
            ).status_code
            == 403
        )
        assert client.get(f"/records/batches/{batch.id}").status_code == 403
        assert client.get(f"/records/batches/{batch.id}/download").status_code == 403
    assert db.session.query(RecordBatch).count() == 1
