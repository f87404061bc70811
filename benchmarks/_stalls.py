"""What the server did while the load generator waited: summaries of ``_probe`` records and
the attribution of slow open-loop answers to what overlapped them.

Every time is ``time.monotonic()`` seconds, shared by every process of the machine.
"""

from __future__ import annotations

import json
import statistics
from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import Any

from _httpload import OpenLoopResult, percentile

Event = dict[str, Any]


def read_probe(directory: Path) -> list[Event]:
    """Every worker's records (``<pid>.jsonl``), each with its ``pid``."""
    events: list[Event] = []
    for path in sorted(directory.glob("*.jsonl")):
        pid = int(path.stem)
        for line in path.read_text().splitlines():
            e = json.loads(line)
            e["pid"] = pid
            events.append(e)
    return events


def _end(e: Event) -> float:
    """The instant an event ended (a batch: its commit and answers done)."""
    if e["k"] == "batch":
        return (
            float(e["started"])
            + (e["lock_ms"] + e["handle_ms"] + e["commit_ms"] + e["resolve_ms"]) / 1000
        )
    return float(e["t"]) + float(e.get("ms", 0.0)) / 1000


def _start(e: Event) -> float:
    return float(e["started"] if e["k"] == "batch" else e["t"])


def summarise(events: list[Event], window: tuple[float, float]) -> dict[str, Any]:
    """Counts and durations of each kind of record whose start falls in ``window``."""
    lo, hi = window
    inside = [e for e in events if lo <= _start(e) <= hi]

    def of(kind: str) -> list[Event]:
        return [e for e in inside if e["k"] == kind]

    gc2_events = [e for e in of("gc") if e["gen"] == 2]
    gc2 = [e["ms"] for e in gc2_events]
    gc_other = [e["ms"] for e in of("gc") if e["gen"] != 2]
    young = of("gcy")
    lags = [e["ms"] for e in of("lag")]
    batches = of("batch")
    reloads = of("reload")
    held = [b["handle_ms"] + b["commit_ms"] for b in batches]
    seconds = max(hi - lo, 1e-9)

    def col(rows: list[Event], key: str) -> list[float]:
        return [float(r[key]) for r in rows]

    return {
        "gc2": {
            "count": len(gc2),
            "median_ms": statistics.median(gc2) if gc2 else 0.0,
            "max_ms": max(gc2, default=0.0),
            "total_ms": sum(gc2),
            # on the group-commit thread: on SQLite it then holds the write lock, so the
            # other workers' writers wait out the collection too
            "on_writer_thread": sum(
                1 for e in gc2_events if e.get("thread", "").startswith("smartborder-group-commit")
            ),
        },
        "young_gc": {
            # young collections ≥ 1 ms are recorded one by one, the others summed per second
            "count": sum(e["n"] for e in young) + len(gc_other),
            "ms_per_s": (sum(e["ms"] for e in young) + sum(gc_other)) / seconds,
            "max_ms": max(gc_other, default=0.0),
        },
        "lag": {
            "count": len(lags),
            "over_50": sum(1 for x in lags if x >= 50),
            "max_ms": max(lags, default=0.0),
            "total_ms": sum(lags),
        },
        "batch": {
            "count": len(batches),
            "mean_size": statistics.fmean(col(batches, "size")) if batches else 0.0,
            "max_size": max(col(batches, "size"), default=0),
            "queued_p99_ms": percentile(col(batches, "queued_ms"), 0.99),
            "queued_max_ms": max(col(batches, "queued_ms"), default=0.0),
            "lock_p99_ms": percentile(col(batches, "lock_ms"), 0.99),
            "lock_max_ms": max(col(batches, "lock_ms"), default=0.0),
            "handle_p99_ms": percentile(col(batches, "handle_ms"), 0.99),
            "commit_p99_ms": percentile(col(batches, "commit_ms"), 0.99),
            "commit_max_ms": max(col(batches, "commit_ms"), default=0.0),
            # the write lock held (statements + commit), and the part the writer thread did
            # not run: waiting for the disk, or for the GIL while its loop thread ran
            "held_p99_ms": percentile(held, 0.99),
            "held_waiting_share": (sum(held) - sum(col(batches, "held_cpu_ms"))) / sum(held)
            if held
            else 0.0,
            "handle_waiting_share": (
                sum(col(batches, "handle_ms")) - sum(col(batches, "handle_cpu_ms"))
            )
            / sum(col(batches, "handle_ms"))
            if batches
            else 0.0,
        },
        "reload": {
            "count": len(reloads),
            "max_ms": max(col(reloads, "ms"), default=0.0),
            "by_what": sorted({r["what"] for r in reloads}),
        },
        "stacks": of("stack")[:20],
    }


# A slow answer's cause: the first of these that overlapped it (by how surely it stalls one).
# A store reload comes last: the party history's top-up runs on its own thread and yields the
# GIL like any Python thread (measured: 11 of 18 top-ups over 20 ms overlapped no loop lag).
CAUSES: list[tuple[str, Any]] = [
    ("gen-2 GC ≥ 20 ms", lambda e: e["k"] == "gc" and e["gen"] == 2 and e["ms"] >= 20),
    ("write lock ≥ 20 ms", lambda e: e["k"] == "batch" and e["lock_ms"] >= 20),
    ("commit ≥ 20 ms", lambda e: e["k"] == "batch" and e["commit_ms"] >= 20),
    ("batch statements ≥ 20 ms", lambda e: e["k"] == "batch" and e["handle_ms"] >= 20),
    ("loop lag ≥ 20 ms (no GC)", lambda e: e["k"] == "lag" and e["ms"] >= 20),
    ("writer queue ≥ 20 ms", lambda e: e["k"] == "batch" and e["queued_ms"] >= 20),
    ("store reload ≥ 20 ms", lambda e: e["k"] == "reload" and e["ms"] >= 20),
]


def attribute(result: OpenLoopResult, events: list[Event], *, slow_ms: float) -> dict[str, int]:
    """How many answers slower than ``slow_ms`` overlapped each kind of stall (the first
    matching kind of :data:`CAUSES` counts); ``none recorded`` when nothing did (the server
    was simply behind: CPU saturation, or a wait the probe does not see)."""
    spans = sorted(
        ((_start(e), _end(e), name) for e in events for name, hit in CAUSES if hit(e)),
        key=lambda s: s[0],
    )
    starts = [s for s, _, _ in spans]
    longest = max((e - s for s, e, _ in spans), default=0.0)
    order = {name: i for i, (name, _) in enumerate(CAUSES)}
    out: dict[str, int] = {}
    for i, ms in enumerate(result.latencies_ms):
        if ms <= slow_ms:
            continue
        due = result.due_at(i)
        done = due + ms / 1000
        lo, hi = bisect_left(starts, due - longest), bisect_right(starts, done)
        hits = [name for s, e, name in spans[lo:hi] if e >= due]
        cause = min(hits, key=order.__getitem__) if hits else "none recorded"
        out[cause] = out.get(cause, 0) + 1
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))
