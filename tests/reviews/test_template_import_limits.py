"""Review-template import over the size limits: 413 with the reason beside the field sent."""

from __future__ import annotations

import io
import json

import pytest

from okr.extensions import db
from okr.reviews.models import ReviewTemplate
from okr.schemes.builtin import BUILT_IN
from tests.helpers import field_error, snapshot, text

URL = "/reviews/templates/import"


def _post(client, data):
    response = client.post(URL, data=data, content_type="multipart/form-data")
    response.request.input_stream.close()  # the test client spools big bodies to a file
    return response


@pytest.fixture
def hr(app, client, login, admin):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production: the size is checked first
    login(admin)
    return client


def test_a_file_over_the_upload_limit_is_refused_beside_the_file_field(app, hr):
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    before = snapshot()

    response = _post(hr, {"file": (io.BytesIO(b" " * 3 * 1024 * 1024), "big.json")})

    assert response.status_code == 413
    assert field_error(response, "file") == (
        "The file is too large: at most 2 MB can be uploaded at a time."
    )
    assert field_error(response, "text") == ""
    assert snapshot() == before


def test_pasted_text_over_the_field_limit_is_refused_beside_the_text_box(hr):
    before = snapshot()
    pasted = json.dumps(BUILT_IN["okr-default"]) + " " * (1024 * 1024)

    response = _post(hr, {"text": pasted, "file": (io.BytesIO(b""), "")})

    assert response.status_code == 413
    assert field_error(response, "text") == (
        "The form is too large: a text field is longer than 1,024 KB, or there are too many fields."
    )
    assert snapshot() == before


def test_the_limit_is_shown_beside_the_file_field(hr):
    assert "At most 10 MB." in text(hr.get(URL))


def test_a_template_file_under_the_limits_still_imports(app, hr):
    app.config["WTF_CSRF_ENABLED"] = False
    content = json.dumps(BUILT_IN["okr-default"], ensure_ascii=False).encode()

    response = _post(hr, {"file": (io.BytesIO(content), "t.json")})

    assert response.status_code == 303
    assert db.session.query(ReviewTemplate).count() == 1
