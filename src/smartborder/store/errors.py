"""Errors the store raises itself (see :mod:`smartborder.errors` for the whole tree)::

Conflict
└── RowImmutable          store.row_immutable     a published, insert-only row cannot change

The store imports no domain: a domain that wants its own name for one of these catches it
where it writes.
"""

from __future__ import annotations

from smartborder.errors import Conflict
from smartborder.i18n import Text


class RowImmutable(Conflict):
    code = "store.row_immutable"
    default_message = Text(
        "A published record cannot be changed or deleted; publish a new version instead.",
        "Un registro publicado no se puede modificar ni borrar; publique una versión nueva.",
    )


__all__ = ["RowImmutable"]
