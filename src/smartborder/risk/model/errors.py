"""Errors of the learned risk model (see :mod:`smartborder.errors` for the tree)::

ValidationFailed
├── OutcomesInvalid    risk.outcomes.invalid — an outcomes file (JSON lines) has malformed
│                      lines, unknown declaration ids, unknown finding codes or findings that
│                      contradict the line's ``violation``; every problem names its line
└── ModelFileInvalid   risk.model.file_invalid — a model file is unreadable or not one
InvalidInput
├── NotEnoughData      risk.model.not_enough_data — too few labelled declarations (or no
│                      violation, or no clean inspection) in the period to train or judge
└── PeriodNotLater     risk.model.period_not_later — evaluating or promoting on outcomes none
                       of which is later than the model's training period
NotFound
└── ModelNotFound      risk.model.not_found
Conflict
├── PromotionRefused   risk.model.promotion_refused — the model does not beat the weight set;
│                      the figures of both are in ``extra``
└── NothingToDemote    risk.model.not_deciding — demoting a model that is not the one deciding
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from smartborder.errors import Conflict, InvalidInput, NotFound, Problem, ValidationFailed
from smartborder.i18n import Text


class OutcomesInvalid(ValidationFailed):
    code = "risk.outcomes.invalid"

    def __init__(self, source: str, problems: list[Problem]) -> None:
        super().__init__(
            Text(
                f"The outcomes file {source} is not valid ({len(problems)} problem(s)); each is listed by line (/lines/N is line N of the file). Nothing was trained or changed.",
                f"El archivo de resultados {source} no es válido ({len(problems)} problema(s)); cada uno se indica por línea (/lines/N es la línea N del archivo). No se entrenó ni cambió nada.",
            ),
            problems=problems,
            extra={"source": source},
        )


class ModelFileInvalid(ValidationFailed):
    code = "risk.model.file_invalid"

    def __init__(self, source: str, why: str) -> None:
        super().__init__(
            Text(
                f"{source} is not a SmartBorder risk model file: {why}.",
                f"{source} no es un archivo de modelo de riesgo de SmartBorder: {why}.",
            ),
            extra={"source": source},
        )


class NotEnoughData(InvalidInput):
    code = "risk.model.not_enough_data"

    def __init__(self, what: str, *, labelled: int, violations: int, needed: str) -> None:
        super().__init__(
            Text(
                f"Not enough data to {what}: {labelled} labelled (inspected) declaration(s), {violations} with a violation; {needed}. Nothing was trained, scored or promoted.",
                f"No hay datos suficientes para {_ES_WHAT.get(what, what)}: {labelled} declaración(es) etiquetada(s) (inspeccionada(s)), {violations} con infracción; {needed}. No se entrenó, evaluó ni promovió nada.",
            ),
            extra={"labelled": labelled, "violations": violations},
        )


_ES_WHAT = {"train": "entrenar", "evaluate": "evaluar", "promote": "promover"}


class PeriodNotLater(InvalidInput):
    code = "risk.model.period_not_later"

    def __init__(self, trained_until: datetime, last: datetime) -> None:
        super().__init__(
            Text(
                f"The model was trained on outcomes up to {trained_until.isoformat()}, and these outcomes end at {last.isoformat()}: none is from a later period, and a model is judged only on outcomes later than it learned from. Give outcomes filed after {trained_until.isoformat()}.",
                f"El modelo se entrenó con resultados hasta {trained_until.isoformat()}, y estos resultados terminan el {last.isoformat()}: ninguno es de un periodo posterior, y un modelo solo se evalúa con resultados posteriores a los de su entrenamiento. Use resultados presentados después de {trained_until.isoformat()}.",
            ),
            extra={"trained_until": trained_until.isoformat(), "last_filed_at": last.isoformat()},
        )


class ModelNotFound(NotFound):
    code = "risk.model.not_found"

    def __init__(self, model_id: str) -> None:
        super().__init__(
            Text(
                f"No risk model {model_id!r} is registered on this node (smartborder risk train registers one).",
                f"No hay un modelo de riesgo {model_id!r} registrado en este nodo (smartborder risk train registra uno).",
            ),
            extra={"model_id": model_id},
        )


class PromotionRefused(Conflict):
    code = "risk.model.promotion_refused"

    def __init__(self, figures: dict[str, Any]) -> None:
        m, w = figures["model"], figures["weight_set"]
        rate = figures["inspection_rate"]
        super().__init__(
            Text(
                f"Not promoted: at the inspection rate {rate:.2%}, the model's precision {m['precision']:.3f} ({m['hits']}/{m['inspected']}) does not beat the weight set's {w['precision']:.3f} ({w['hits']}/{w['inspected']}) on the later outcomes.",
                f"No se promovió: con la tasa de inspección {rate:.2%}, la precisión del modelo {m['precision']:.3f} ({m['hits']}/{m['inspected']}) no supera la del conjunto de pesos {w['precision']:.3f} ({w['hits']}/{w['inspected']}) en los resultados posteriores.",
            ),
            extra={"evaluation": figures},
        )


class NothingToDemote(Conflict):
    code = "risk.model.not_deciding"

    def __init__(self, model_id: str, deciding: str) -> None:
        super().__init__(
            Text(
                f"Model {model_id} is not the risk version deciding (it is {deciding}); nothing was changed.",
                f"El modelo {model_id} no es la versión de riesgo que decide (es {deciding}); no se cambió nada.",
            ),
            extra={"model_id": model_id, "deciding": deciding},
        )


__all__ = [
    "ModelFileInvalid",
    "NothingToDemote",
    "ModelNotFound",
    "NotEnoughData",
    "OutcomesInvalid",
    "PeriodNotLater",
    "PromotionRefused",
]
