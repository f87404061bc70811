"""Garbage collection for a serving process: no full collection over the start-up heap.

Why: a node holds ~280,000 container objects once its app is built (mostly functions,
tuples and dicts of the libraries it imports), and CPython's oldest-generation collection
walks them all: ~170 ms measured on an idle 2-core machine, 100–550 ms under load — the
sporadic stalls of an open-loop benchmark. Those objects live as long as the process, so
:func:`freeze_startup_heap` moves them out of the collector's sight (``gc.freeze()``); a
full collection then walks only what requests left behind (measured: < 1 ms). Young
collections still run as before, so cycles made by requests are still reclaimed.
"""

from __future__ import annotations

import gc


def freeze_startup_heap(*, collect: bool = False, young_threshold: int | None = None) -> int:
    """Exclude every object alive now from future collections; returns how many objects are
    frozen. Call once per serving process when its app is built (all imports done) and before
    the first request — each uvicorn worker builds its own app.

    The freeze itself costs microseconds. ``collect`` first frees the start-up garbage (a full
    collection: ~170 ms idle with the node's heap); without it, what cyclic garbage start-up
    left (measured: a few dozen objects) is kept for the life of the process.
    ``young_threshold`` (optional) sets how many net allocations trigger a young collection
    (CPython's default is 700); the older generations' thresholds are kept.
    """
    if collect:
        gc.collect()
    gc.freeze()
    if young_threshold is not None:
        _, older, oldest = gc.get_threshold()
        gc.set_threshold(young_threshold, older, oldest)
    return gc.get_freeze_count()


def thaw_heap() -> None:
    """Undo :func:`freeze_startup_heap` (at shutdown): frozen objects become collectable
    again, so a process that builds many apps (a test run) does not keep them all."""
    gc.unfreeze()
