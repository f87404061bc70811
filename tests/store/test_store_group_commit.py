"""Group commit: every acknowledged write is committed; a failing write fails alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from smartborder.errors import Unavailable
from smartborder.store import make_engine, session_factory
from smartborder.store.group_commit import BatchTiming, GroupCommitter, run_jobs

meta = MetaData()
items = Table("gc_items", meta, Column("id", Integer, primary_key=True), Column("name", String(20)))


@pytest.fixture
def committer(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    meta.create_all(engine)
    gc = GroupCommitter(session_factory(engine), run_jobs, max_batch=64)
    yield gc, engine
    gc.close()
    meta.drop_all(engine)
    engine.dispose()


def _count(engine) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(items)).scalar_one())


def test_concurrent_writes_are_all_committed_in_fewer_transactions(committer) -> None:  # type: ignore[no-untyped-def]
    gc, engine = committer

    def write(i: int) -> int:
        def job(s: Session) -> int:
            s.execute(insert(items).values(id=i, name=f"n{i}"))
            return i

        return gc.run(job)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(write, range(400)))
    assert results == list(range(400))
    assert _count(engine) == 400
    assert gc.items == 400 and gc.batches < 400


def test_a_failing_write_fails_alone(committer) -> None:  # type: ignore[no-untyped-def]
    gc, engine = committer
    gc.run(lambda s: s.execute(insert(items).values(id=1, name="first")))

    def duplicate(s: Session) -> None:
        s.execute(insert(items).values(id=1, name="again"))  # primary key taken

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(gc.run, duplicate)] + [
            pool.submit(gc.run, lambda s, i=i: s.execute(insert(items).values(id=i, name="ok")))
            for i in range(2, 30)
        ]
    errors = [f.exception() for f in futures]
    assert errors[0] is not None
    assert all(e is None for e in errors[1:])
    assert _count(engine) == 29


def test_commit_failure_fails_every_write_of_the_batch_and_stores_nothing(committer) -> None:  # type: ignore[no-untyped-def]
    gc, engine = committer
    real_begin = gc._sessions.begin

    class Boom:
        def __enter__(self) -> Session:
            self.cm = real_begin()
            return self.cm.__enter__()

        def __exit__(self, *exc: object) -> None:
            self.cm.__exit__(RuntimeError, RuntimeError("rollback"), None)
            raise OperationalError("COMMIT", {}, Exception("disk full"))

    gc._sessions.begin = lambda: Boom()  # type: ignore[method-assign]
    with pytest.raises(Unavailable) as info:
        gc.run(lambda s: s.execute(insert(items).values(id=7, name="lost?")))
    assert info.value.code == "store.commit_failed"
    gc._sessions.begin = real_begin  # type: ignore[method-assign]
    assert _count(engine) == 0


def test_an_observer_sees_every_committed_batch_with_its_timings(committer) -> None:  # type: ignore[no-untyped-def]
    gc, _ = committer
    seen: list[BatchTiming] = []
    gc.observer = seen.append

    def write(i: int) -> int:
        return gc.run(lambda s: s.execute(insert(items).values(id=i, name="t")) and i)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(1, 101)))
    assert sum(b.size for b in seen) == 100 == gc.items
    for b in seen:
        assert b.queued_ms >= b.handoff_ms >= 0
        assert min(b.lock_ms, b.handle_ms, b.commit_ms, b.resolve_ms) >= 0
        assert 0 <= b.handle_cpu_ms <= b.held_cpu_ms


def test_a_failing_observer_does_not_stop_the_writer(committer) -> None:  # type: ignore[no-untyped-def]
    gc, engine = committer

    def broken(_: BatchTiming) -> None:
        raise RuntimeError("observer bug")

    gc.observer = broken
    for i in (1, 2, 3):
        gc.run(lambda s, i=i: s.execute(insert(items).values(id=i, name="x")))
    assert _count(engine) == 3


def test_writes_queued_while_another_writer_holds_the_store_join_one_commit(
    database_url: str,
) -> None:
    """The writer waits for its turn on the store before it takes its batch, so what
    queued meanwhile (another process's writer holding a SQLite file) is one commit."""
    engine = make_engine(database_url)
    meta.create_all(engine)
    turn = threading.Lock()

    @contextmanager
    def other_writer_first() -> Iterator[None]:
        with turn:
            yield

    gc = GroupCommitter(session_factory(engine), run_jobs, write_lock=other_writer_first)
    try:
        turn.acquire()  # "the other process" holds the store

        def job(i: int) -> Callable[[Session], object]:
            return lambda s: s.execute(insert(items).values(id=i, name="q"))

        futures = [gc.enqueue(job(0))]
        time.sleep(0.2)  # the writer takes it and waits for its turn
        futures += [gc.enqueue(job(i)) for i in range(1, 20)]  # queued while it waits
        turn.release()
        for f in futures:
            f.result(timeout=10)
        assert (gc.batches, gc.items) == (1, 20)
        assert _count(engine) == 20
    finally:
        gc.close()
        meta.drop_all(engine)
        engine.dispose()
