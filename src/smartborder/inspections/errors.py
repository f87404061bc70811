"""Errors of joint inspections and inspection results (see :mod:`smartborder.errors`)::

ValidationFailed (422; each names its place with a JSON pointer)
├── FindingCodeUnknown      inspection.finding.unknown_code — not one of the stable codes
│                           (the problem lists the allowed ones)
├── OutcomeUnknown          inspection.outcome.unknown — not released, held, seized, returned
├── FacilityUnknown         inspection.facility.unknown — not a facility of the trip's port
└── InspectionInvalid       inspection.invalid — a malformed command or received event
Forbidden
└── NotYourInspection       inspection.not_your_part — an agency acting as the other agency,
                            or on the other agency's single-agency inspection
NotFound
├── InspectionNotFound      inspection.not_found
├── TripNotFound            inspection.trip_not_found
└── ReportNotFound          inspection.report_not_found
Conflict
├── StepOutOfOrder          inspection.step_out_of_order — names the current state and the
│                           allowed next steps
├── ConcurrentChange        inspection.concurrent_change — another command changed the
│                           inspection meanwhile; retry
└── AlreadyInspected        inspection.already_satisfied — a concluded inspection already
                            counts for this agency (mutual recognition); ask again with
                            reinspect and a reason to inspect the truck a second time
"""

from __future__ import annotations

from collections.abc import Sequence

from smartborder.errors import Conflict, Forbidden, NotFound, Problem, ValidationFailed
from smartborder.i18n import Text


class _OneProblem(ValidationFailed):
    """A validation error about one place in the input (its JSON pointer and the same message)."""

    def __init__(self, message: Text, *, pointer: str, extra: dict[str, object]) -> None:
        super().__init__(message, problems=[Problem(pointer, self.code, message)], extra=extra)


class FindingCodeUnknown(_OneProblem):
    code = "inspection.finding.unknown_code"

    def __init__(self, value: object, allowed: Sequence[str], *, pointer: str = "/code") -> None:
        listed = ", ".join(allowed)
        super().__init__(
            Text(
                f"Unknown finding code {value!r}; use one of: {listed}.",
                f"Código de hallazgo desconocido {value!r}; use uno de: {listed}.",
            ),
            pointer=pointer,
            extra={"allowed": list(allowed)},
        )


class OutcomeUnknown(_OneProblem):
    code = "inspection.outcome.unknown"

    def __init__(self, value: object, allowed: Sequence[str]) -> None:
        listed = ", ".join(allowed)
        super().__init__(
            Text(
                f"Unknown inspection outcome {value!r}; use one of: {listed}.",
                f"Resultado de inspección desconocido {value!r}; use uno de: {listed}.",
            ),
            pointer="/outcome",
            extra={"allowed": list(allowed)},
        )


class FacilityUnknown(_OneProblem):
    code = "inspection.facility.unknown"

    def __init__(self, facility: str, port_code: str, allowed: Sequence[str]) -> None:
        listed = ", ".join(allowed) or "none"
        super().__init__(
            Text(
                f"{facility!r} is not an inspection facility of port {port_code}; use one of: {listed}.",
                f"{facility!r} no es una instalación de inspección del puerto {port_code}; use una de: {listed}.",
            ),
            pointer="/facility",
            extra={"allowed": list(allowed), "port_code": port_code},
        )


class InspectionInvalid(ValidationFailed):
    code = "inspection.invalid"
    default_message = Text(
        "The inspection command is not valid.", "La instrucción de inspección no es válida."
    )

    def __init__(self, message: Text | None = None, *, pointer: str = "") -> None:
        message = message or self.default_message
        super().__init__(message, problems=[Problem(pointer, self.code, message)])


class NotYourInspection(Forbidden):
    code = "inspection.not_your_part"
    default_message = Text(
        "An agency acts only for itself, and only on its own inspections or joint ones.",
        "Una agencia actúa solo por sí misma, y solo en sus propias inspecciones o en las conjuntas.",
    )


class InspectionNotFound(NotFound):
    code = "inspection.not_found"

    def __init__(self, inspection_id: str) -> None:
        super().__init__(
            Text(
                f"No inspection {inspection_id} visible to your client.",
                f"No hay una inspección {inspection_id} visible para su cliente.",
            )
        )


class TripNotFound(NotFound):
    code = "inspection.trip_not_found"

    def __init__(self, declaration_id: str) -> None:
        super().__init__(
            Text(
                f"No trip (declaration) {declaration_id} visible to your client.",
                f"No hay un viaje (declaración) {declaration_id} visible para su cliente.",
            )
        )


class ReportNotFound(NotFound):
    code = "inspection.report_not_found"

    def __init__(self, inspection_id: str, agency: str) -> None:
        super().__init__(
            Text(
                f"Inspection {inspection_id} has no report by {agency} (it is issued when {agency} concludes).",
                f"La inspección {inspection_id} no tiene informe de {agency} (se emite cuando {agency} concluye).",
            )
        )


class StepOutOfOrder(Conflict):
    code = "inspection.step_out_of_order"

    def __init__(
        self, state: str, step: str, allowed: Sequence[str], why: Text | None = None
    ) -> None:
        listed = ", ".join(allowed) or "none"
        en = f"The inspection is '{state}': '{step}' is not allowed now; allowed next steps: {listed}."
        es = f"La inspección está en '{state}': '{step}' no se permite ahora; pasos siguientes permitidos: {listed}."
        if why is not None:
            en, es = f"{en} {why.en}", f"{es} {why.es}"
        super().__init__(Text(en, es), extra={"state": state, "allowed": list(allowed)})


class ConcurrentChange(Conflict):
    code = "inspection.concurrent_change"
    default_message = Text(
        "The inspection changed while this command ran; read it again and retry.",
        "La inspección cambió mientras se ejecutaba esta instrucción; léala de nuevo y reintente.",
    )


class AlreadyInspected(Conflict):
    code = "inspection.already_satisfied"

    def __init__(self, agency: str, inspection_id: str, joint: bool) -> None:
        how = (
            ("the joint inspection", "la inspección conjunta")
            if joint
            else ("inspection", "la inspección")
        )
        super().__init__(
            Text(
                f"The trip was inspected for {agency.upper()} already: {how[0]} {inspection_id} "
                "counts for it. To inspect the truck a second time, ask again with reinspect: "
                "true and a reason.",
                f"El viaje ya se inspeccionó para {agency.upper()}: {how[1]} {inspection_id} "
                "cuenta para esa agencia. Para inspeccionar el camión otra vez, pídalo de nuevo "
                "con reinspect: true y un motivo.",
            ),
            extra={"inspection_id": inspection_id},
        )


__all__ = [
    "AlreadyInspected",
    "ConcurrentChange",
    "FacilityUnknown",
    "FindingCodeUnknown",
    "InspectionInvalid",
    "InspectionNotFound",
    "NotYourInspection",
    "OutcomeUnknown",
    "ReportNotFound",
    "StepOutOfOrder",
    "TripNotFound",
]
