"""The store: the only place that knows SQL. SQLAlchemy 2.0 models, sessions, migrations."""

from smartborder.store.base import Base
from smartborder.store.engine import make_engine, session_factory, transaction
from smartborder.store.migrate import upgrade

__all__ = ["Base", "make_engine", "session_factory", "transaction", "upgrade"]
