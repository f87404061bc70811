"""Alembic migrations, run programmatically (``smartborder db upgrade``).

Each domain owns a branch of revisions rooted at ``0001_base`` (``<domain>_0001``, ...),
so domains can add tables independently; ``upgrade`` brings every branch to its head.
Alembic is imported by the functions that run it: a command that only reads the store (such as
``policy eval``) does not pay for it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# Alembic runs a migration through module-level proxies (``alembic.context``, ``op``): two
# threads of one process migrating at once remove each other's (``KeyError: 'config'``, seen
# when ``serve --demo`` migrated in its main thread while the demo day's thread did).
_ONE_AT_A_TIME = threading.Lock()


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the database at ``engine`` to the head of every branch."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with _ONE_AT_A_TIME, engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def downgrade_all(engine: Engine) -> None:
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with _ONE_AT_A_TIME, engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
