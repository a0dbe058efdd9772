"""Backup and restore as docs/deployment.md says (pg_dump / pg_restore; SQLite's online backup):
a restored copy holds every row of every table and every stored file, byte for byte."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from okr.extensions import db
from okr.files.models import StoredFile
from okr.files.services import store
from okr.jobs.models import Job
from tests import pg
from tests.factories import build_world


def _inventory(connection) -> dict[str, object]:
    """Rows per table, and each stored file's name and SHA-256."""
    counts: dict[str, object] = {
        table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
        for table in db.metadata.sorted_tables
    }
    files = connection.execute(
        select(StoredFile.id, StoredFile.name, StoredFile.content).order_by(StoredFile.id)
    )
    counts["files"] = [(i, n, hashlib.sha256(c).hexdigest()) for i, n, c in files]
    return counts


def _backup_and_restore(app, tmp_path: Path) -> str:
    """The restored copy's database URL, made as an operator would make it."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        copy = tmp_path / "restored.sqlite3"
        with sqlite3.connect(url.database) as source, sqlite3.connect(copy) as target:
            source.backup(target)  # what `sqlite3 okr.sqlite3 ".backup copy"` does
        return f"sqlite:///{copy}"
    bindir = pg.find_bindir()
    plain = url.set(drivername="postgresql")
    dump = tmp_path / "okr.dump"
    libpq = plain.render_as_string(hide_password=False)
    subprocess.run([str(bindir / "pg_dump"), "-Fc", "-f", str(dump), libpq], check=True)
    restored = plain.set(database=f"{url.database}_restored")
    admin = plain.set(database="postgres").render_as_string(hide_password=False)
    subprocess.run(
        [str(bindir / "psql"), admin, "-c", f'DROP DATABASE IF EXISTS "{restored.database}"'],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [str(bindir / "psql"), admin, "-c", f'CREATE DATABASE "{restored.database}"'],
        check=True,
        capture_output=True,
    )
    target = restored.render_as_string(hide_password=False)
    subprocess.run([str(bindir / "pg_restore"), "-d", target, str(dump)], check=True)
    return restored.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def test_a_restored_backup_has_every_row_and_file(app, make_person, make_department, tmp_path):
    world = build_world(make_person, make_department)
    stored = store("records.zip", "application/zip", bytes(range(256)) * 4096, world.hr.id)
    db.session.add(Job(kind="records.batch", status="done", file_id=stored.id))
    db.session.commit()
    with db.engine.connect() as connection:
        before = _inventory(connection)
    assert before["person"] >= 9 and before["appraisal"] >= 1 and len(before["files"]) == 1

    engine = create_engine(_backup_and_restore(app, tmp_path))
    try:
        with engine.connect() as connection:
            after = _inventory(connection)
            version = connection.execute(text("SELECT count(*) FROM job")).scalar_one()
    finally:
        engine.dispose()
    assert after == before and version == 1
