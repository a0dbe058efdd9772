"""Records under the CSP: the PDF and ZIP are never stored; the printable page's one inline
<style> (its page footer) is allowed by a nonce of that response only."""

from __future__ import annotations

import io
import re
import zipfile

from okr.extensions import db
from okr.files.services import store
from okr.jobs.models import Job
from okr.records.models import RecordBatch
from tests.helpers import assert_private, assert_strict, inline_parts, policy


def test_the_pdf_is_not_stored(client, login, world):
    login(world.person)

    response = client.get(f"/records/appraisals/{world.appraisal.id}.pdf")

    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    assert_private(response)


def test_the_printable_page_allows_its_footer_style_by_nonce(client, login, world):
    login(world.manager)
    url = f"/records/appraisals/{world.appraisal.id}"

    first, second = client.get(url), client.get(url)

    assert_strict(first)
    assert_private(first)
    html = first.get_data(as_text=True)
    assert inline_parts(html) == []
    nonce = re.search(r'<style nonce="([^"]+)">\s*@page', html).group(1)
    assert policy(first)["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert f"'nonce-{nonce}'" not in second.headers["Content-Security-Policy"]  # one use only
    assert "<svg" in html  # the chart draws with SVG attributes, which the policy allows


def test_other_pages_allow_no_inline_style(client, login, world):
    login(world.manager)
    response = client.get(f"/reviews/appraisals/{world.appraisal.id}")
    assert response.status_code == 200
    assert policy(response)["style-src"] == ["'self'"]


def test_the_zip_is_not_stored(client, login, world):
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        archive.writestr("a.txt", "x")
    stored = store("records.zip", "application/zip", content.getvalue(), world.hr.id)
    job = Job(kind="records.batch", status="done", done=1, total=1, file_id=stored.id)
    db.session.add(job)
    db.session.flush()
    batch = RecordBatch(
        review_id=world.appraisal.review_id, locale="zh", created_by_id=world.hr.id, job_id=job.id
    )
    db.session.add(batch)
    db.session.commit()
    login(world.hr)

    with client.get(f"/records/batches/{batch.id}/download") as response:
        assert response.status_code == 200
        assert response.mimetype == "application/zip"
        assert_private(response)
