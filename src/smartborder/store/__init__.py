"""The store: the only place that knows SQL. SQLAlchemy 2.0 models, sessions, migrations."""

from smartborder.store.base import Base
from smartborder.store.connection import LazySessions, make_engine, session_factory, transaction
from smartborder.store.errors import RowImmutable
from smartborder.store.migrate import upgrade
from smartborder.store.refresh import Refresher

__all__ = [
    "Base",
    "LazySessions",
    "Refresher",
    "RowImmutable",
    "make_engine",
    "session_factory",
    "transaction",
    "upgrade",
]
