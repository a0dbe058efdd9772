"""The schema comes from migrations: upgrade from empty to head gives exactly the models' schema."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import JSON, column, create_engine, insert, inspect, select, text
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


def _old_review(name: str, cycle_id: int, template_id: int, by: int) -> int:
    """A review row with the columns every revision since reviews has (not the model's later ones)."""
    from datetime import UTC, date, datetime

    from okr.reviews.models import Review

    day = date(2026, 12, 1)
    values = {"name": name, "cycle_id": cycle_id, "template_id": template_id, "status": "open"}
    values |= {"self_deadline": day, "peer_deadline": day, "interview_deadline": day}
    values |= {"created_by_id": by, "created_at": datetime(2026, 11, 30, tzinfo=UTC)}
    columns = Review.__table__.c
    row = db.session.execute(
        insert(Review.__table__).values({columns[k]: v for k, v in values.items()})
    )
    return row.inserted_primary_key[0]


def test_record_batches_of_the_old_runner_become_finished_jobs(empty_database):
    """c4a9e2d7f310: each batch gets a job with its progress and reason; the runner columns go."""
    from datetime import UTC, datetime

    from okr.org.models import Department, Person
    from okr.reviews.models import ReviewTemplate

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
        review_id = _old_review("Q4", cycle_id, template.id, hr.id)
        db.session.commit()
        at = datetime(2026, 12, 1, 8, tzinfo=UTC)
        common = {"review_id": review_id, "combined": False, "locale": "zh"}
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


def test_adjustments_cycles_and_templates_are_carried_over_to_template_kinds(empty_database):
    """e3b8c5a1d7f2: an old free-form row scores the same under its migrated template; a cycle
    names its latest review's template; unused built-ins get what their code says."""
    import copy

    from okr.objectives.models import Adjustment
    from okr.org.models import Department, Person
    from okr.reviews.models import Appraisal, ReviewTemplate
    from okr.reviews.scoring import compute
    from okr.reviews.services import spec_of
    from okr.schemes.builtin import BUILT_IN

    old = copy.deepcopy(BUILT_IN["okr-default"])  # as stored before: fixed kinds, caps of 10
    old["adjustments"] = {
        "kinds": [{"key": "typo", "label": "错别字", "points": "-0.5"}],
        "bonus_cap": "10",
        "deduction_cap": "10",
    }
    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="8b3d5f7a9c21")
        team = Department(name="社群运营组")
        db.session.add(team)
        db.session.flush()
        people = [
            Person(name=n, email=f"{n}@example.com", department_id=team.id, password_hash="x")
            for n in ("林慧", "郑堃")
        ]
        used = ReviewTemplate(family="okr-default", name="默认", spec=old, built_in=True)
        unused = ReviewTemplate(family="marketing-dept-120", name="120", spec=old, built_in=True)
        own = ReviewTemplate(family="own", name="自定义", spec=old)
        db.session.add_all([*people, used, unused, own])
        cycle_id, empty_id = _old_cycle(), _old_cycle("2027 Q1")
        db.session.flush()
        hr, person = people
        for template in (own, used):  # the later review's template becomes the cycle's
            _old_review(template.name, cycle_id, template.id, hr.id)
        db.session.commit()
        rows = [("12", "《双11攻略》阅读超10万"), ("-0.5", "错别字"), ("2", "直播带货")]
        with db.engine.begin() as conn:
            for points, reason in rows:
                conn.execute(
                    text(
                        "INSERT INTO adjustment (cycle_id, person_id, points, reason, author_id,"
                        " created_at) VALUES (:cycle, :person, :points, :reason, :author, :at)"
                    ),
                    {"cycle": cycle_id, "person": person.id, "points": points, "reason": reason,
                     "author": hr.id, "at": "2026-11-20 08:00:00"},
                )  # fmt: skip
        db.session.remove()

        upgrade()

        stored = {t.family: t for t in db.session.scalars(select(ReviewTemplate))}
        assert stored["okr-default"].spec["adjustments"]["free_form"] is True  # in use
        assert stored["own"].spec["adjustments"]["free_form"] is True
        assert stored["marketing-dept-120"].spec["adjustments"]["free_form"] is False  # unused
        assert stored["own"].spec["adjustments"]["bonus_cap"] == "10"  # nothing else changed
        cycles = dict(db.session.execute(text("SELECT id, template_id FROM cycle")).all())
        assert cycles == {cycle_id: stored["okr-default"].id, empty_id: None}
        adjustments = db.session.scalars(select(Adjustment).order_by(Adjustment.id)).all()
        assert [(a.kind, a.count) for a in adjustments] == [(None, 1)] * 3
        spec = spec_of(stored["okr-default"])
        result = compute(spec, Appraisal(id=1, person_id=person.id), [], [], adjustments)
        # as before: +14 in bonuses capped at 10, -0.5 → +9.5
        assert result.result is not None
        assert result.result.adjustments.net == Decimal("9.5")
        assert [s.code for s in result.steps if s.code.startswith("adjust.")] == [
            "adjust.free", "adjust.free", "adjust.free", "adjust.bonus_capped", "adjust.total"
        ]  # fmt: skip
        db.session.remove()

        downgrade(revision="8b3d5f7a9c21")

        with db.engine.connect() as conn:
            specs = [row.spec for row in conn.execute(text("SELECT spec FROM review_template"))]
            columns = {c["name"] for c in inspect(conn).get_columns("adjustment")}
            cycle_columns = {c["name"] for c in inspect(conn).get_columns("cycle")}
        loaded = [json.loads(s) if isinstance(s, str) else s for s in specs]
        assert all("free_form" not in s["adjustments"] for s in loaded)
        assert not columns & {"kind", "count"} and "template_id" not in cycle_columns
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
        db.session.add(owner)
        db.session.flush()
        cycle_table = sa_table(  # the cycle as it was at 8b3d5f7a9c21 (no template yet)
            "cycle",
            *(column(n) for n in ("kind", "label", "start", "end", "status", "is_current")),
            column("attainment_cap", okr.db.Exact),
            column("version"),
        )
        db.session.execute(
            cycle_table.insert().values(
                kind="quarter",
                label="2026 Q4",
                start=date(2026, 10, 1),
                end=date(2026, 12, 31),
                status="planning",
                is_current=False,
                attainment_cap=Decimal(1),
                version=1,
            )
        )
        cycle_id = db.session.scalar(sa.text("SELECT id FROM cycle WHERE label = '2026 Q4'"))
        objective_values = {  # the objective as it was at 8b3d5f7a9c21 (no due date yet)
            "cycle_id": cycle_id,
            "level": "individual",
            "title": "粉丝与互动",
            "description": "",
            "owner_id": owner.id,
            "weight": Decimal(100),
            "progress_rule": "own_krs",
            "status": "approved",
            "review_comment": "",
            "position": 0,
            "progress": Decimal("0.83"),  # (0.8 × 40 + 0.8 × 30 + 0.9 × 30) ÷ 100
            "created_at": okr.db.utcnow(),
            "updated_at": okr.db.utcnow(),
            "version": 1,
        }
        exact_columns = ("weight", "progress")
        timestamps = ("created_at", "updated_at")
        objective_table = sa_table(
            "objective",
            *(
                column(
                    n,
                    okr.db.Exact
                    if n in exact_columns
                    else okr.db.UTCDateTime
                    if n in timestamps
                    else None,
                )
                for n in objective_values
            ),
        )
        db.session.execute(objective_table.insert().values(**objective_values))
        old_items = [
            {"title": "平均互动率≥3%", "unit": "%", "kind": "at_least", "target": "3"},
            {"title": "粉丝量", "unit": "人", "kind": "increase", "start": "1", "target": "2"},
        ]
        db.session.add(KRTemplate(name="社交媒体运营", objective_title="o", key_results=old_items))
        db.session.commit()
        objective_id = db.session.scalar(sa.text("SELECT id FROM objective"))
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


