"""The outbox (okr.notify.outbox): a notice is posted once per key, to exactly one recipient,
in one statement per batch, and nothing is sent by posting it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from okr.extensions import db
from okr.notify.models import Notice
from okr.notify.outbox import BATCH, Post, post


def _due(person_id: int, week: str = "2026-W48") -> Post:
    return Post(
        kind="checkin_due",
        key=f"checkin_due:{week}:person:{person_id}",
        title="本周进展待更新",
        lines=["2 个关键结果本周尚未更新"],
        link="/okrs/week",
        person_id=person_id,
        params={"week": week},
    )


def test_the_same_key_is_posted_once(app, make_person):
    person = make_person("李娜")
    assert post([_due(person.id)]) == 1
    assert post([_due(person.id), _due(person.id, "2026-W49")]) == 1
    db.session.commit()
    notices = db.session.scalars(select(Notice).order_by(Notice.id)).all()
    assert [n.key for n in notices] == [
        f"checkin_due:2026-W48:person:{person.id}",
        f"checkin_due:2026-W49:person:{person.id}",
    ]
    first = notices[0]
    assert (first.status, first.attempts, first.sent_at) == ("queued", 0, None)
    assert first.lines == ["2 个关键结果本周尚未更新"] and first.params == {"week": "2026-W48"}
    assert first.not_before == first.created_at  # not held back unless the poster says so


def test_a_notice_may_wait_for_the_end_of_quiet_hours(app, make_person):
    person = make_person()
    later = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    post([Post("checkin_due", "k", "t", person_id=person.id, not_before=later)])
    assert db.session.scalar(select(Notice.not_before)) == later


@pytest.mark.parametrize("recipients", [{}, {"person_id": 1, "department_id": 1}])
def test_a_notice_goes_to_exactly_one_recipient(app, recipients):
    with pytest.raises(ValueError, match="exactly one"):
        post([Post("manager_digest", "k", "t", **recipients)])


def test_many_notices_take_one_statement_per_batch(app, make_person, count_queries):
    person = make_person()
    posts = [Post("checkin_due", f"k{n}", "t", person_id=person.id) for n in range(BATCH + 5)]
    with count_queries() as queries:
        assert post(posts) == BATCH + 5
    assert queries.count == 2
    assert db.session.scalar(select(func.count(Notice.id))) == BATCH + 5
