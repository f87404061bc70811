"""PostgreSQL for the benchmarks: a fresh schema per run on the machine's server, dropped after.

The URL names the schema twice: in ``search_path`` (every table the run creates goes there)
and as ``application_name`` (so a benchmark can find its own backends in pg_stat_activity).
"""

from __future__ import annotations

import os
import uuid

import psycopg

PG_URL = os.environ.get(
    "SMARTBORDER_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_ADMIN = PG_URL.replace("+psycopg", "")


def pg_available() -> bool:
    try:
        with psycopg.connect(_ADMIN, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def fresh_schema_url(prefix: str) -> str | None:
    """A SQLAlchemy URL on a new, empty schema ``<prefix>_<random>``; None if unreachable."""
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(_ADMIN, autocommit=True, connect_timeout=2) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.Error:
        return None
    return f"{PG_URL}?options=-csearch_path%3D{schema}&application_name={schema}"


def schema_of(url: str) -> str:
    return url.rsplit("application_name=", 1)[1]


def drop_schema(url: str) -> None:
    """Drop the schema :func:`fresh_schema_url` made (nothing for another URL)."""
    if url.startswith("postgresql") and "application_name=" in url:
        with psycopg.connect(_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema_of(url)}" CASCADE')
