"""The fast ingest path: the plain-loop parser agrees with the model, and the store's batch
write (COPY on PostgreSQL, with a staging table when ids are already stored) keeps every
promise of ``POST /events``: duplicates counted and named, one transaction, nothing
half-written — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from kpi_testdata import crossing_story, event
from pydantic import ValidationError

from smartborder.kpi import EventsInvalid
from smartborder.kpi.events import CrossingEvent
from smartborder.kpi.ingest import _fast, event_row, ingest_batch, ingest_rows, parse_event_rows
from smartborder.store import kpi as kpi_store
from smartborder.store import transaction

T0 = datetime(2025, 7, 1, 15, 0, tzinfo=UTC)


def _nd(events: list[dict[str, Any]]) -> bytes:
    return b"\n".join(orjson.dumps(e) for e in events) + b"\n"


def _stored_ids(sessions) -> set[str]:  # type: ignore[no-untyped-def]
    with sessions() as s:
        return {r[0] for r in kpi_store.scan_events(s)}


BASE = event("a", "queue_joined", T0, subject="s")

VARIANTS: list[tuple[str, Any]] = [
    ("occurred_at", "2025-07-01T12:00:00+00:00"),
    ("occurred_at", "2025-07-01T12:00:00Z"),
    ("occurred_at", "2025-07-01 12:00:00-06:00"),
    ("occurred_at", "2025-07-01T12:00:00.5+00:00"),
    ("occurred_at", "2025-07-01T12:00:00.1234567Z"),
    ("occurred_at", "2025-07-01T12:00+02:00"),
    ("occurred_at", "20250701T120000+0000"),  # basic format: the model refuses it
    ("occurred_at", "2025-W27-2T12:00:00Z"),  # week date: refused
    ("occurred_at", "2025-07-01T12+02:00"),  # hour only: refused
    ("occurred_at", "2025-07-01T12:00:00+05"),  # offset without minutes: refused
    ("occurred_at", "2025-07-01T12:00:00+05:30:15"),
    ("occurred_at", "2025-07-01T24:00:00Z"),
    ("occurred_at", "2025-07-01T12:00:00+24:00"),
    ("occurred_at", "2025-07-01T12:00:00"),
    ("occurred_at", 1751371200),
    ("event_id", "a\n"),  # ``$`` would let the newline through
    ("event_id", "x" * 64),
    ("event_id", "x" * 65),
    ("event_id", ""),
    ("event_id", "a b"),
    ("event_id", 7),
    ("kind", ["queue_joined"]),  # unhashable where a name belongs
    ("kind", {"v": 1}),
    ("mode", ["commercial"]),
    ("source", []),
    ("direction", None),
    ("crossing", None),
    ("crossing", "123456789"),
    ("crossing", 250401),
    ("port_code", "250"),
    ("port_code", 2504),
    ("port_code", "２５０４"),
    ("precleared", "true"),
    ("precleared", 1),
    ("precleared", None),
    ("subject_ref", "s" * 65),
    ("traveler_class", "trusted_traveler"),
    ("extra_field", 1),
]


@pytest.mark.parametrize(("field", "value"), VARIANTS)
def test_the_fast_path_agrees_with_the_model(field: str, value: Any) -> None:
    obj = {**BASE, field: value}
    try:
        expected = event_row(CrossingEvent.model_validate(obj))
    except ValidationError:
        expected = None
    fast = _fast(obj)
    # The fast path accepts only what the model accepts, with the same row; otherwise it
    # declines and the model decides.
    assert fast is None or fast == expected
    if expected is None:
        with pytest.raises(EventsInvalid) as info:
            parse_event_rows(_nd([BASE, obj]))
        assert all(p.pointer.startswith("/1") for p in info.value.problems)
    else:
        assert parse_event_rows(_nd([BASE, obj])) == [event_row(CrossingEvent(**BASE)), expected]


def test_a_list_where_a_name_belongs_is_a_problem_not_a_crash() -> None:
    with pytest.raises(EventsInvalid) as info:
        parse_event_rows(orjson.dumps([{**BASE, "kind": ["x"], "lane_type": {"a": 1}}]))
    assert {p.pointer for p in info.value.problems} == {"/0/kind", "/0/lane_type"}


def test_new_batch_partly_stored_batch_and_repeats(sessions) -> None:  # type: ignore[no-untyped-def]
    first = ingest_batch(sessions, _nd(crossing_story(200, T0, 10)))
    assert (first.received, first.stored, first.duplicates, first.duplicate_ids) == (
        600,
        600,
        0,
        [],
    )
    # 2 stored before and 1 repeated within the batch, among new ones.
    old = crossing_story(1, T0, 10)
    new = crossing_story(3, T0, 10, prefix="n")
    body = _nd([new[0], old[1], new[1], new[1], old[0], *new[2:]])
    again = ingest_batch(sessions, body)
    assert (again.received, again.stored, again.duplicates) == (12, 9, 3)
    # Repeats within the batch first, then ids stored earlier, in the batch's order.
    assert again.duplicate_ids == [new[1]["event_id"], old[1]["event_id"], old[0]["event_id"]]
    retry = ingest_batch(sessions, body)
    assert (retry.stored, retry.duplicates) == (0, 12)
    assert len(retry.duplicate_ids) == 12
    assert len(_stored_ids(sessions)) == 609


def test_stored_rows_read_back_as_sent(sessions) -> None:  # type: ignore[no-untyped-def]
    evs = [
        {**event("z1", "released", T0 + timedelta(microseconds=7)), "precleared": True},
        {
            **event("z2", "queue_joined", T0, crossing=None),
            "occurred_at": "2025-07-01T09:00:00-06:00",
        },
    ]
    rows = parse_event_rows(_nd(evs))
    ingest_rows(sessions, rows)
    with sessions() as s:
        back = sorted(kpi_store.scan_events(s))
    assert [r[0] for r in back] == ["z1", "z2"]
    for got, sent in zip(back, rows, strict=True):
        assert got[2].astimezone(UTC) == sent[2]
        assert tuple(got[:2]) + tuple(got[3:]) == sent[:2] + sent[3:]


def test_two_batches_in_one_transaction(sessions) -> None:  # type: ignore[no-untyped-def]
    a = parse_event_rows(_nd(crossing_story(3, T0, 10)))
    b = parse_event_rows(_nd(crossing_story(3, T0, 10, prefix="b")))
    ingest_rows(sessions, a[:2])
    now = datetime.now(UTC)
    with transaction(sessions) as s:
        # The second write must not see the first one's rows (PostgreSQL's staging table).
        assert kpi_store.store_event_rows(s, a, received_at=now) == (7, {a[0][0], a[1][0]})
        assert kpi_store.store_event_rows(s, a[:1] + b, received_at=now) == (9, {a[0][0]})
    assert len(_stored_ids(sessions)) == 18


def test_an_error_after_the_write_leaves_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    ingest_rows(sessions, parse_event_rows(_nd(crossing_story(1, T0, 10))))
    rows = parse_event_rows(_nd(crossing_story(50, T0, 10)))  # 3 stored already: staging path
    fresh = parse_event_rows(_nd(crossing_story(50, T0, 10, prefix="f")))  # direct path
    for batch in (rows, fresh):
        with pytest.raises(RuntimeError), transaction(sessions) as s:
            kpi_store.store_event_rows(s, batch, received_at=datetime.now(UTC))
            raise RuntimeError("later step fails")
    assert len(_stored_ids(sessions)) == 3
    # The connection (and its staging table) is usable again.
    report = ingest_rows(sessions, rows)
    assert (report.stored, report.duplicates) == (147, 3)


def test_a_row_the_database_refuses_leaves_nothing(sessions) -> None:  # type: ignore[no-untyped-def]
    rows = parse_event_rows(_nd(crossing_story(10, T0, 10)))
    bad = [*rows[:5], (*rows[5][:9], None, *rows[5][10:]), *rows[6:]]  # precleared is NOT NULL
    with pytest.raises(Exception), transaction(sessions) as s:  # noqa: B017 - the driver's own
        kpi_store.store_event_rows(s, bad, received_at=datetime.now(UTC))
    assert _stored_ids(sessions) == set()


def test_concurrent_batches_sharing_ids(sessions) -> None:  # type: ignore[no-untyped-def]
    shared = crossing_story(200, T0, 10)  # 600 events
    bodies = [
        _nd(shared[::-1] + crossing_story(50, T0, 10, prefix="x")),
        _nd(shared + crossing_story(50, T0, 10, prefix="y")),
        _nd(shared[300:] + shared[:300] + crossing_story(50, T0, 10, prefix="z")),
    ]
    reports: list[Any] = [None] * len(bodies)
    errors: list[BaseException] = []
    start = threading.Barrier(len(bodies))

    def send(i: int) -> None:
        try:
            start.wait()
            reports[i] = ingest_batch(sessions, bodies[i])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert all(r.received == r.stored + r.duplicates == 750 for r in reports)
    assert sum(r.stored for r in reports) == 600 + 3 * 150  # each shared id stored once
    assert len(_stored_ids(sessions)) == 1050


def test_batches_sharing_ids_in_opposite_orders_do_not_deadlock(sessions) -> None:  # type: ignore[no-untyped-def]
    """Batch 1 has written ``a`` and is about to write ``b``; batch 2 holds ``b`` before ``a``.
    Written in id order, batch 2 waits on ``a`` before it takes ``b``, so batch 1 finishes."""
    a, b = parse_event_rows(_nd([event("a-1", "queue_joined", T0), event("b-1", "released", T0)]))
    second: list[Any] = []

    def batch_2() -> None:
        try:
            second.append(ingest_rows(sessions, [b, a]))
        except Exception as exc:  # a deadlock would end here
            second.append(exc)

    with transaction(sessions) as s:
        now = datetime.now(UTC)
        assert kpi_store.store_event_rows(s, [a], received_at=now) == (1, set())
        t = threading.Thread(target=batch_2)
        t.start()
        time.sleep(0.5)  # batch 2 now waits (on PostgreSQL for ``a``; on SQLite for the file)
        assert kpi_store.store_event_rows(s, [b], received_at=now) == (1, set())
    t.join(30)
    assert not t.is_alive()
    assert not isinstance(second[0], Exception), second[0]
    assert (second[0].stored, second[0].duplicates) == (0, 2)
