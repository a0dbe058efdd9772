"""The schema comes from migrations: upgrade from empty to head gives exactly the models' schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, insert, inspect, text

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


def _old_cycle(label: str = "2026 Q4") -> int:
    """A cycle row with the columns every revision has (the model's later ones left out)."""
    from datetime import date

    from okr.cycles.models import Cycle

    values = {"kind": "quarter", "label": label, "start": date(2026, 10, 1)}
    values |= {"end": date(2026, 12, 31), "status": "running", "is_current": False}
    values |= {"attainment_cap": 1, "version": 1}
    columns = Cycle.__table__.c
    row = db.session.execute(
        insert(Cycle.__table__).values({columns[k]: v for k, v in values.items()})
    )
    return row.inserted_primary_key[0]


def test_record_batches_of_the_old_runner_become_finished_jobs(empty_database):
    """c4a9e2d7f310: each batch gets a job with its progress and reason; the runner columns go."""
    from datetime import UTC, date, datetime

    from okr.org.models import Department, Person
    from okr.reviews.models import Review, ReviewTemplate

    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="df428ae9d123")
        team = Department(name="社群运营组")
        db.session.add(team)
        db.session.flush()
        hr = Person(name="林慧", email="hr@example.com", department_id=team.id, password_hash="x")
        template = ReviewTemplate(family="f", name="默认", spec={})
        db.session.add_all([hr, template])
        cycle_id = _old_cycle()
        db.session.flush()
        day = date(2026, 12, 1)
        review = Review(
            name="Q4",
            cycle_id=cycle_id,
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
