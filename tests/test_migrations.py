"""The schema comes from migrations: upgrade from empty to head gives exactly the models' schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import JSON, column, create_engine, inspect, text
from sqlalchemy import table as sa_table

from okr import create_app
from okr.extensions import db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrate.sqlite3'}"
        return
    server_url = request.getfixturevalue("postgres_url")
    name = f"okr_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield server_url.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_to_head_matches_the_models(empty_database):
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        db.engine.dispose()


def test_downgrade_to_base_removes_every_table(empty_database):
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_create_app_never_touches_the_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'untouched.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_record_batches_of_the_old_runner_become_finished_jobs(empty_database):
    """c4a9e2d7f310: each batch gets a job with its progress and reason; the runner columns go."""
    from datetime import UTC, date, datetime

    from okr.cycles.models import Cycle
    from okr.org.models import Department, Person
    from okr.reviews.models import Review, ReviewTemplate

    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="df428ae9d123")
        team = Department(name="社群运营组")
        db.session.add(team)
        db.session.flush()
        hr = Person(name="林慧", email="hr@example.com", department_id=team.id, password_hash="x")
        cycle = Cycle(
            kind="quarter", label="2026 Q4", start=date(2026, 10, 1), end=date(2026, 12, 31)
        )
        template = ReviewTemplate(family="f", name="默认", spec={})
        db.session.add_all([hr, cycle, template])
        db.session.flush()
        day = date(2026, 12, 1)
        review = Review(
            name="Q4",
            cycle_id=cycle.id,
            template_id=template.id,
            self_deadline=day,
            peer_deadline=day,
            interview_deadline=day,
            created_by_id=hr.id,
        )
        db.session.add(review)
        db.session.commit()
        at = datetime(2026, 12, 1, 8, tzinfo=UTC)
        common = {"review_id": review.id, "combined": False, "locale": "zh"}
        common |= {"created_by_id": hr.id, "created_at": at, "path": "", "runner_host": "web-1"}
        old = [
            {"status": "done", "total": 4, "done": 4, "failure": "", "error": ""},
            {"status": "failed", "total": 4, "done": 1, "failure": "error", "error": "KeyError: 7"},
            {"status": "running", "total": 9, "done": 3, "failure": "", "error": ""},
        ]
        with db.engine.begin() as conn:
            for n, values in enumerate(old, 1):
                conn.execute(
                    text(
                        "INSERT INTO record_batch (id, review_id, combined, locale, status, total,"
                        " done, failure, error, path, created_by_id, created_at, runner_host,"
                        " runner_pid) VALUES (:id, :review_id, :combined, :locale, :status,"
                        " :total, :done, :failure, :error, :path, :created_by_id, :created_at,"
                        " :runner_host, :pid)"
                    ),
                    {"id": n, **common, **values, "pid": 4000 + n},
                )
        db.session.remove()

        upgrade()

        with db.engine.connect() as conn:
            jobs = conn.execute(
                text(
                    "SELECT b.id, j.kind, j.status, j.done, j.total, j.failure, j.error, j.worker"
                    " FROM record_batch b JOIN job j ON j.id = b.job_id ORDER BY b.id"
                )
            ).all()
        columns = {c["name"] for c in inspect(db.engine).get_columns("record_batch")}
        assert [tuple(row[1:6]) for row in jobs] == [
            ("records.batch", "done", 4, 4, None),
            ("records.batch", "failed", 1, 4, "error"),
            ("records.batch", "failed", 3, 9, "worker_lost"),
        ]
        assert jobs[1].error == "KeyError: 7" and jobs[2].worker == "web-1:4003"
        assert not columns & {"status", "path", "runner_pid", "heartbeat_at", "done"}

        downgrade(revision="df428ae9d123")

        with db.engine.connect() as conn:
            back = conn.execute(
                text("SELECT status, done, total FROM record_batch ORDER BY id")
            ).all()
            left = conn.execute(text("SELECT count(*) FROM job")).scalar_one()
        assert [tuple(row) for row in back] == [
            ("failed", 4, 4),
            ("failed", 1, 4),
            ("failed", 3, 9),
        ]
        assert left == 0
        db.engine.dispose()


def test_hold_key_results_of_before_keep_their_partial_credit(empty_database):
    """e5a1c7d3b942: existing hold KRs and KR-template items become partial credit, inclusive,
    so no key result's or objective's progress changes; other kinds get no hold rule."""
    from datetime import date
    from decimal import Decimal

    import okr.db
    from okr.cycles.models import Cycle
    from okr.kr_templates.models import KRTemplate
    from okr.objectives.models import KeyResult, Objective
    from okr.objectives.progress import key_result_figures, refresh_cycle
    from okr.org.models import Department, Person

    kr_columns = ("objective_id", "title", "unit", "kind", "weight", "start", "target", "tiers")
    kr_columns += ("position", "current", "last_note", "progress", "version")
    exact = ("weight", "start", "target", "current", "progress")
    key_result = sa_table(
        "key_result",
        *(
            column(name, okr.db.Exact if name in exact else JSON if name == "tiers" else None)
            for name in kr_columns
        ),
    )
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="8b3d5f7a9c21")
        team = Department(name="社群运营组")
        db.session.add(team)
        db.session.flush()
        owner = Person(
            name="郑堃", email="zk@example.com", department_id=team.id, password_hash="x"
        )
        cycle = Cycle(
            kind="quarter", label="2026 Q4", start=date(2026, 10, 1), end=date(2026, 12, 31)
        )
        db.session.add_all([owner, cycle])
        db.session.flush()
        objective = Objective(
            cycle_id=cycle.id,
            level="individual",
            title="粉丝与互动",
            owner_id=owner.id,
            weight=Decimal(100),
            status="approved",
            progress=Decimal("0.83"),  # (0.8 × 40 + 0.8 × 30 + 0.9 × 30) ÷ 100
        )
        db.session.add(objective)
        old_items = [
            {"title": "平均互动率≥3%", "unit": "%", "kind": "at_least", "target": "3"},
            {"title": "粉丝量", "unit": "人", "kind": "increase", "start": "1", "target": "2"},
        ]
        db.session.add(KRTemplate(name="社交媒体运营", objective_title="o", key_results=old_items))
        db.session.commit()
        cycle_id, objective_id = cycle.id, objective.id
        common = {"objective_id": objective_id, "tiers": [], "last_note": "", "version": 1}
        rows = [  # (kind, weight, start, target, current, progress as stored before)
            ("at_least", "40", None, "3", "2.4", "0.8"),
            ("at_most", "30", None, "60", "75", "0.8"),
            ("increase", "30", "50000", "60000", "59000", "0.9"),
        ]
        with db.engine.begin() as conn:
            for n, (kind, weight, start, target, current, progress) in enumerate(rows):
                values = {"kind": kind, "weight": weight, "start": start, "target": target}
                values |= {"current": current, "progress": progress, "position": n}
                conn.execute(
                    key_result.insert().values(
                        **common,
                        **{k: Decimal(v) if k in exact and v else v for k, v in values.items()},
                        title=kind,
                        unit="",
                    )
                )
        db.session.remove()

        upgrade()

        krs = db.session.scalars(sa.select(KeyResult).order_by(KeyResult.position)).all()
        assert [(kr.hold_scoring, kr.hold_strict) for kr in krs] == [
            ("proportional", False),
            ("proportional", False),
            (None, False),
        ]
        assert [key_result_figures(kr, Decimal(1))[0] for kr in krs] == [
            Decimal("0.8"),
            Decimal("0.8"),
            Decimal("0.9"),
        ]
        refresh_cycle(db.session.get(Cycle, cycle_id))
        db.session.flush()
        assert [kr.progress for kr in krs] == [Decimal("0.8"), Decimal("0.8"), Decimal("0.9")]
        assert db.session.get(Objective, objective_id).progress == Decimal("0.83")
        template = db.session.scalars(sa.select(KRTemplate)).one()
        assert [(i["hold_scoring"], i["hold_strict"]) for i in template.key_results] == [
            ("proportional", False),
            (None, False),
        ]
        db.session.rollback()
        db.session.remove()

        downgrade(revision="8b3d5f7a9c21")

        columns = {c["name"] for c in inspect(db.engine).get_columns("key_result")}
        with db.engine.connect() as conn:
            items = conn.execute(
                sa.select(sa_table("kr_template", column("key_results", JSON)))
            ).scalar_one()
        assert not columns & {"hold_scoring", "hold_strict"}
        assert items == old_items
        db.engine.dispose()
