"""Writing generated rows straight into the model tables, fast.

PostgreSQL gets `COPY ... FROM STDIN` (text format) through psycopg's `cursor.copy`; any other
database gets Core `insert()` with executemany in chunks. Rows are tuples in the order of the
columns a sink was opened with; ids are handed out here, so rows can point at each other before
they are written, and the sequences are moved past them at the end.

Rows are buffered per table (PostgreSQL: as COPY text in a temporary file, so a million check-ins
cost disk, not memory) and written when the sink is closed, in foreign-key order by the caller.
On PostgreSQL a writer thread owns the connection and runs the COPYs in that order while the
generator goes on (the server ingests on one core while Python generates on the other).
"""

from __future__ import annotations

import json
import queue
import tempfile
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Integer, String, Table, func, insert, select, text
from sqlalchemy.engine import Connection

from okr.db import EXACT_PLACES, Exact, UTCDateTime

_QUANTUM = Decimal(1).scaleb(-EXACT_PLACES)
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
NULL = "\\N"
CHUNK = 20_000  # rows per executemany call / per block of COPY text


def _text(value: Any) -> str:
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _exact(value: Any) -> str:
    if isinstance(value, str):  # already exact text (a check-in value as typed)
        return value
    return str(Decimal(value).quantize(_QUANTUM, rounding=ROUND_HALF_UP))


