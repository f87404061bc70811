"""Migrations from two threads of one process (serve --demo: the server and the demo day's
loader) both succeed: Alembic's module-level proxies are used one thread at a time."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import inspect

from smartborder.store import make_engine, upgrade


def test_two_threads_migrating_one_store_both_succeed(tmp_path: Path) -> None:
    engines = [make_engine(f"sqlite:///{tmp_path / 'twice.db'}") for _ in range(4)]
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            for future in [pool.submit(upgrade, e) for e in engines]:
                future.result(timeout=120)
        assert "declarations" in inspect(engines[0]).get_table_names()
    finally:
        for e in engines:
            e.dispose()
