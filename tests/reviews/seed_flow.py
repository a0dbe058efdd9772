"""The steps every seed's end-to-end test shares: a built-in scheme's spec, the manager's
interview posted as the form posts it, finalize and release, results.xlsx read as a table and
the appraisal's PDF record read back as text."""

from __future__ import annotations

import copy
import io
import re
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from okr.calibration.results import finalize, release
from okr.extensions import db
from okr.reviews.models import Appraisal, Review
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import validate
from okr.schemes.format import TemplateSpec
from tests.factories import appraisal_of
from tests.helpers import text


def spec_of_built_in(family: str) -> TemplateSpec:
    """The built-in scheme as a review reads it (validated, canonical)."""
    return validate(copy.deepcopy(BUILT_IN[family]))[1]


def post_interview(
    login,
    manager,
    appraisal: Appraisal,
    *,
    ratings: dict[str, str] | None = None,
    indicators: dict[str, dict[str, str]] | None = None,
) -> None:
    """The manager saves the one-on-one's result step: criterion ratings and indicator values
    (section -> indicator -> what is entered), as the interview form posts them."""
    data = {"step": "result", "goto": "result", "version": str(appraisal.version)}
    data |= {f"rating-{k}": v for k, v in (ratings or {}).items()}
    for section, values in (indicators or {}).items():
        data |= {f"indicator-{section}-{k}": v for k, v in values.items()}
    response = login(manager).post(f"/reviews/appraisals/{appraisal.id}/interview", data=data)
    assert response.status_code == 303, text(response)


def finalize_and_release(review: Review, spec: TemplateSpec, people) -> dict[str, Appraisal]:
    """HR finalizes each person's appraisal, then releases the review (which ranks it); the
    released appraisals by the person's name."""
    db.session.expire_all()
    names = {p.id: p.name for p in people}
    appraisals = [appraisal_of(review, p) for p in people]
    for appraisal in appraisals:
        finalize(appraisal, spec)
    db.session.commit()
    release(review, spec)
    db.session.commit()
    db.session.expire_all()
    return {names[a.person_id]: db.session.get(Appraisal, a.id) for a in appraisals}


def results_table(login, hr, review: Review) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """results.xlsx as HR downloads it: the header, and each person's row by column name (a
    number cell read back as the Decimal of its shortest text, 36.6 not 36.59999…)."""
    response = login(hr).get(f"/reviews/{review.id}/results.xlsx")
    assert response.status_code == 200, text(response)
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    header = list(rows[0])
    return header, {
        row[1]: {h: _exact(v) for h, v in zip(header, row, strict=True)} for row in rows[1:]
    }


def _exact(value: Any) -> Any:
    return Decimal(repr(value)) if isinstance(value, float) else value


def record_text(login, reader, appraisal: Appraisal, language: str = "zh") -> str:
    """The appraisal's PDF record as `reader` downloads it, its text on one line."""
    response = login(reader).get(
        f"/records/appraisals/{appraisal.id}.pdf", headers={"Accept-Language": language}
    )
    assert response.status_code == 200, text(response)
    assert response.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(response.data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
