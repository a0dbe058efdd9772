"""The bodies of the bulk values endpoint (values for many key results by their external id)."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from okr.api.schemas import Text
from okr.objectives.rules import CONFIDENCES

MAX_ITEMS = 1000


class ValueItem(ma.Schema):
    """One value for the key result whose `source_key` is this external id."""

    source_key = Text(
        required=True,
        validate=ma.validate.Length(min=1, max=120, error=_l("Give the key result's external id.")),
        metadata={"example": "baidu:visits:seo-team"},
    )
    value = Text(
        required=True,
        validate=ma.validate.Length(min=1, max=40, error=_l("Enter a value.")),
        metadata={"example": "12800"},
    )
    confidence = Text(
        load_default=None,
        allow_none=True,
        validate=ma.validate.OneOf(CONFIDENCES, error=_l("Choose on track, at risk or off track.")),
        metadata={"description": "Kept from the latest check-in when left out."},
    )
    note = Text(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=2000, error=_l("At most 2000 characters.")),
        metadata={"description": "Kept from the latest check-in when left out."},
    )
    ref = Text(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=120, error=_l("At most 120 characters.")),
        metadata={"description": "The caller's own id of the item, given back in its result."},
    )


class ValuesBody(ma.Schema):
    items = ma.fields.List(
        ma.fields.Nested(ValueItem),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_ITEMS, error=_l("Send from 1 to 1000 items.")),
    )


class ValueResult(ma.Schema):
    """What became of one item, in the items' order."""

    index = ma.fields.Integer(required=True)
    source_key = ma.fields.String(required=True)
    ref = ma.fields.String(allow_none=True, required=True)
    status = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(("stored", "unchanged", "refused")),
        metadata={
            "description": "stored: a new check-in; unchanged: the same value, confidence and "
            "note were checked in this week already; refused: see field and message."
        },
    )
    key_result_id = ma.fields.Integer(allow_none=True, required=True)
    check_in_id = ma.fields.Integer(allow_none=True, required=True)
    field = ma.fields.String(allow_none=True, required=True)
    message = ma.fields.String(allow_none=True, required=True)


class ValuesResult(ma.Schema):
    stored = ma.fields.Integer(required=True)
    unchanged = ma.fields.Integer(required=True)
    refused = ma.fields.Integer(required=True)
    items = ma.fields.List(ma.fields.Nested(ValueResult), required=True)
