"""The page benchmark runs end to end on a tiny company (its speed is measured by `make bench`)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import pages


@pytest.fixture(params=["sqlite", "postgresql"])
def two_databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two empty databases for S and L."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 's.sqlite3'}", f"sqlite:///{tmp_path / 'l.sqlite3'}"
        return
    import psycopg

    base = request.getfixturevalue("postgres_url")
    raw = base.replace("postgresql+psycopg://", "postgresql://")
    names = [f"bench_{size}_{uuid.uuid4().hex[:8]}" for size in ("s", "l")]
    with psycopg.connect(raw, autocommit=True) as connection:
        for name in names:
            connection.execute(f"CREATE DATABASE {name}")
    try:
        yield tuple(f"{base.rsplit('/', 1)[0]}/{name}" for name in names)  # type: ignore[misc]
    finally:
        with psycopg.connect(raw, autocommit=True) as connection:
            for name in names:
                connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_every_page_is_measured_at_both_sizes(
    two_databases: tuple[str, str], tmp_path: Path
) -> None:
    small, large = two_databases
    out = tmp_path / "performance.md"
    pages.main(
        ["--small", "30", "--large", "40", "--rounds", "1", "--small-url", small,
         "--large-url", large, "--out", str(out)]
    )  # fmt: skip
    report = out.read_text(encoding="utf-8")
    roles = {p.role for p in pages.PAGES}
    rows = [
        line
        for line in report.splitlines()
        if line.startswith("| ") and line.split("|")[2].strip() in roles
    ]
    measured = {
        (row.split("|")[1].strip().removesuffix(" (one request)"), row.split("|")[2].strip())
        for row in rows
    }
    assert measured == {(p.label, p.role) for p in pages.PAGES}
    assert "(HTTP" not in report  # every page answered 200 for its role at both sizes
    floors = [row for row in rows if row.split("|")[-2].strip()]  # the L / floor column
    assert len(floors) == len({(p.label, p.role) for p in pages.PAGES if p.floor})
    assert "| person | 30 | 40 |" in report
    assert "Load average" in report and "Worker memory" in report
