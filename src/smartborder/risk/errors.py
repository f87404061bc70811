"""Errors of the risk engine (see :mod:`smartborder.errors` for the tree)::

ValidationFailed
└── RulesInvalid     risk.rules.invalid — a weight-set file breaks the format; every problem
                     listed with a JSON pointer into the file (e.g. /rules/3/when/op)
"""

from __future__ import annotations

from smartborder.errors import Problem, ValidationFailed
from smartborder.i18n import Text


class RulesInvalid(ValidationFailed):
    code = "risk.rules.invalid"
    default_message = Text(
        "The risk rules file is not valid; each problem is listed with its location in the file.",
        "El archivo de reglas de riesgo no es válido; cada problema se indica con su ubicación en el archivo.",
    )

    def __init__(self, source: str, problems: list[Problem]) -> None:
        super().__init__(
            Text(
                f"The risk rules file {source} is not valid ({len(problems)} problem(s)); each is listed with its location in the file.",
                f"El archivo de reglas de riesgo {source} no es válido ({len(problems)} problema(s)); cada uno se indica con su ubicación en el archivo.",
            ),
            problems=problems,
            extra={"source": source},
        )


__all__ = ["RulesInvalid"]
