"""Every form the app takes, sent as it should not be: empty, by each role, as a plain page
and as htmx. The answer may refuse (403, 404, 422) or send elsewhere (303), never fail (5xx).

A view that answers htmx with a fragment must also answer a plain request (a browser without
JavaScript, a bookmark, a retried request) with a whole page or a redirect: the interview's live
score once rendered the whole page with only the fragment's context and failed.
"""

from __future__ import annotations

import pytest

from okr.extensions import db
from tests.factories import build_world
from tests.helpers import HTMX, sign_in

SKIPPED = {"auth.logout", "auth.end_all_sessions", "auth.end_one_session", "auth.change_password"}


def _arguments(w) -> dict[str, object]:
    return {
        "appraisal_id": w.appraisal.id,
        "kr_id": w.kr.id,
        "objective_id": w.objective.id,
        "person_id": w.person.id,
        "cycle_id": w.cycle.id,
        "review_id": w.review.id,
        "department_id": w.team.id,
        "template_id": w.template.id,
        "fmt": "csv",
        "code": "zh",
    }


@pytest.mark.parametrize("role", ["person", "manager", "hr"])
def test_no_form_fails_when_sent_empty(app, make_person, make_department, role):
    w = build_world(make_person, make_department)
    arguments = _arguments(w)
    client = sign_in(app.test_client(), getattr(w, role))
    adapter = app.url_map.bind("localhost")
    failed, sent = [], 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "POST" not in rule.methods or rule.endpoint in SKIPPED:
            continue
        url = adapter.build(rule.endpoint, {a: arguments.get(a, 1) for a in rule.arguments})
        for headers in (None, HTMX):
            response = client.post(url, data={}, headers=headers)
            sent += 1
            if response.status_code >= 500:
                failed.append(f"{url} {'htmx' if headers else 'page'} {response.status_code}")
            db.session.rollback()
    assert sent >= 120
    assert not failed, "\n".join(failed)