def _moment(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the bulk loader")
    return value.astimezone(UTC).isoformat()


def _json(value: Any) -> str:
    if not value and isinstance(value, dict | list):
        return "{}" if isinstance(value, dict) else "[]"
    return _text(json.dumps(value, ensure_ascii=False))


def _copy_converter(column: Any) -> Callable[[Any], str]:
    """How one column's Python value is spelled in COPY's text format."""
    kind = column.type
    if isinstance(kind, Exact):
        return _exact
    if isinstance(kind, UTCDateTime):
        return _moment
    if isinstance(kind, JSON):
        return _json
    if isinstance(kind, Boolean):
        return lambda v: "t" if v else "f"
    if isinstance(kind, Date):
        return date.isoformat
    if isinstance(kind, Integer):
        return str
    if isinstance(kind, String):
        return _text
    raise TypeError(f"no COPY spelling for {column.table.name}.{column.name} ({kind!r})")


class Sink:
    """Rows for one table, written when closed."""

    def __init__(self, loader: Loader, table: Table, columns: list[str]) -> None:
        missing = [
            c.name
            for c in table.columns
            if c.name not in columns and not c.nullable and c.server_default is None
        ]
        if missing:
            raise ValueError(f"{table.name}: columns {missing} need values")
        self.loader, self.table, self.columns = loader, table, columns
        self.count = 0
        self._rows: list[tuple[Any, ...]] = []
        self._lines: list[str] = []
        # closed in close(), after COPY has read it back
        self._file = tempfile.TemporaryFile() if loader.postgres else None  # noqa: SIM115
        self._spell = [_copy_converter(table.c[name]) for name in columns]

    @property
    def copying(self) -> bool:
        """Whether rows become COPY text (then `add_line` takes a row already spelled)."""
        return self._file is not None

    def add(self, *values: Any) -> None:
        self.count += 1
        if self._file is None:
            self._rows.append(values)
            return
        if len(values) != len(self._spell):
            raise ValueError(
                f"{self.table.name}: {len(values)} values for {len(self._spell)} columns"
            )
        spelled = [NULL if v is None else spell(v) for v, spell in zip(values, self._spell)]  # noqa: B905
        self._lines.append("\t".join(spelled))
        if len(self._lines) >= CHUNK:
            self._spill()

    def add_line(self, line: str) -> None:
        """A row already in COPY text (tab-separated, escaped), for the hottest loop."""
        self.count += 1
        self._lines.append(line)
        if len(self._lines) >= CHUNK:
            self._spill()

    def _spill(self) -> None:
        assert self._file is not None
        if self._lines:
            self._file.write(("\n".join(self._lines) + "\n").encode())
            self._lines.clear()

    def _copy(self) -> None:
        assert self._file is not None
        self._file.seek(0)
        names = ", ".join(f'"{name}"' for name in self.columns)
        cursor = self.loader.driver.cursor()
        try:
            with cursor.copy(f'COPY "{self.table.name}" ({names}) FROM STDIN') as copy:
                while block := self._file.read(1 << 20):
                    copy.write(block)
        finally:
            self._file.close()

    def close(self) -> int:
        """Write the buffered rows (PostgreSQL: queue their COPY); returns how many."""
        if self._file is not None:
            self._spill()
            self.loader.run(self._copy, cancel=self._file.close)
        else:
            for start in range(0, len(self._rows), CHUNK):
                batch = [
                    dict(zip(self.columns, row, strict=True))
                    for row in self._rows[start : start + CHUNK]
                ]
                self.loader.connection.execute(insert(self.table), batch)
            self._rows.clear()
        self.loader.written[self.table.name] = (
            self.loader.written.get(self.table.name, 0) + self.count
        )
        return self.count


class Loader:
    """Hands out ids and opens sinks on the session's connection (one transaction).

    Call finish() at the end (it checks the foreign keys and waits for the writes), or stop()
    when giving up, before the connection is used again.
    """

    def __init__(self, connection: Connection, tables: Iterable[Table] = ()) -> None:
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.driver = connection.connection.driver_connection if self.postgres else None
        self.written: dict[str, int] = {}
        self._next: dict[str, int] = {}
        self._exact = Exact()
        self._foreign_keys: list[tuple[str, str, str]] = []
        self._unchecked: set[str] = set()
        self._jobs: queue.Queue[tuple[Callable[[], object], Callable[[], object] | None] | None]
        self._jobs = queue.Queue()
        self._failure: BaseException | None = None
        self._writer: threading.Thread | None = None
        if self.postgres:  # the next ids first: from now on the writer owns the connection
            for table in tables:
                if "id" in table.c:
                    self.ids(table, 0)
            self._writer = threading.Thread(
                target=self._write, name="okr-bench-writer", daemon=True
            )
            self._writer.start()

    def _write(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, cancel = item
            if self._failure is None:
                try:
                    job()
                except BaseException as exc:  # reported to the generator by the next run()
                    self._failure = exc
            elif cancel is not None:
                cancel()

    def run(self, job: Callable[[], object], cancel: Callable[[], object] | None = None) -> None:
        """Do something on the connection, after everything queued before it (`cancel` instead
        when an earlier write failed)."""
        if self._failure is not None:
            if cancel is not None:
                cancel()
            raise self._failure
        if self._writer is None:
            job()
        else:
            self._jobs.put((job, cancel))

    def execute(self, statement: Any, parameters: Any = None) -> None:
        self.run(lambda: self.connection.execute(statement, parameters))

    def stop(self) -> None:
        """Let the queued writes finish (or fail) and give the connection back."""
        if self._writer is not None:
            self._jobs.put(None)
            self._writer.join()
            self._writer = None
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def exact(self, value: Decimal | None) -> Decimal | None:
        """A value as the database gives it back (12 places, half up), so figures computed from
        it here agree with the app's, which reads them from the rows."""
        dialect = self.connection.dialect
        return self._exact.process_result_value(
            self._exact.process_bind_param(value, dialect), dialect
        )

    def ids(self, table: Table, count: int) -> range:
        """`count` fresh primary keys for the table."""
        if table.name not in self._next:
            if self._writer is not None:
                raise RuntimeError(f"{table.name}: pass it to Loader(tables=...) for its ids")
            top = self.connection.scalar(select(func.max(table.c.id)))
            self._next[table.name] = (top or 0) + 1
        first = self._next[table.name]
        self._next[table.name] = first + count
        return range(first, first + count)

    def next_id(self, table: Table) -> int:
        return self.ids(table, 1)[0]

    def sink(self, table: Table, columns: Iterable[str]) -> Sink:
        sink = Sink(self, table, list(columns))
        if self.postgres and table.name not in self._unchecked:
            self._unchecked.add(table.name)
            self.run(lambda: self._defer_foreign_keys(table.name))
        return sink

    def _defer_foreign_keys(self, name: str) -> None:
        """Drop the table's foreign keys until finish() adds them back, which checks every row in
        one join per key: per-row checks made COPY five times slower (PostgreSQL's own advice for
        populating a database). All in the one transaction."""
        rows = self.connection.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid = CAST(:table AS regclass) AND contype = 'f' ORDER BY conname"
            ),
            {"table": f'"{name}"'},
        ).all()
        for constraint, definition in rows:
            self.connection.execute(text(f'ALTER TABLE "{name}" DROP CONSTRAINT "{constraint}"'))
            self._foreign_keys.append((name, constraint, definition))

    def finish(self) -> None:
        """Check and restore the foreign keys, move every sequence past the ids handed out
        (PostgreSQL keeps sequences apart from the rows), and wait for it all."""
        if self.postgres:
            self.run(self._restore)
        self.stop()

    def _restore(self) -> None:
        for name, constraint, definition in self._foreign_keys:
            self.connection.execute(
                text(f'ALTER TABLE "{name}" ADD CONSTRAINT "{constraint}" {definition}')
            )
        self._foreign_keys.clear()
        for name in self._next:
            self.connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f'(SELECT COALESCE(MAX(id), 1) FROM "{name}"))'
                )
            )


def analyze(connection: Connection) -> None:
    """Fresh planner statistics and visibility after a bulk load (PostgreSQL; needs autocommit)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("VACUUM (ANALYZE)"))
    else:
        connection.execute(text("ANALYZE"))
