"""The migrations build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from smartborder.store import make_engine, upgrade
from smartborder.store.migrate import downgrade_all
from smartborder.store.tables import load_all


def test_upgrade_from_empty_matches_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        metadata = load_all()
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == [], f"migrations and models differ: {diff}"
        tables = set(inspect(engine).get_table_names())
        assert set(metadata.tables) <= tables
    finally:
        engine.dispose()


def test_upgrade_is_repeatable_and_downgrade_empties(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        upgrade(engine)  # a second run is a no-op, not an error
        downgrade_all(engine)
        left = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert left == set()
    finally:
        engine.dispose()
