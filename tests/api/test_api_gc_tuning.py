"""A serving process freezes its start-up heap: full collections stop walking it."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator

import pytest

from smartborder.api.gc_tuning import freeze_startup_heap, thaw_heap


@pytest.fixture
def restore_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def _full_collection_s() -> float:
    t0 = time.perf_counter()
    gc.collect()
    return time.perf_counter() - t0


def test_a_full_collection_after_the_freeze_skips_the_startup_heap(restore_gc: None) -> None:
    heap = [[i] for i in range(300_000)]  # long-lived containers, as a built app holds
    before = _full_collection_s()
    frozen = freeze_startup_heap()
    after = min(_full_collection_s() for _ in range(3))
    assert frozen >= len(heap)
    assert after < before / 5


def test_the_young_threshold_is_set_and_the_older_ones_kept(restore_gc: None) -> None:
    _, older, oldest = gc.get_threshold()
    freeze_startup_heap(young_threshold=10_000)
    assert gc.get_threshold() == (10_000, older, oldest)


def test_thawing_makes_the_frozen_heap_collectable_again(restore_gc: None) -> None:
    freeze_startup_heap()
    assert gc.get_freeze_count() > 0
    thaw_heap()
    assert gc.get_freeze_count() == 0
