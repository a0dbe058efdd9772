"""The generator's bulk writer: what goes in by COPY (PostgreSQL) or executemany comes back as written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from okr.bench import words
from okr.bench.bulk import Loader
from okr.cycles.models import Cycle
from okr.extensions import db
from okr.reviews.models import ReviewTemplate

AWKWARD = 'tab\there, line\nbreak, back\\slash \\N, "quotes", 中文 堃'


def test_awkward_text_json_numbers_and_times_survive(app: Flask) -> None:
    loader = Loader(db.session.connection(), [ReviewTemplate.__table__, Cycle.__table__])
    at = datetime(2026, 10, 9, 2, 30, tzinfo=UTC)
    templates = loader.sink(
        ReviewTemplate.__table__,
        [
            "id",
            "family",
            "version",
            "name",
            "description",
            "spec",
            "built_in",
            "retired",
            "created_at",
        ],
    )
    spec = {"name": AWKWARD, "list": [1, "2", None], "nested": {"k": "\\u4e2d"}}
    first = loader.next_id(ReviewTemplate.__table__)
    templates.add(first, "f", 1, AWKWARD, "", spec, True, False, at)
    templates.close()
    cycles = loader.sink(
        Cycle.__table__,
        [
            "id",
            "kind",
            "label",
            "start",
            "end",
            "status",
            "is_current",
            "attainment_cap",
            "version",
        ],
    )
    cycles.add(loader.next_id(Cycle.__table__), "quarter", "2026 Q4", at.date(), at.date(),
               "running", True, Decimal("1.0000000000005"), 1)  # fmt: skip
    cycles.close()
    loader.finish()
    db.session.commit()
    template = db.session.scalars(select(ReviewTemplate)).one()
    assert (template.id, template.name, template.spec, template.created_at) == (
        first,
        AWKWARD,
        spec,
        at,
    )
    assert template.built_in is True and template.retired is False
    cycle = db.session.scalars(select(Cycle)).one()
    assert cycle.attainment_cap == Decimal("1.000000000001")  # 12 places, half up, as Exact stores
    db.session.add(ReviewTemplate(family="g", version=1, name="next", spec={}))
    db.session.commit()  # the sequence moved past the copied id


def test_a_sink_refuses_to_leave_out_a_required_column(app: Flask) -> None:
    loader = Loader(db.session.connection(), [Cycle.__table__])
    with pytest.raises(ValueError, match="need values"):
        loader.sink(Cycle.__table__, ["id", "kind"])
    loader.stop()


def test_a_failed_write_is_raised_to_the_generator(app: Flask) -> None:
    loader = Loader(db.session.connection(), [Cycle.__table__])
    cycles = loader.sink(Cycle.__table__, ["id", "kind", "label", "start", "end", "status",
                                           "is_current", "attainment_cap", "version"])  # fmt: skip
    for _ in range(2):  # the same id twice
        cycles.add(1, "quarter", "2026 Q4", date(2026, 10, 1), date(2026, 12, 31), "running",
                   True, Decimal(1), 1)  # fmt: skip
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        cycles.close()  # PostgreSQL: only queued here, so the error comes from finish()
        loader.finish()
    loader.stop()  # reported once; stopping again is harmless
    db.session.rollback()


def test_check_in_notes_need_no_escaping() -> None:
    """Check-in rows are spelled directly (the hottest loop), so their notes must be plain."""
    notes = [note for group in words.NOTES.values() for note in group]
    assert notes and not [n for n in notes if set(n) & set("\t\n\r\\")]
