"""Benchmark review records: time per record and for a batch (default 1,000) on every core.

    .venv/bin/python -m bench.records [--count 1000] [--workers 2] [--batches 1]

It builds a throwaway SQLite database with the demo company in a temporary folder, times each
record in this process (wall and CPU), then renders the released records of last quarter's demo
review over and over, exactly as a batch does (okr.records.pool.render_all: a process pool, one
app per process), `--batches` times in a row. The pool's fork server (imports, fonts) is started
first, as a job worker starts it when it starts (okr.records.batch), so that every batch finds it
running. Figures go in docs/records.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def pool_cpu() -> float:
    """CPU seconds of every pool process ended so far: the fork server reaps them, so their time
    is its children's (Linux /proc; 0 before the fork server has started)."""
    from multiprocessing import forkserver

    pid = forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--batches", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="okr-bench-"))
    os.environ.update(
        OKR_DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        OKR_INSTANCE_PATH=str(folder),
        OKR_SECRET_KEY="bench",
    )
    from flask_babel import force_locale
    from flask_migrate import upgrade
    from sqlalchemy import select

    from okr import create_app
    from okr.demo.loader import load_demo
    from okr.extensions import db
    from okr.records.data import build_record
    from okr.records.pool import render_all, start_fork_server
    from okr.records.render import record_pdf
    from okr.reviews.models import Appraisal

    app = create_app()
    start_fork_server()  # as a job worker does when it starts (okr.records.batch)
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        ids = list(
            db.session.scalars(select(Appraisal.id).where(Appraisal.released_at.is_not(None)))
        )
    with app.test_request_context(), force_locale("zh"):
        started = time.perf_counter()
        record_pdf(build_record(ids[0]))
        first = time.perf_counter() - started
        singles, cpu, sizes = [], [], []
        for appraisal_id in ids * 3:
            started, cpu_started = time.perf_counter(), time.process_time()
            pdf = record_pdf(build_record(appraisal_id))
            singles.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            sizes.append(len(pdf))
    print(f"first record in a process (fonts registered once): {first:.2f} s")
    print(
        f"one record, warm ({len(ids)} records 3 times): median {statistics.median(singles):.3f} s, "
        f"max {max(singles):.3f} s, CPU {statistics.mean(cpu):.3f} s a record, "
        f"{statistics.mean(sizes) / 1024:.0f} KiB a PDF"
    )
    batch = [ids[i % len(ids)] for i in range(args.count)]
    for _ in range(args.batches):
        cpu_before = pool_cpu()
        with app.app_context():
            started = time.perf_counter()
            total = sum(len(pdf) for pdf in render_all(batch, "zh", args.workers))
            elapsed = time.perf_counter() - started
        time.sleep(0.5)  # for the fork server to reap the pool's processes
        cpu = (pool_cpu() - cpu_before) / args.count
        print(
            f"batch of {args.count} on {args.workers} processes: {elapsed:.1f} s "
            f"({elapsed / args.count * 1000:.0f} ms per record, {args.count / elapsed:.1f} records/s, "
            f"{total / 2**20:.0f} MiB, pool CPU {cpu:.3f} s a record), "
            f"load average {os.getloadavg()[0]:.1f}"
        )


if __name__ == "__main__":
    main()
