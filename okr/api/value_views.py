"""Values for many key results at once, by the external id a data pipeline knows (`source_key`).

The same service as the values upload (okr.checkins.sources.apply_values): set-based for up to
1,000 items, each checked as a check-in on the page is (who may, the cycle open, the value fits
the unit), reported item by item; a value already checked in this week is left unchanged, and
the Idempotency-Key replays a retried request's answer.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from okr.api.auth import current_token, requires
from okr.api.blueprint import ERRORS, errors
from okr.api.blueprint import okrs as bp
from okr.api.idempotency import DOC, idempotent
from okr.api.value_schemas import ValuesBody, ValuesResult
from okr.checkins.sources import Item, apply_values


@bp.route("/key-results/values", methods=["POST"])
@requires("checkin")
@idempotent
@bp.arguments(ValuesBody)
@bp.response(200, ValuesResult)
@bp.doc(**DOC)
@errors(400, 409, 415, *ERRORS)
def post_values(body: dict[str, Any]) -> dict[str, Any]:
    """Check in values for many key results by their external id, as the token's owner."""
    items = [
        Item(i["source_key"], i["value"], i["confidence"], i["note"], i["ref"])
        for i in body["items"]
    ]
    results = apply_values(items, current_user, "api", f"token {current_token().id}")
    counts = {s: sum(r.status == s for r in results) for s in ("stored", "unchanged", "refused")}
    return {
        **counts,
        "items": [
            {
                "index": r.index,
                "source_key": r.source_key,
                "ref": r.ref,
                "status": r.status,
                "key_result_id": r.kr_id,
                "check_in_id": r.checkin_id,
                "field": r.field,
                "message": r.message,
            }
            for r in results
        ],
    }
