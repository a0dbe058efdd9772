"""The API's bodies as marshmallow schemas (flask-smorest documents them from these).

Numbers that are exact in the app (values, targets, progress, scores) are strings in decimal
notation, never JSON floats, so that no client's float rounding changes a figure.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from okr.api.paging import MAX_ID, page_schema
from okr.objectives.rules import CONFIDENCES


def no_nul(value: str) -> None:
    if "\x00" in value:  # PostgreSQL stores no NUL character in text
        raise ma.ValidationError(str(_l("This value is not valid.")))


class Text(ma.fields.String):
    """Text from a client: no NUL character."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        validators = kw.pop("validate", None)
        validators = [validators] if callable(validators) else list(validators or [])
        super().__init__(*args, validate=[no_nul, *validators], **kw)


def ident(**kw: Any) -> ma.fields.Integer:
    """An id in a query (a filter), optional."""
    return ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(min=1, max=MAX_ID, error=_l("This value is not valid.")),
        **kw,
    )


OPEN = {"description": 'Exact decimal as text, e.g. "1200" or "0.85"'}


class DecimalText(ma.fields.String):
    """An exact decimal as text ("1200.5"), null when there is none."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else str(value)


def decimal(**kw: Any) -> DecimalText:
    return DecimalText(allow_none=True, metadata=OPEN, **kw)


class CheckInSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    key_result_id = ma.fields.Integer(required=True)
    value = DecimalText(required=True, metadata=OPEN)
    confidence = ma.fields.String(required=True)
    note = ma.fields.String(required=True)
    author_id = ma.fields.Integer(required=True)
    created_at = ma.fields.AwareDateTime(required=True)
    week = ma.fields.Date(required=True)
    corrects_id = ma.fields.Integer(allow_none=True, required=True)
    origin = ma.fields.String(required=True, metadata={"description": "form, api or upload"})


class KeyResultSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    objective_id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    kind = ma.fields.String(required=True)
    unit = ma.fields.String(required=True)
    start = decimal(required=True)
    target = decimal(required=True)
    current = decimal(required=True)
    confidence = ma.fields.String(allow_none=True, required=True)
    progress = decimal(required=True)
    last_checkin_at = ma.fields.AwareDateTime(allow_none=True, required=True)
    indicator = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The scorecard indicator it feeds (section.indicator), or null"},
    )
    aspect = ma.fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "quantity, quality or time (seed 002), or null: untagged"},
    )
    due_on = ma.fields.Date(allow_none=True, required=True)
    due_value = decimal(required=True)  # the value standing on due_on: a time target's


class KeyResultDetailSchema(KeyResultSchema):
    latest_checkin = ma.fields.Nested(CheckInSchema, allow_none=True, required=True)


class ObjectiveSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    cycle_id = ma.fields.Integer(required=True)
    level = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    owner_id = ma.fields.Integer(required=True)
    department_id = ma.fields.Integer(allow_none=True, required=True)
    parent_id = ma.fields.Integer(allow_none=True, required=True)
    progress = decimal(required=True)
    confidence = ma.fields.String(allow_none=True, required=True)
    due_on = ma.fields.Date(allow_none=True, required=True)
    key_results = ma.fields.List(ma.fields.Nested(KeyResultSchema), required=True)


class PersonSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    email = ma.fields.String(required=True)
    position = ma.fields.String(required=True)
    department_id = ma.fields.Integer(required=True)
    manager_id = ma.fields.Integer(allow_none=True, required=True)
    active = ma.fields.Boolean(required=True)


class DepartmentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    parent_id = ma.fields.Integer(allow_none=True, required=True)
    head_id = ma.fields.Integer(allow_none=True, required=True)


class ResultSchema(ma.Schema):
    """A released appraisal result."""

    id = ma.fields.Integer(required=True)
    review_id = ma.fields.Integer(required=True)
    person_id = ma.fields.Integer(required=True)
    department_id = ma.fields.Integer(required=True)
    composite = decimal(required=True)
    grade = ma.fields.String(allow_none=True, required=True, attribute="final_grade")
    rank = ma.fields.Integer(allow_none=True, required=True)
    released_at = ma.fields.AwareDateTime(required=True)
    acknowledgement = ma.fields.String(allow_none=True, required=True)


class CheckInBody(ma.Schema):
    """A new check-in: the value as typed on the page ("1200", "85%", 1 or 0 for a milestone)."""

    value = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=40, error=_l("Enter a value.")),
        metadata={"example": "1200"},
    )
    confidence = Text(
        required=True,
        validate=ma.validate.OneOf(CONFIDENCES, error=_l("Choose on track, at risk or off track.")),
    )
    note = Text(
        load_default="", validate=ma.validate.Length(max=2000, error=_l("At most 2000 characters."))
    )


class CycleArgs(ma.Schema):
    cycle = ident(metadata={"description": "A cycle's id; the running cycle if left out"})


class PeopleArgs(ma.Schema):
    department = ident(metadata={"description": "Department id"})
    q = Text(load_default="", metadata={"description": "Part of a name, e-mail or position"})
    active = ma.fields.Boolean(load_default=None)


class ResultArgs(ma.Schema):
    review = ident(metadata={"description": "A review's id"})


CheckInPage = page_schema(CheckInSchema, "CheckInPage")
PersonPage = page_schema(PersonSchema, "PersonPage")
DepartmentPage = page_schema(DepartmentSchema, "DepartmentPage")
ResultPage = page_schema(ResultSchema, "ResultPage")
