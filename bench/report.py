"""The page benchmark's report: the table of p50/p95, statements, sizes, floors; machine and load.

bench/pages.py measures; this turns a run into docs/performance.md (only the run's section is
replaced when the page exists, so notes around it stay).
"""

from __future__ import annotations

import os
import platform
import statistics
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.pages import Page, Site

HEAVY_ROUNDS = 3


def _p(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ms(value: float) -> str:
    if value >= 1000:
        return f"{value / 1000:.2f} s" if value < 10000 else f"{value / 1000:.1f} s"
    return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"


def _span(counts: list[int]) -> str:
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}–{high}"


def _kb(size: float) -> str:
    return f"{size / 1024:,.0f}" if size >= 10240 else f"{size / 1024:.1f}"


def table(small: Site, large: Site, pages: list[Page]) -> list[str]:
    lines = [
        "| page | as | S p50 | S p95 | L p50 | L p95 | L/S p50 | SQL S / L | KB S / L | floor L p50 | L / floor |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        key = (page.label, page.role)
        s, big = small.samples.get(key), large.samples.get(key)
        if not s or not big:
            continue
        statuses = {x.status for x in s + big} - {200}
        label = page.label + (
            f" (HTTP {', '.join(map(str, sorted(statuses)))})" if statuses else ""
        )
        if page.once:
            label += " (one request)"
        s50, l50 = _p([x.server_ms for x in s], 0.5), _p([x.server_ms for x in big], 0.5)
        sql_s, sql_l = _span([x.statements for x in s]), _span([x.statements for x in big])
        floor = floor_ratio = ""
        if key in large.floors:
            f50 = _p(large.floors[key], 0.5)
            floor, floor_ratio = _ms(f50), f"{l50 / f50:.1f}"
        lines.append(
            f"| {label} | {page.role} | {_ms(s50)} | {_ms(_p([x.server_ms for x in s], 0.95))} "
            f"| {_ms(l50)} | {_ms(_p([x.server_ms for x in big], 0.95))} | {l50 / s50:.2f} "
            f"| {sql_s} / {sql_l} | {_kb(statistics.median(x.size for x in s))} / "
            f"{_kb(statistics.median(x.size for x in big))} | {floor} | {floor_ratio} |"
        )
    return lines


def machine() -> dict[str, str]:
    memory = next(
        line.split(":")[1].strip()
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    model = next(
        (line.split(":")[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return {
        "cpus": str(os.cpu_count()),
        "cpu": model,
        "memory": f"{int(memory.split()[0]) / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def load() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def report(small: Site, large: Site, info: dict[str, Any], pages: list[Page]) -> str:
    sizes = ["| | S | L |", "| --- | ---: | ---: |"]
    for name in ("person", "department", "objective", "key_result", "check_in", "appraisal"):
        sizes.append(f"| {name} | {small.rows.get(name, 0):,} | {large.rows.get(name, 0):,} |")
    sizes.append(
        f"| people in the one department (lists) | {small.ids['unit_people']:,}"
        f" | {large.ids['unit_people']:,} |"
    )
    sizes.append(f"| generated in | {small.seed_seconds:.1f} s | {large.seed_seconds:.1f} s |")
    memory = (
        f"S {small.memory['fresh']} MB fresh, {small.memory['after']} MB after the page list; "
        f"L {large.memory['fresh']} MB fresh, {large.memory['after']} MB after"
    )
    text = TEMPLATE.format(
        date=info["date"],
        rounds=info["rounds"],
        heavy=HEAVY_ROUNDS,
        cpus=info["machine"]["cpus"],
        cpu=info["machine"]["cpu"],
        memory_total=info["machine"]["memory"],
        python=info["machine"]["python"],
        postgres=info["postgres"],
        load_before=info["load_before"],
        load_after=info["load_after"],
        seconds=info["seconds"],
        sizes="\n".join(sizes),
        table="\n".join(table(small, large, pages)),
        workers=memory,
        small=small.people,
        large=large.people,
    )
    return text


TEMPLATE = """# Performance

How fast the pages are for a whole company, measured by `make bench` (`bench/pages.py`) at two
sizes in one run: S = {small:,} and L = {large:,} people. The targets are issue 9's; this page is
the measurement, rerun it after a change. Review records (PDF, ZIP batches) have their own figures
in [records.md](records.md#speed).

## How it is measured

* **Data**: `flask --app okr bench seed --people N` (okr/bench/) builds a company into an empty
  database: departments four levels deep (总经办 → 中心 → 部 → 组), every manager with about 8
  direct reports, everyone with 3 objectives of 3–4 key results in the running quarter (all kinds,
  weights summing to 100) cascading company → department → person, weekly check-ins (about 10 a
  key result), and three closed quarters with finished reviews (the last one an OKR review with
  peers, interviews, calibration, ranks, improvement plans; the two before on the manager's 考核表,
  so the flags page has history). Rows are written with COPY; every figure is computed by the app's
  own domain and review code. Deterministic for a seed; benchmark sign-ins share the password
  `bench1234` (employee@, manager@, head@, hr@bench.example.com).
* **Server**: PostgreSQL 15 (tests/pg.py's throwaway cluster: fsync off), each size served by its
  own gunicorn with 2 sync workers and `--timeout 900` (the default 30 s would kill results.xlsx at
  L), `OKR_SERVER_TIMING=true`: every response carries `Server-Timing: app;dur=…, sql;desc="…"`,
  the time from the WSGI call to the finished response (including teardown) and the number of SQL
  statements.
* **Requests**: one warm-up, then {rounds} rounds, S and L alternately, one request at a time, as
  the employee (a member of the manager of 8's team), the manager of 8 (a team lead), the head of
  销售中心 (1,000+ people at L) and HR; p50/p95 are over the rounds. Pages that take seconds at L
  get {heavy} rounds (the head's team pages, HR's whole-company team page, the review dashboard,
  calibration, rankings, flags, the record PDF), results.xlsx one request.
* **Floor** (daily pages): the rows the page shows fetched with plain SQL (the same people,
  objectives, key results and check-ins, the app's indexes) and rendered in a bare Jinja
  template, timed in the benchmark process (bench/floors.py). L / floor is the page's p50 over it.

<!-- bench/pages.py writes from here to the end marker; the rest of this file is kept. -->
## The run of {date}

Machine: {cpus} CPUs ({cpu}), {memory_total} memory, Python {python}, {postgres}.
Load average (1 / 5 / 15 min) {load_before} before the run and {load_after} after it: other work
shared the machine unless the first figure is near 0, so single figures are noisy; the L/S ratios,
taken in the same rounds, are steadier. The run took {seconds:.0f} s.

{sizes}

{table}

Worker memory (resident, each of the 2 gunicorn workers): {workers}.
<!-- end of the run -->
"""
BEGIN, END = "<!-- bench/pages.py writes", "<!-- end of the run -->"


def write(out: Path, text: str) -> None:
    """Replace the run's section of an existing page (keeping notes around it), else write it all."""
    if out.exists():
        old = out.read_text(encoding="utf-8")
        if BEGIN in old and END in old:
            head, tail = old.split(BEGIN, 1)[0], old.split(END, 1)[1]
            run_part = BEGIN + text.split(BEGIN, 1)[1].split(END, 1)[0] + END
            text = head + run_part + tail
    out.write_text(text, encoding="utf-8")


def postgres_version(url: str) -> str:
    from sqlalchemy import create_engine, text

    from okr.config import normalise_database_url

    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            if engine.dialect.name != "postgresql":
                return f"{engine.dialect.name} (not PostgreSQL: figures are not comparable)"
            return "PostgreSQL " + connection.scalar(text("SHOW server_version")).split()[0]
    finally:
        engine.dispose()
