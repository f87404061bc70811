"""Bulk inserts store exactly what SQLAlchemy's own inserts store, and skip conflicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
)

from smartborder.store import make_engine
from smartborder.store.base import UtcDateTime
from smartborder.store.bulk import BulkInsert, _chunks, copy_insert_ignore, insert_with_children

meta = MetaData()
things = Table(
    "bulk_things",
    meta,
    Column("id", String(36), primary_key=True),
    Column("owner", String(20)),
    Column("key", String(20)),
    Column("at", UtcDateTime()),
    Column("score", Float, nullable=True),
    Column("body", Text, nullable=True),
    UniqueConstraint("owner", "key"),
)
notes = Table(
    "bulk_notes",
    meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("thing_id", String(36)),
    Column("text", Text),
)


@pytest.fixture
def engine(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    meta.create_all(engine)
    yield engine
    meta.drop_all(engine)
    engine.dispose()


def _row(i: int, *, key: str | None = None) -> dict[str, object]:
    mexico = timezone(timedelta(hours=-6))
    return {
        "id": f"id-{i}",
        "owner": "carrier",
        "key": key or f"k{i}",
        "at": datetime(2026, 11, 28, 10, 30, i, 123456, tzinfo=mexico),
        "score": None if i % 2 else i / 3,
        "body": '{"á": "ñ"}' if i % 2 else None,
    }


def test_bulk_rows_read_back_as_sqlalchemy_inserted_rows(engine) -> None:  # type: ignore[no-untyped-def]
    bulk = BulkInsert(things, [c.name for c in things.columns])
    with engine.begin() as conn:
        bulk.execute(conn, [_row(1), _row(2)])
        conn.execute(insert(things), [{**_row(1), "id": "ref-1", "key": "r1"}])
    with engine.connect() as conn:
        got = {r.id: r for r in conn.execute(select(things))}
    assert got["id-1"].at == datetime(2026, 11, 28, 16, 30, 1, 123456, tzinfo=UTC)
    assert got["id-1"].at.tzinfo is not None and got["id-1"].body == '{"á": "ñ"}'
    assert got["id-2"].score == pytest.approx(2 / 3) and got["id-2"].body is None
    # the same values through SQLAlchemy's insert read back the same way
    ref, bulk_row = got["ref-1"], got["id-1"]
    assert (ref.at, ref.score, ref.body) == (bulk_row.at, bulk_row.score, bulk_row.body)


def test_returning_skips_conflicts_and_names_the_rows_inserted(engine) -> None:  # type: ignore[no-untyped-def]
    bulk = BulkInsert(things, [c.name for c in things.columns], returning="id")
    with engine.begin() as conn:
        assert bulk.execute(conn, [_row(1), _row(2)]) == {"id-1", "id-2"}
    with engine.begin() as conn:
        # id-3 reuses (owner, key) of id-1: skipped; id-4 is new
        got = bulk.execute(conn, [_row(3, key="k1"), _row(4)])
    assert got == {"id-4"}
    with engine.connect() as conn:
        assert sorted(r.id for r in conn.execute(select(things.c.id))) == ["id-1", "id-2", "id-4"]


def test_autoincrement_keys_are_left_to_the_database(engine) -> None:  # type: ignore[no-untyped-def]
    bulk = BulkInsert(notes, ["thing_id", "text"])
    with engine.begin() as conn:
        assert (
            bulk.execute(conn, [{"thing_id": "a", "text": "x"}, {"thing_id": "b", "text": "y"}])
            is None
        )
        assert bulk.execute(conn, []) is None
    with engine.connect() as conn:
        ids = sorted(r.id for r in conn.execute(select(notes.c.id)))
    assert len(ids) == 2 and ids[0] != ids[1]


def test_children_follow_only_the_parents_that_went_in(engine) -> None:  # type: ignore[no-untyped-def]
    parent = BulkInsert(things, [c.name for c in things.columns], returning="id")
    child = BulkInsert(notes, ["thing_id", "text"])
    with engine.begin() as conn:
        assert insert_with_children(conn, parent, [_row(1)], [(child, "thing_id", [])]) == {"id-1"}
    with engine.begin() as conn:
        got = insert_with_children(
            conn,
            parent,
            [_row(2, key="k1"), _row(3)],  # id-2 conflicts with id-1's (owner, key)
            [
                (
                    child,
                    "thing_id",
                    [{"thing_id": "id-2", "text": "no"}, {"thing_id": "id-3", "text": "yes"}],
                )
            ],
        )
    assert got == {"id-3"}
    with engine.connect() as conn:
        assert [(r.thing_id, r.text) for r in conn.execute(select(notes))] == [("id-3", "yes")]
    with engine.begin() as conn, pytest.raises(ValueError):
        insert_with_children(conn, child, [{"thing_id": "x", "text": "y"}], [])


def test_copy_insert_ignore_skips_conflicts_twice_in_one_transaction(engine) -> None:  # type: ignore[no-untyped-def]
    if engine.dialect.name != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    cols = ("id", "owner", "key", "at")
    at = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    with engine.begin() as conn:
        first = [("a", "o", "k1", at), ("b", "o", "k2", at)]
        assert copy_insert_ignore(conn, "bulk_things", cols, first, ("owner", "key")) == 2
        again = [("c", "o", "k2", at), ("d", "o", "k3", at)]  # k2 is stored: skipped
        assert copy_insert_ignore(conn, "bulk_things", cols, again, ("owner", "key")) == 1
    with engine.connect() as conn:
        assert sorted(r.id for r in conn.execute(select(things.c.id))) == ["a", "b", "d"]
        assert conn.execute(select(things.c.at).where(things.c.id == "d")).scalar_one() == at


def test_many_rows_go_in_a_few_statements_and_conflicts_are_still_skipped(engine) -> None:  # type: ignore[no-untyped-def]
    bulk = BulkInsert(things, ["id", "owner", "key"], returning="id")
    first = [{"id": f"a{i}", "owner": "o", "key": f"k{i}"} for i in range(1000)]
    # 1,300 rows: more than one statement's rows (512 at most);
    # 100 of them reuse stored (owner, key) pairs
    more = [{"id": f"b{i}", "owner": "o", "key": f"k{i + 900}"} for i in range(1300)]
    with engine.begin() as conn:
        assert bulk.execute(conn, first) == {r["id"] for r in first}
        assert bulk.execute(conn, more) == {f"b{i}" for i in range(100, 1300)}
    with engine.connect() as conn:
        assert len(list(conn.execute(select(things.c.id)))) == 2200


def test_sqlite_statements_take_power_of_two_slices_of_the_rows() -> None:
    assert list(_chunks(75, 64)) == [(0, 64), (64, 8), (72, 2), (74, 1)]
    assert list(_chunks(300, 128)) == [(0, 128), (128, 128), (256, 32), (288, 8), (296, 4)]
    assert list(_chunks(0, 64)) == []
