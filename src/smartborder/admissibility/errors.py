"""Errors of the admissibility domain (see :mod:`smartborder.errors` for the whole tree)::

InvalidInput
├── PlanInvalid           admissibility.plan_invalid      a plan file breaks the plan format
├── PolicyInvalid         admissibility.policy_invalid    Cedar refused the policies (syntax or schema)
├── TravelerInvalid       admissibility.traveler_invalid  impossible traveler values
└── ScopeInvalid          admissibility.scope_invalid     an activation's regions, ports or instant
Forbidden
└── WrongAgency           admissibility.wrong_agency      only the destination country's agency may
NotFound
├── PlanNotFound          admissibility.plan_not_found
└── VersionNotFound       admissibility.version_not_found
Conflict
├── TransitionOutOfOrder  admissibility.transition_out_of_order  (extra: state, allowed next steps)
└── InForceOverlap        admissibility.in_force_overlap  another version in force there, not superseded

A published version cannot change: the store refuses any update or delete of one with
``smartborder.store.RowImmutable`` (``store.row_immutable``, a Conflict).
"""

from __future__ import annotations

from smartborder.errors import Conflict, Forbidden, NotFound, ValidationFailed
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


class ScopeInvalid(ValidationFailed):
    code = "admissibility.scope_invalid"
    default_message = Text(
        "The activation's scope is not valid: name known regions or ports and an instant with a UTC offset.",
        "El alcance de la activación no es válido: indique regiones o puertos conocidos y un instante con desfase UTC.",
    )


class WrongAgency(Forbidden):
    code = "admissibility.wrong_agency"
    default_message = Text(
        "Only the destination country's agency may do this (CBP for USA, ANAM for MEX).",
        "Solo la agencia del país de destino puede hacer esto (CBP para USA, ANAM para MEX).",
    )


class TransitionOutOfOrder(Conflict):
    code = "admissibility.transition_out_of_order"
    default_message = Text(
        "This step is not allowed in the version's current state; see the allowed next steps.",
        "Este paso no está permitido en el estado actual de la versión; vea los pasos permitidos.",
    )


class InForceOverlap(Conflict):
    code = "admissibility.in_force_overlap"
    default_message = Text(
        "Another version is in force there at that instant; supersede it or choose another scope.",
        "Otra versión está vigente allí en ese instante; sustitúyala o elija otro alcance.",
    )


__all__ = [
    "InForceOverlap",
    "PlanInvalid",
    "PlanNotFound",
    "PolicyInvalid",
    "ScopeInvalid",
    "TransitionOutOfOrder",
    "TravelerInvalid",
    "VersionNotFound",
    "WrongAgency",
]
