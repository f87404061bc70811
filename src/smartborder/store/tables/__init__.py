"""Table definitions, one module per domain (``store/tables/<domain>.py``).

:func:`load_all` imports every module here so that ``Base.metadata`` knows every table
(used by Alembic and by the test that migrations match the models).
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import MetaData

from smartborder.store.base import Base


def load_all() -> MetaData:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")
    return Base.metadata
