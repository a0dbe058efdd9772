"""The check-in load benchmark runs end to end on a tiny company (its figure comes from a copy of
the benchmark's L: bench/checkin_load.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import checkin_load
from bench.pages import Site, build


@pytest.fixture(params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database holding the benchmark's company at 30 people."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'load.sqlite3'}"
        build(Site("load", 30, url), None)
        yield url
        return
    import psycopg

    base = request.getfixturevalue("postgres_url")
    raw = base.replace("postgresql+psycopg://", "postgresql://")
    name = f"load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(raw, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    url = f"{base.rsplit('/', 1)[0]}/{name}"
    try:
        build(Site("load", 30, url), None)
        yield url
    finally:
        with psycopg.connect(raw, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_eight_people_check_in_at_once_and_every_answer_is_a_saved_row(
    seeded: str, tmp_path: Path
) -> None:
    out = tmp_path / "performance.md"
    out.write_text("# Performance\n\nNotes kept.\n", encoding="utf-8")
    checkin_load.main(["--url", seeded, "--seconds", "2", "--out", str(out)])
    checkin_load.main(["--url", seeded, "--seconds", "1", "--clients", "2", "--out", str(out)])
    page = out.read_text(encoding="utf-8")
    assert page.startswith("# Performance\n\nNotes kept.\n")
    assert page.count(checkin_load.BEGIN) == 1 and page.count(checkin_load.END) == 1  # replaced
    assert "2 people checking in at once" in page
    row = next(line for line in page.splitlines() if line.startswith("| ") and "×" in line)
    cells = [cell.strip() for cell in row.split("|")[1:-1]]
    assert float(cells[0]) > 0  # check-ins per second
    assert re.fullmatch(r"[\d,]+ × 200", cells[5]), cells[5]  # every answer a saved row
    assert cells[6] == "0"  # no 5xx, no dropped connection
    assert "CPU per saved check-in: app" in page
