"""Errors of the risk engine (see :mod:`smartborder.errors` for the tree)::

InvalidInput
├── ValidationFailed
│   └── RulesInvalid        risk.rules.invalid — a weight-set file breaks the format; every
│                           problem listed with a JSON pointer into the file (e.g. /rules/3/when/op)
├── RandomRateInvalid       risk.random_rate.invalid — a random examination rate outside [0, 0.2]
└── ReportQueryInvalid      risk.report.invalid — an effectiveness report's period, port,
                            direction or agency is not valid
Forbidden
└── ReportForbidden         risk.report.forbidden — only the agencies (and an admin naming one)
                            read targeting effectiveness
"""

from __future__ import annotations

from smartborder.errors import Forbidden, InvalidInput, Problem, ValidationFailed
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


class RandomRateInvalid(InvalidInput):
    code = "risk.random_rate.invalid"

    def __init__(self, rate: object) -> None:
        super().__init__(
            Text(
                f"The random examination rate {rate!r} is not valid: give a share between 0 and 0.2 (e.g. 0.015 for 1.5 %) in SMARTBORDER_RANDOM_EXAMINATION_RATE.",
                f"La tasa de examen aleatorio {rate!r} no es válida: indique una proporción entre 0 y 0.2 (p. ej. 0.015 para 1.5 %) en SMARTBORDER_RANDOM_EXAMINATION_RATE.",
            ),
            problems=[
                Problem(
                    "/random_examination_rate",
                    "risk.random_rate.invalid",
                    Text("Between 0 and 0.2.", "Entre 0 y 0.2."),
                )
            ],
        )


class ReportQueryInvalid(InvalidInput):
    code = "risk.report.invalid"
    default_message = Text(
        "The effectiveness report's query is not valid.",
        "La consulta del informe de efectividad no es válida.",
    )

    def __init__(self, pointer: str, message: Text) -> None:
        super().__init__(message, problems=[Problem(pointer, self.code, message)])


class ReportForbidden(Forbidden):
    code = "risk.report.forbidden"
    default_message = Text(
        "Only the customs agencies (CBP, ANAM) read targeting effectiveness; an admin names the agency.",
        "Solo las agencias aduaneras (CBP, ANAM) consultan la efectividad de la selección; un administrador indica la agencia.",
    )


__all__ = ["RandomRateInvalid", "ReportForbidden", "ReportQueryInvalid", "RulesInvalid"]