def test_key_results_of_before_feed_no_indicator(empty_database):
    """b4f2c8e61a37: key_result.indicator is added empty (NULL) on every existing key result,
    which keeps its figures; downgrade drops it and keeps the row."""
    from datetime import UTC, datetime

    import okr.db
    from okr.org.models import Department, Person

    app = create_app({"DATABASE_URL": empty_database, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="d7e3a9b5c2f4")
        team = Department(name="新媒体部")
        db.session.add(team)
        db.session.flush()
        owner = Person(
            name="李伟", email="lw@example.com", department_id=team.id, password_hash="x"
        )
        db.session.add(owner)
        db.session.flush()
        cycle_id = _old_cycle()
        now = datetime(2026, 11, 2, tzinfo=UTC)
        objective = sa_table(
            "objective",
            *(column(n) for n in ("cycle_id", "level", "title", "description", "owner_id")),
            *(column(n) for n in ("progress_rule", "status", "review_comment", "position")),
            column("weight", okr.db.Exact),
            column("created_at", okr.db.UTCDateTime),
            column("updated_at", okr.db.UTCDateTime),
            column("version"),
        )
        db.session.execute(
            objective.insert().values(
                cycle_id=cycle_id,
                level="individual",
                title="新媒体运营",
                description="",
                owner_id=owner.id,
                progress_rule="own_krs",
                status="approved",
                review_comment="",
                position=0,
                weight=Decimal(100),
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
        objective_id = db.session.execute(text("SELECT id FROM objective")).scalar_one()
        key_result = sa_table(
            "key_result",
            *(column(n) for n in ("objective_id", "title", "unit", "kind", "position", "source")),
            *(column(n) for n in ("last_note", "version", "hold_strict")),
            column("tiers", JSON),
            *(column(n, okr.db.Exact) for n in ("weight", "start", "target", "progress")),
        )
        db.session.execute(
            key_result.insert().values(
                objective_id=objective_id,
                title="品牌曝光次数",
                unit="次",
                kind="increase",
                position=0,
                source="manual",
                last_note="",
                version=1,
                hold_strict=False,
                tiers=[],
                weight=Decimal(100),
                start=Decimal(0),
                target=Decimal(1000),
                progress=Decimal("0.6"),
            )
        )
        db.session.commit()
        upgrade()
        rows = db.session.execute(text("SELECT title, indicator, progress FROM key_result")).all()
        assert [(r[0], r[1], Decimal(str(r[2]))) for r in rows] == [
            ("品牌曝光次数", None, Decimal("0.6"))
        ]
        db.session.commit()
        downgrade(revision="d7e3a9b5c2f4")
        columns = {c["name"] for c in inspect(db.engine).get_columns("key_result")}
        assert "indicator" not in columns
        titles = db.session.execute(text("SELECT title FROM key_result")).scalars().all()
        assert titles == ["品牌曝光次数"]
        db.session.commit()
        db.engine.dispose()
