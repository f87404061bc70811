"""Multi-row inserts on the group-commit hot path, with SQLAlchemy's types but not its executor.

Why: each submission writes five rows in four tables. Through ``Connection.execute(insert(t),
rows)`` SQLAlchemy spends, per row, more Python than the database spends storing it
(measured with batches of 8 submissions: 179 µs a submission on SQLite and ~280 µs on
PostgreSQL in ``store_many``; the same rows through this module, 66 µs and ~160 µs). What
is kept from SQLAlchemy: the table metadata, identifier quoting, and every column type's own
bind processor (so ``UtcDateTime`` and the dialect's datetime storage apply exactly as in
ORM writes). What is skipped: statement compilation and parameter processing per execution.

SQLite gets a few multi-row ``VALUES`` statements per table (:func:`_chunks`), not an
``executemany``: sqlite3 releases the GIL around every statement step, and an
``executemany`` steps once a row. With the event loop's thread busy, the writer thread may
then wait for the GIL after every row — up to the 5 ms switch interval each — while it holds
the SQLite write lock every other worker's writer waits for. Measured with a busy thread
(``benchmarks/study_writer_gil.py``, 75 rows, insert and commit), in 2 of 5 runs an
``executemany`` took median 52–214 ms, p95 228–407 ms, and the multi-row statements median
0.2–32 ms, p95 9–43 ms; in the other 3 both took median 7–9 ms, p95 18–30 ms. PostgreSQL gets
one multi-row ``VALUES`` statement per table, or one statement for a record and its children
(:func:`insert_with_children`), and COPY for large batches
(:func:`copy_rows`, :func:`copy_insert_ignore`). The stores are SQLite and PostgreSQL only.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.dialects import sqlite

_Processor = Callable[[Any], Any] | None
# Rows per SQLite statement at most: a power of two (so few distinct statements are prepared
# and cached), within the bound parameters a statement may have (32,766 since SQLite 3.32,
# 999 before).
_SQLITE_MAX_ROWS = 256
_SQLITE_MAX_PARAMS = 999 if sqlite3.sqlite_version_info < (3, 32) else 32766


def _chunks(n: int, cap: int) -> Iterator[tuple[int, int]]:
    """``(start, size)`` covering ``n`` rows in slices whose sizes are powers of two ≤ ``cap``
    (largest first: 75 rows → 64, 8, 2, 1), so a table has a handful of statement shapes."""
    start = 0
    while start < n:
        size = min(cap, 1 << ((n - start).bit_length() - 1))
        yield start, size
        start += size


class BulkInsert:
    """``INSERT INTO table`` of many rows given as dicts keyed by column name.

    Columns the rows leave out (autoincrement keys) are left to the database. With
    ``returning`` (a column whose values are new, e.g. fresh ids), rows that conflict with a
    stored row are skipped and :meth:`execute` says which rows went in; with
    ``skip_conflicts`` they are skipped silently.
    """

    def __init__(
        self,
        table: Table,
        columns: Sequence[str],
        *,
        returning: str | None = None,
        skip_conflicts: bool = False,
    ):
        self.table = table
        self.columns = list(columns)
        self.returning = returning
        self.skip_conflicts = skip_conflicts or returning is not None
        self._procs: dict[str, list[_Processor]] = {}
        self._sqlite_sqls: dict[int, str] = {}
        per_statement = max(1, _SQLITE_MAX_PARAMS // max(1, len(self.columns)))
        self._sqlite_cap = 1 << (min(_SQLITE_MAX_ROWS, per_statement).bit_length() - 1)

    def _processors(self, dialect: Dialect) -> list[_Processor]:
        procs = self._procs.get(dialect.name)
        if procs is None:
            procs = [self.table.c[name].type.bind_processor(dialect) for name in self.columns]
            self._procs[dialect.name] = procs
        return procs

    def _values(self, dialect: Dialect, rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
        pairs = list(zip(self.columns, self._processors(dialect), strict=True))
        return [
            tuple(row[name] if proc is None else proc(row[name]) for name, proc in pairs)
            for row in rows
        ]

    def _pg_values(self, dialect: Dialect, rows: Sequence[dict[str, Any]]) -> tuple[str, list[Any]]:
        """``VALUES (…), (…)`` with every placeholder cast to its column's type (a VALUES list
        outside an INSERT has no target columns to type it), and the parameters in order."""
        casts = [f"%s::{self.table.c[n].type.compile(dialect=dialect)}" for n in self.columns]
        one = "(" + ", ".join(casts) + ")"
        flat = [v for row in self._values(dialect, rows) for v in row]
        return "VALUES " + ", ".join([one] * len(rows)), flat

    def _into(self, dialect: Dialect) -> str:
        """``INSERT INTO table (columns)``, quoted for ``dialect``."""
        q = dialect.identifier_preparer
        cols = ", ".join(q.quote(name) for name in self.columns)
        return f"INSERT INTO {q.format_table(self.table)} ({cols})"

    def _sqlite_sql(self, rows: int) -> str:
        """``INSERT … VALUES (?, …), … `` for ``rows`` rows."""
        sql = self._sqlite_sqls.get(rows)
        if sql is None:
            one = "(" + ", ".join("?" * len(self.columns)) + ")"
            sql = f"{self._into(sqlite.dialect())} VALUES " + ", ".join([one] * rows)
            sql += " ON CONFLICT DO NOTHING" if self.skip_conflicts else ""
            self._sqlite_sqls[rows] = sql
        return sql

    def _sqlite_execute(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> set[Any] | None:
        pairs = list(zip(self.columns, self._processors(conn.dialect), strict=True))
        flat = [row[n] if proc is None else proc(row[n]) for row in rows for n, proc in pairs]
        width = len(pairs)
        for start, size in _chunks(len(rows), self._sqlite_cap):
            conn.exec_driver_sql(
                self._sqlite_sql(size), tuple(flat[start * width : (start + size) * width])
            )
        if self.returning is None:
            return None
        # The rows just inserted are those whose (new) key is stored now. One row back (a
        # JSON array), so one statement step: fetching a row per key would step per key.
        q = sqlite.dialect().identifier_preparer
        col, table = q.quote(self.returning), q.format_table(self.table)
        keys = [row[self.returning] for row in rows]
        found: set[Any] = set()
        for start in range(0, len(keys), _SQLITE_MAX_PARAMS):
            part = keys[start : start + _SQLITE_MAX_PARAMS]
            marks = ", ".join("?" * len(part))
            (stored,) = conn.exec_driver_sql(
                f"SELECT json_group_array({col}) FROM {table} WHERE {col} IN ({marks})",
                tuple(part),
            ).one()
            found.update(json.loads(stored))
        return found

    def execute(self, conn: Connection, rows: Sequence[dict[str, Any]]) -> set[Any] | None:
        """Insert ``rows``; with ``returning``, skip conflicting rows and return the set of
        ``returning`` values of the rows actually inserted (else ``None``)."""
        if not rows:
            return set() if self.returning else None
        dialect = conn.dialect
        if dialect.name == "sqlite":
            return self._sqlite_execute(conn, rows)
        if dialect.name != "postgresql":
            raise NotImplementedError(
                f"the store supports SQLite and PostgreSQL, not {dialect.name}"
            )
        values, params = self._pg_values(dialect, rows)
        sql = f"{self._into(dialect)} {values}"
        if self.skip_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        if self.returning is None:
            conn.exec_driver_sql(sql, tuple(params))
            return None
        ret = dialect.identifier_preparer.quote(self.returning)
        return {r[0] for r in conn.exec_driver_sql(f"{sql} RETURNING {ret}", tuple(params))}


def insert_with_children(
    conn: Connection,
    parent: BulkInsert,
    parents: Sequence[dict[str, Any]],
    children: Sequence[tuple[BulkInsert, str, Sequence[dict[str, Any]]]],
) -> set[Any]:
    """Insert ``parents`` skipping conflicts, then the rows of each ``(table, foreign key
    column, rows)`` in ``children`` whose parent went in; returns the parents' ``returning``
    values that went in.

    On PostgreSQL this is one statement (data-modifying CTEs: one round trip for a whole
    group-commit batch instead of one per table, measured ~8 % of a submission's time);
    elsewhere one :meth:`BulkInsert.execute` per table.
    """
    if parent.returning is None:
        raise ValueError("the parent table needs a returning column")
    if not parents:
        return set()
    dialect = conn.dialect
    if dialect.name != "postgresql":
        inserted = parent.execute(conn, parents) or set()
        if inserted:
            for table, fk, rows in children:
                table.execute(conn, [r for r in rows if r[fk] in inserted])
        return inserted
    q = dialect.identifier_preparer
    values, params = parent._pg_values(dialect, parents)
    ret = q.quote(parent.returning)
    parts = [f"new AS ({parent._into(dialect)} {values} ON CONFLICT DO NOTHING RETURNING {ret})"]
    for i, (table, fk, rows) in enumerate(children):
        if not rows:
            continue
        values, more = table._pg_values(dialect, rows)
        params += more
        cols = ", ".join(q.quote(n) for n in table.columns)
        parts.append(
            f"c{i} AS ({table._into(dialect)} SELECT * FROM ({values}) AS x ({cols}) "
            f"WHERE x.{q.quote(fk)} IN (SELECT {ret} FROM new))"
        )
    sql = "WITH " + ", ".join(parts) + f" SELECT {ret} FROM new"
    return {row[0] for row in conn.exec_driver_sql(sql, tuple(params))}


def staging_table(table: str) -> str:
    """The name of ``table``'s staging table (a temporary table of the connection)."""
    return f"{table}_stage"


def copy_rows(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
    *,
    types: Sequence[str] | None = None,
) -> None:
    """PostgreSQL: COPY ``rows`` (tuples in ``columns`` order) into ``table`` — binary when
    the column ``types`` are given (psycopg then skips guessing each value's type)."""
    q = conn.dialect.identifier_preparer
    cols = ", ".join(q.quote(c) for c in columns)
    binary = " (FORMAT BINARY)" if types else ""
    driver = conn.connection.driver_connection
    with (
        driver.cursor() as cur,  # type: ignore[union-attr]
        cur.copy(f"COPY {table} ({cols}) FROM STDIN{binary}") as copy,
    ):
        if types:
            copy.set_types(list(types))
        for row in rows:
            copy.write_row(row)


def copy_insert_ignore(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    conflict: Sequence[str],
    *,
    types: Sequence[str] | None = None,
) -> int:
    """PostgreSQL: insert many ``rows`` (tuples in ``columns`` order), skipping those that
    conflict on ``conflict``; returns how many went in.

    The rows are COPYed into ``table``'s staging table (:func:`staging_table`: a temporary
    table of the connection created on first use with the target's column types, emptied at
    every commit, no index; it keeps this call's rows until the commit, for the caller to
    query), then moved with one ``INSERT … SELECT … ON CONFLICT DO NOTHING``. Measured on a
    month of Border Wait Times readings: ~8 µs a row against ~23 µs through a row-per-
    statement ``executemany``.
    """
    if not rows:
        return 0
    q = conn.dialect.identifier_preparer
    cols = ", ".join(q.quote(c) for c in columns)
    target = q.quote(table)
    stage = f"pg_temp.{q.quote(staging_table(table))}"
    # The target resolves through the search_path like every other statement; DELETE
    # empties what an earlier call in this transaction may have left.
    conn.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {q.quote(staging_table(table))} "
        f"ON COMMIT DELETE ROWS AS SELECT {cols} FROM {target} WITH NO DATA"
    )
    conn.exec_driver_sql(f"DELETE FROM {stage}")
    copy_rows(conn, stage, columns, rows, types=types)
    on = ", ".join(q.quote(c) for c in conflict)
    result = conn.exec_driver_sql(
        f"INSERT INTO {target} ({cols}) SELECT {cols} FROM {stage} ON CONFLICT ({on}) DO NOTHING"
    )
    return max(int(result.rowcount), 0)
