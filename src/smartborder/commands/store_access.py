"""The configured store for one CLI command: opened, migrated to head, disposed after."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session, sessionmaker

from smartborder.config import Settings
from smartborder.store import make_engine, session_factory, upgrade


@contextmanager
def store_sessions() -> Iterator[sessionmaker[Session]]:
    """Sessions on the configured store (``SMARTBORDER_DB_URL``), migrated to head."""
    settings = Settings()
    settings.ensure_home()
    engine = make_engine(settings.db_url)
    try:
        upgrade(engine)
        yield session_factory(engine)
    finally:
        engine.dispose()
