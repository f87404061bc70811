"""The group-commit writer's SQLite statements while another thread runs Python.

Why: sqlite3 releases the GIL around every statement step, and ``executemany`` steps once a
row. In a node the other thread is the event loop, always busy under load, so after every row
the writer thread waits to get the GIL back — up to the interpreter's 5 ms switch interval —
and on SQLite it does so while holding the write lock every other worker waits for. This
times one batch's insert (``--rows`` rows of a declaration-like table) both ways, with that
other thread idle and busy, alternating, in one run:

  executemany   one single-row statement stepped per row (the store before this change)
  BulkInsert    ``store.bulk.BulkInsert``: a few multi-row statements (power-of-two slices)

With the other thread busy it also tries shorter thread switch intervals (``--switch-ms``):
the longest a thread coming back from a statement can wait for the GIL.

Run: .venv/bin/python benchmarks/study_writer_gil.py [--rows 75] [--batches 60] [--switch-ms 5,1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, Text

from smartborder.store import make_engine
from smartborder.store.bulk import BulkInsert

meta = MetaData()
rows_table = Table(
    "gil_study",
    meta,
    Column("id", String(36), primary_key=True),
    Column("org", String(40)),
    Column("body", Text),
    Column("n", Integer),
    Column("a", String(20)),
    Column("b", String(20)),
    Column("c", String(20)),
    Column("d", String(20)),
)
COLUMNS = [c.name for c in rows_table.columns]


def busy(stop: threading.Event) -> None:
    """Pure Python, as an event loop parsing and deciding requests is."""
    x = 0
    while not stop.is_set():
        for i in range(1000):
            x += i * i


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=75, help="rows a batch (15 submissions × 5)")
    ap.add_argument("--batches", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument(
        "--switch-ms",
        default="5,1",
        help="the interpreter's thread switch intervals to try with the other thread busy",
    )
    args = ap.parse_args()
    path = os.path.join(tempfile.mkdtemp(prefix="sb-gil-"), "gil.db")
    engine = make_engine(f"sqlite:///{path}")
    meta.create_all(engine)
    bulk = BulkInsert(rows_table, COLUMNS)
    one_row = (
        f"INSERT INTO gil_study ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    )
    seq = [0]

    def batch() -> list[dict[str, Any]]:
        out = []
        for _ in range(args.rows):
            seq[0] += 1
            out.append(
                {"id": f"r{seq[0]}", "org": "o" * 20, "body": "x" * 1500, "n": seq[0]}
                | dict.fromkeys("abcd", "v" * 10)
            )
        return out

    def executemany(conn: Connection, rows: list[dict[str, Any]]) -> None:
        conn.exec_driver_sql(one_row, [tuple(r[c] for c in COLUMNS) for r in rows])

    def multirow(conn: Connection, rows: list[dict[str, Any]]) -> None:
        bulk.execute(conn, rows)

    ways: list[tuple[str, Callable[[Connection, list[dict[str, Any]]], None]]] = [
        ("executemany", executemany),
        ("BulkInsert", multirow),
    ]
    print(
        f"one batch of {args.rows} rows into SQLite (WAL, synchronous=FULL), "
        f"{args.batches} batches each; load average {os.getloadavg()[0]:.1f}"
    )
    switches = [float(x) for x in args.switch_ms.split(",")]
    settings = [(False, switches[0])] + [(True, ms) for ms in switches]
    for _ in range(args.rounds):
        for other_busy, switch_ms in settings:
            sys.setswitchinterval(switch_ms / 1000)
            for name, insert in ways:
                stop = threading.Event()
                thread = threading.Thread(target=busy, args=(stop,))
                if other_busy:
                    thread.start()
                times = []
                try:
                    for _ in range(args.batches):
                        rows = batch()
                        t0 = time.perf_counter()
                        with engine.begin() as conn:
                            insert(conn, rows)
                        times.append((time.perf_counter() - t0) * 1000)
                finally:
                    stop.set()
                    if other_busy:
                        thread.join()
                times.sort()
                print(
                    f"  {name:<12} other thread {'busy' if other_busy else 'idle'}, switch "
                    f"{switch_ms:g} ms: median "
                    f"{statistics.median(times):7.2f} ms, p95 {times[int(0.95 * len(times))]:7.2f}"
                    f" ms (insert and commit)"
                )
    engine.dispose()


if __name__ == "__main__":
    main()
