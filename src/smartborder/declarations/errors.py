"""Errors of declarations (see :mod:`smartborder.errors` for the whole tree)::

ValidationFailed
└── DeclarationInvalid     declaration.invalid — every problem at once, each with a pointer
"""

from __future__ import annotations

from smartborder.errors import Problem, ValidationFailed
from smartborder.i18n import Text


class DeclarationInvalid(ValidationFailed):
    """A declaration failed validation; ``problems`` lists every problem found, not just the first."""

    code = "declaration.invalid"
    default_message = Text(
        "The declaration has problems; each is listed with its location (JSON pointer) and how to fix it.",
        "La declaración tiene problemas; cada uno se indica con su ubicación (puntero JSON) y cómo corregirlo.",
    )

    def __init__(self, problems: list[Problem]) -> None:
        n = len(problems)
        message = Text(
            f"The declaration has {n} problem{'s' if n != 1 else ''}; each is listed with its location (JSON pointer) and how to fix it.",
            f"La declaración tiene {n} problema{'s' if n != 1 else ''}; cada uno se indica con su ubicación (puntero JSON) y cómo corregirlo.",
        )
        super().__init__(message, problems=problems)


__all__ = ["DeclarationInvalid"]
