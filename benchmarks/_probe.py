"""An instrumented node for the latency benchmarks: what each worker process did, and when.

``uvicorn _probe:create_app --factory`` (with ``benchmarks/`` on the path) builds the node's
app exactly as ``smartborder.api.app:create_app`` does, then records, on ``time.monotonic()``
(one clock for every process of the machine, so the load generator's scheduled instants line
up with these):

* ``gc``     every collection: generation, duration, objects collected (``gc.callbacks``);
* ``lag``    event-loop lag: a task that asks to wake every 10 ms and is woken ≥ 10 ms late
             (the loop was busy, or its thread waited for the GIL);
* ``batch``  every group-commit batch (:class:`~smartborder.store.group_commit.BatchTiming`);
* ``reload`` background and foreground store reads: party-history top-ups, trust registry;
* ``stack``  with ``SMARTBORDER_PROBE_STACKS=1``, the loop thread's stack when a lag passes
             30 ms (a watchdog thread samples it), to name what held the loop.

Each worker appends JSON lines to ``$SMARTBORDER_PROBE_DIR/<pid>.jsonl`` every second.
``SMARTBORDER_PROBE_GC=freeze`` applies :func:`smartborder.api.gc_tuning.freeze_startup_heap`
after the app is built (``freeze:<n>`` also sets the young-generation threshold to n);
``SMARTBORDER_PROBE_SWITCH_MS`` sets the interpreter's thread switch interval.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import sys
import threading
import time
import traceback
from dataclasses import asdict
from typing import Any

from smartborder.api.app import create_app as _create_app
from smartborder.store.group_commit import BatchTiming

clock = time.monotonic


class Probe:
    def __init__(self, out_dir: str) -> None:
        self.path = os.path.join(out_dir, f"{os.getpid()}.jsonl")
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._gc_start = 0.0
        self._gc2_where: list[str] = []
        self.in_gc = False
        self.heartbeat = clock()
        self.loop_thread: int | None = None
        self.young = [0, 0.0]  # young collections under 1 ms: count, total ms
        self.tasks: list[asyncio.Task[None]] = []

    def add(self, kind: str, **fields: Any) -> None:
        fields["k"] = kind
        with self._lock:
            self.events.append(fields)

    def flush(self) -> None:
        with self._lock:
            if self.young[0]:
                self.events.append(
                    {"k": "gcy", "t": clock(), "n": self.young[0], "ms": self.young[1]}
                )
                self.young = [0, 0.0]
            events, self.events = self.events, []
        if events:
            with open(self.path, "a") as f:
                f.write("".join(json.dumps(e) + "\n" for e in events))

    def flush_every(self, seconds: float) -> None:
        def run() -> None:
            while True:
                time.sleep(seconds)
                self.flush()

        threading.Thread(target=run, name="probe-flush", daemon=True).start()

    # gc.callbacks
    def on_gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_start = clock()
            self.in_gc = True
            if info["generation"] == 2:  # rare: where it was triggered, and on which thread
                self._gc2_where = [
                    f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}"
                    for f in traceback.extract_stack(limit=6)[:-1]
                ]
        else:
            self.in_gc = False
            ms = (clock() - self._gc_start) * 1000
            if info["generation"] == 2 or ms >= 1.0:  # young ones are many and short
                self.add(
                    "gc",
                    t=self._gc_start,
                    gen=info["generation"],
                    ms=ms,
                    collected=info["collected"],
                    thread=threading.current_thread().name,
                    where=self._gc2_where if info["generation"] == 2 else [],
                )
            else:
                self.young[0] += 1
                self.young[1] += ms

    def on_batch(self, b: BatchTiming) -> None:
        self.add("batch", **asdict(b))

    async def watch_loop(self, every_s: float = 0.010) -> None:
        self.loop_thread = threading.get_ident()
        while True:
            before = clock()
            self.heartbeat = before
            await asyncio.sleep(every_s)
            late = clock() - before - every_s
            if late >= 0.010:
                self.add("lag", t=before + every_s, ms=late * 1000)

    def sample_stacks(self, threshold_s: float = 0.030) -> None:
        def run() -> None:
            captured_for = 0.0
            while True:
                time.sleep(0.005)
                beat = self.heartbeat
                if self.loop_thread is None or beat == captured_for:
                    continue
                if clock() - beat >= threshold_s:
                    frame = sys._current_frames().get(self.loop_thread)
                    if frame is not None:
                        stack = traceback.format_stack(frame, limit=12)
                        self.add(
                            "stack",
                            t=beat,
                            in_gc=self.in_gc,
                            stack=[s.strip().replace("\n", " | ") for s in stack],
                        )
                    captured_for = beat

        threading.Thread(target=run, name="probe-stacks", daemon=True).start()


def _timed(probe: Probe, what: str, fn: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            probe.add(
                "reload",
                what=what,
                t=t0,
                ms=(clock() - t0) * 1000,
                thread=threading.current_thread().name,
            )

    return wrapper


def create_app() -> Any:
    probe = Probe(os.environ.get("SMARTBORDER_PROBE_DIR", "."))
    gc.callbacks.append(probe.on_gc)
    from smartborder.credentials import trust

    trust.load_registry = _timed(probe, "trust registry", trust.load_registry)
    app = _create_app()
    ctx = app.state.ctx
    ctx.writer.observer = probe.on_batch
    if ctx.history is not None:
        ctx.history.refresh = _timed(probe, "party history", ctx.history.refresh)
    mode = os.environ.get("SMARTBORDER_PROBE_GC", "")
    heap = len(gc.get_objects())
    frozen = 0
    if mode.startswith("freeze"):
        from smartborder.api.gc_tuning import freeze_startup_heap

        young = int(mode.partition(":")[2] or 0) or None  # "freeze:" or "freeze:<n>"
        frozen = freeze_startup_heap(young_threshold=young)  # as the node would, no collect
    switch_ms = os.environ.get("SMARTBORDER_PROBE_SWITCH_MS")
    if switch_ms:
        sys.setswitchinterval(float(switch_ms) / 1000)
    probe.add(
        "start",
        t=clock(),
        heap_objects=heap,
        frozen=frozen,
        threshold=list(gc.get_threshold()),
        switch_ms=sys.getswitchinterval() * 1000,
    )
    probe.flush_every(1.0)
    if os.environ.get("SMARTBORDER_PROBE_STACKS") == "1":
        probe.sample_stacks()
    started = False

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        nonlocal started
        if not started:
            started = True
            probe.tasks.append(asyncio.get_running_loop().create_task(probe.watch_loop()))
        await app(scope, receive, send)

    asgi.state = app.state  # type: ignore[attr-defined]
    return asgi
