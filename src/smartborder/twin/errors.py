"""Errors of the port twin (see :mod:`smartborder.errors` for the tree)::

InvalidInput
├── ScenarioInvalid       twin.scenario_invalid   a scenario file or body breaks a rule
└── CalibrationFailed     twin.calibration_failed the data cannot support a calibration
NotFound
└── RunNotFound           twin.run_not_found      no twin run with that id
Unavailable
└── ClusterUnavailable    twin.cluster_unavailable the Dask scheduler cannot be reached
"""

from __future__ import annotations

from smartborder.errors import InvalidInput, NotFound, Unavailable
from smartborder.i18n import Text


class ScenarioInvalid(InvalidInput):
    code = "twin.scenario_invalid"
    default_message = Text(
        "The scenario is not valid; each problem is listed with where it is and how to fix it.",
        "El escenario no es válido; cada problema se indica con su ubicación y cómo corregirlo.",
    )


class CalibrationFailed(InvalidInput):
    code = "twin.calibration_failed"
    default_message = Text(
        "The data given cannot calibrate this port: check the port code and the files.",
        "Los datos dados no permiten calibrar este puerto: revise el código del puerto y los archivos.",
    )


class RunNotFound(NotFound):
    code = "twin.run_not_found"
    default_message = Text(
        "No twin run with this id; start one with POST /twin/runs.",
        "No hay una corrida del gemelo con este id; inicie una con POST /twin/runs.",
    )


class ClusterUnavailable(Unavailable):
    code = "twin.cluster_unavailable"
    default_message = Text(
        "The Dask scheduler cannot be reached; check the address (tcp://HOST:PORT) or omit it.",
        "No se puede contactar al planificador Dask; revise la dirección (tcp://HOST:PORT) u omítala.",
    )


__all__ = ["CalibrationFailed", "ClusterUnavailable", "RunNotFound", "ScenarioInvalid"]
