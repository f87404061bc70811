"""Errors of the admissibility domain (see :mod:`smartborder.errors` for the whole tree)::

InvalidInput
├── PlanInvalid           admissibility.plan_invalid      a plan file breaks the plan format
├── PolicyInvalid         admissibility.policy_invalid    Cedar refused the policies (syntax or schema)
└── TravelerInvalid       admissibility.traveler_invalid  impossible traveler values
NotFound
├── PlanNotFound          admissibility.plan_not_found
└── VersionNotFound       admissibility.version_not_found

A published version cannot change: the store refuses any update or delete of one with
``smartborder.store.RowImmutable`` (``store.row_immutable``, a Conflict).
"""

from __future__ import annotations

from smartborder.errors import NotFound, ValidationFailed
from smartborder.i18n import Text


class PlanInvalid(ValidationFailed):
    code = "admissibility.plan_invalid"
    default_message = Text(
        "The plan is not valid; each problem is listed with where it is. Fix the plan file and retry.",
        "El plan no es válido; cada problema se indica con su ubicación. Corrija el archivo del plan y reintente.",
    )


class PolicyInvalid(ValidationFailed):
    code = "admissibility.policy_invalid"
    default_message = Text(
        "Cedar refused the policies (syntax or schema); nothing was published. See each problem.",
        "Cedar rechazó las políticas (sintaxis o esquema); no se publicó nada. Vea cada problema.",
    )


class TravelerInvalid(ValidationFailed):
    code = "admissibility.traveler_invalid"
    default_message = Text(
        "The traveler record has impossible values; correct the fields listed.",
        "El registro del viajero tiene valores imposibles; corrija los campos indicados.",
    )


class PlanNotFound(NotFound):
    code = "admissibility.plan_not_found"
    default_message = Text(
        "No such plan. List the plans with `smartborder policy list` or GET /policies.",
        "No existe ese plan. Liste los planes con `smartborder policy list` o GET /policies.",
    )


class VersionNotFound(NotFound):
    code = "admissibility.version_not_found"
    default_message = Text(
        "No such published policy version. List versions with `smartborder policy list`.",
        "No existe esa versión publicada. Liste las versiones con `smartborder policy list`.",
    )


__all__ = [
    "PlanInvalid",
    "PlanNotFound",
    "PolicyInvalid",
    "TravelerInvalid",
    "VersionNotFound",
]
