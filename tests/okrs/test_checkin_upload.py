"""The values upload: a CSV or XLSX of external ids and values, its columns chosen on a preview
that stores nothing, confirmed to store through apply_values (origin upload), a job when big;
wrong users, bad files, 413, both languages."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from okr.checkins.models import ValueUpload
from okr.extensions import db
from okr.jobs.models import Job
from okr.objectives.models import CheckIn, KeyResult
from tests.factories import build_quarter
from tests.helpers import csv_bytes, field_error, text, xlsx_bytes

HEADER = ["日期", "指标编号", "访客数", "备注"]
ROWS = [
    ["2026-11-16", "baidu:visits:seo", "4.5万", "百度统计"],
    ["2026-11-16", "baidu:pages", "很多", ""],
    ["2026-11-16", "nope", "1", ""],
]


@pytest.fixture
def q(make_department, make_person):
    q = build_quarter(make_department, make_person)
    q.traffic.source, q.traffic.source_key = "upload", "baidu:visits:seo"
    q.pages.source, q.pages.source_key = "upload", "baidu:pages"
    db.session.commit()
    return q


def _send(client, content: bytes, filename: str = "百度统计.csv"):
    return client.post(
        "/week/upload",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def _results(response) -> dict[str, str]:
    """Line -> the row's status as the results table shows it."""
    body = response.get_data(as_text=True)
    return dict(re.findall(r'<tr id="upload-line-(\d+)" class="row-(\w+)">', body))


def _checkins() -> list[CheckIn]:
    db.session.expire_all()
    return list(db.session.scalars(select(CheckIn).order_by(CheckIn.id)))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_preview_guesses_the_columns_stores_nothing_and_confirm_stores(client, login, q, fmt):
    login(q.seo)
    content = csv_bytes(ROWS, HEADER) if fmt == "csv" else xlsx_bytes(ROWS, HEADER)
    sent = _send(client, content, f"百度统计.{fmt}")
    assert sent.status_code == 303
    preview = client.get(sent.headers["Location"])
    assert preview.status_code == 200
    body = text(preview)
    assert re.search(r'<option selected value="1">指标编号</option>', body)
    assert re.search(r'<option selected value="2">访客数</option>', body)
    assert _results(preview) == {"2": "ready", "3": "refused", "4": "refused"}
    assert "No key result has this external id." in body
    assert _checkins() == []
    upload = db.session.scalars(select(ValueUpload)).one()
    confirmed = client.post(
        f"/week/upload/{upload.id}/confirm", data={"key": "1", "value": "2", "note": "3"}
    )
    assert confirmed.status_code == 200
    assert _results(confirmed) == {"2": "stored", "3": "refused", "4": "refused"}
    (checkin,) = _checkins()
    assert (checkin.key_result_id, checkin.value, checkin.note) == (q.traffic.id, 45000, "百度统计")
    assert (checkin.origin, checkin.origin_ref) == ("upload", f"百度统计.{fmt}")
    again = client.post(f"/week/upload/{upload.id}/confirm", data={"key": "1", "value": "2"})
    assert again.status_code == 303 and len(_checkins()) == 1  # stored once


def test_the_same_column_twice_is_refused_beside_the_field(client, login, q):
    login(q.seo)
    location = _send(client, csv_bytes(ROWS, HEADER)).headers["Location"]
    response = client.get(f"{location}?key=1&value=1")
    assert response.status_code == 422
    assert "two different columns" in field_error(response, "value")


def test_a_row_the_uploader_may_not_check_in_on_is_refused(client, login, q):
    login(q.peer)
    location = _send(client, csv_bytes(ROWS[:1], HEADER)).headers["Location"]
    preview = client.get(location)
    assert _results(preview) == {"2": "refused"}
    assert "You may not check in on this key result." in text(preview)
    upload = db.session.scalars(select(ValueUpload)).one()
    client.post(f"/week/upload/{upload.id}/confirm", data={"key": "1", "value": "2"})
    assert _checkins() == []


def test_someone_elses_upload_is_forbidden(client, login, q):
    login(q.seo)
    _send(client, csv_bytes(ROWS, HEADER))
    upload = db.session.scalars(select(ValueUpload)).one()
    login(q.lead)  # the manager may check in for 张玥, but the file is hers
    assert client.get(f"/week/upload/{upload.id}").status_code == 403
    confirm = client.post(f"/week/upload/{upload.id}/confirm", data={"key": "1", "value": "2"})
    assert confirm.status_code == 403
    assert _checkins() == []


def test_anonymous_is_sent_to_sign_in(client, q):
    assert client.get("/week/upload").status_code == 302


@pytest.mark.parametrize(
    ("content", "filename", "english", "chinese"),
    [
        (b"", "a.csv", "The file is empty.", "文件为空"),
        (b"only\r\nbaidu:pages", "a.csv", "at least two columns", "至少写明两列"),
        (b"PK not a zip", "a.xlsx", "cannot be read", "无法读取此 Excel"),
        (b"a,b\r\n1,2", "a.txt", "Only .csv and .xlsx", "只能导入"),
    ],
)
def test_a_bad_file_is_refused_beside_the_field_in_both_languages(
    client, login, q, content, filename, english, chinese
):
    login(q.seo)
    response = _send(client, content, filename)
    assert response.status_code == 422
    assert english in field_error(response, "file")
    q.seo.locale = "zh"
    db.session.commit()
    response = _send(client, content, filename)
    assert chinese in field_error(response, "file")
    assert db.session.scalars(select(ValueUpload)).all() == []


def test_a_file_over_the_limit_is_413_beside_the_field(app, client, login, q):
    # small sizes: the test client keeps a body under 500 KB in memory (no temporary file)
    app.config["MAX_CONTENT_LENGTH"] = 100 * 1024
    login(q.seo)
    response = _send(client, csv_bytes(ROWS, HEADER) + b"x" * 200 * 1024)
    assert response.status_code == 413
    assert "at most 0.1 MB can be uploaded" in field_error(response, "file")
    assert 'enctype="multipart/form-data"' in response.get_data(as_text=True)
    assert db.session.scalars(select(ValueUpload)).all() == []


def test_the_pages_read_in_chinese(client, login, q):
    q.seo.locale = "zh"
    db.session.commit()
    login(q.seo)
    assert "上传数值" in text(client.get("/week/upload"))
    preview = client.get(_send(client, csv_bytes(ROWS, HEADER)).headers["Location"])
    assert "没有关键结果使用这个外部编号。" in text(preview)
    assert "外部编号列" in text(preview)


def test_a_big_file_is_stored_by_a_job_with_its_progress(app, client, login, q, run_jobs):
    app.config["VALUE_UPLOAD_JOB_ROWS"] = 2
    login(q.seo)
    _send(client, csv_bytes(ROWS, HEADER))
    upload = db.session.scalars(select(ValueUpload)).one()
    response = client.post(f"/week/upload/{upload.id}/confirm", data={"key": "1", "value": "2"})
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    assert _checkins() == []
    assert len(run_jobs()) == 1
    job = db.session.scalars(select(Job)).one()
    assert (job.status, job.done, job.total) == ("done", 3, 3)
    assert "stored: 1, unchanged: 0, refused: 2" in job.message
    (checkin,) = _checkins()
    assert (checkin.key_result_id, checkin.origin) == (q.traffic.id, "upload")
    db.session.expire_all()
    assert db.session.get_one(KeyResult, q.traffic.id).current == 45000
