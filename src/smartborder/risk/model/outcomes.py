"""Declarations with their inspection outcomes: what the learned model learns from and is
judged on, read from JSON lines or from the store.

One line of an outcomes file is one declaration decided at ``filed_at``::

    {"declaration_id": "…", "filed_at": "2026-03-02T14:05:00+00:00",
     "declaration": {… a truck declaration, as POST /declarations/trucks takes it …},
     "inspected": true, "random_selection": false,
     "findings": ["misdeclared_origin"], "violation": true, "value_usd": 1830.0}

``declaration`` may be left out when the declaration is stored on this node: it is then read
by ``declaration_id`` (an id the store does not know is a problem of that line). ``findings``
are inspection finding codes (``inspections.FindingCode``); ``violation`` must agree with
them (any code but ``no_discrepancy``); a declaration not inspected has no findings and no
label. Every problem of the file is reported at once, by line; nothing is trained from a file
with one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from smartborder.declarations import (
    DeclarationInvalid,
    HSNomenclature,
    TruckShipment,
    parse_declaration,
)
from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.risk.model.errors import OutcomesInvalid

#: The most problems an error lists (a file with a systematic fault has one per line).
MAX_PROBLEMS = 50
_KEYS = frozenset(
    {
        "declaration_id",
        "filed_at",
        "declaration",
        "inspected",
        "random_selection",
        "exploration",
        "findings",
        "violation",
        "value_usd",
    }
)

#: Finding code → whether it is a violation (``inspections.FindingCode`` supplies it).
FindingCodes = Mapping[str, bool]
#: Stored declarations by id: ``{id: (payload, decided_at)}`` for the ids it knows.
StoredLookup = Callable[[list[str]], Mapping[str, tuple[Mapping[str, Any], datetime]]]


@dataclass(frozen=True, slots=True)
class LabelledDeclaration:
    """A truck declaration as decided at ``filed_at`` and what an inspection found, if any."""

    declaration_id: str
    declaration: TruckShipment
    filed_at: datetime
    inspected: bool
    findings: tuple[str, ...] = ()
    violation: bool = False
    value_usd: float = 0.0
    random_selection: bool = False


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.count = 0

    def add(self, line: int, field: str, code: str, en: str, es: str) -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            ptr = f"/lines/{line}" + (f"/{field}" if field else "")
            self.items.append(Problem(ptr, code, Text(en, es)))


def read_outcomes(
    lines: Iterable[bytes | str],
    *,
    source: str,
    finding_codes: FindingCodes,
    stored: StoredLookup | None = None,
    hs: HSNomenclature | None = None,
) -> list[LabelledDeclaration]:
    """Every line of an outcomes file, validated, in the order of ``filed_at``.

    Raises :class:`OutcomesInvalid` listing each problem by line number (1-based): malformed
    JSON, missing or wrong fields, an invalid declaration, a declaration id given twice or
    unknown to the store, an unknown finding code, findings that contradict ``violation``."""
    problems = _Problems()
    pending: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        if not (raw.strip() if isinstance(raw, str) else raw.strip()):
            continue
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            problems.add(
                number,
                "",
                "risk.outcomes.malformed",
                f"Not a JSON object ({exc}).",
                f"No es un objeto JSON ({exc}).",
            )
            continue
        if not isinstance(obj, dict):
            problems.add(
                number,
                "",
                "risk.outcomes.malformed",
                "Each line must be one JSON object.",
                "Cada línea debe ser un objeto JSON.",
            )
            continue
        item = _check_line(number, obj, problems, finding_codes)
        if item is None:
            continue
        did = item["declaration_id"]
        if did in seen:
            problems.add(
                number,
                "declaration_id",
                "risk.outcomes.duplicate",
                f"Declaration {did} is already on line {seen[did]}; give each declaration once.",
                f"La declaración {did} ya está en la línea {seen[did]}; indique cada declaración una vez.",
            )
            continue
        seen[did] = number
        pending.append((number, item))
    missing = [item["declaration_id"] for _, item in pending if item["declaration"] is None]
    found: Mapping[str, tuple[Mapping[str, Any], datetime]] = {}
    if missing and stored is not None:
        found = stored(missing)
    out: list[LabelledDeclaration] = []
    for number, item in pending:
        did = item["declaration_id"]
        payload = item["declaration"]
        filed_at = item["filed_at"]
        if payload is None:
            hit = found.get(did)
            if hit is None:
                problems.add(
                    number,
                    "declaration_id",
                    "risk.outcomes.unknown_declaration",
                    f"Unknown declaration id {did!r}: the line has no 'declaration' and this node stores none with that id.",
                    f"Id de declaración desconocido {did!r}: la línea no trae 'declaration' y este nodo no guarda ninguna con ese id.",
                )
                continue
            payload, decided_at = hit
            filed_at = filed_at or decided_at
        if filed_at is None:
            problems.add(
                number,
                "filed_at",
                "risk.outcomes.field",
                "'filed_at' (when the declaration was decided, ISO 8601 with a time zone) is required.",
                "Se requiere 'filed_at' (cuándo se decidió la declaración, ISO 8601 con zona horaria).",
            )
            continue
        try:
            declaration = parse_declaration(payload, now=filed_at, hs=hs)
        except DeclarationInvalid as exc:
            first = exc.problems[0] if exc.problems else None
            where = f" at {first.pointer}: {first.message.en}" if first else ""
            donde = f" en {first.pointer}: {first.message.es}" if first else ""
            problems.add(
                number,
                "declaration",
                "risk.outcomes.declaration_invalid",
                f"The declaration is not valid ({len(exc.problems)} problem(s)){where}.",
                f"La declaración no es válida ({len(exc.problems)} problema(s)){donde}.",
            )
            continue
        if not isinstance(declaration, TruckShipment):
            problems.add(
                number,
                "declaration/kind",
                "risk.outcomes.not_a_truck",
                "The learned model scores truck shipments; this line is a traveler.",
                "El modelo aprendido evalúa embarques de camión; esta línea es un viajero.",
            )
            continue
        out.append(
            LabelledDeclaration(
                declaration_id=did,
                declaration=declaration,
                filed_at=filed_at,
                inspected=item["inspected"],
                findings=item["findings"],
                violation=item["violation"],
                value_usd=item["value_usd"],
                random_selection=item["random_selection"],
            )
        )
    if problems.count:
        listed = problems.items
        if problems.count > len(listed):
            listed.append(
                Problem(
                    "",
                    "risk.outcomes.more",
                    Text(
                        f"… and {problems.count - len(listed)} more problem(s).",
                        f"… y {problems.count - len(listed)} problema(s) más.",
                    ),
                )
            )
        raise OutcomesInvalid(source, listed)
    out.sort(key=lambda o: o.filed_at)
    return out


def _check_line(
    number: int, obj: dict[str, Any], problems: _Problems, codes: FindingCodes
) -> dict[str, Any] | None:
    before = problems.count
    for key in sorted(set(obj) - _KEYS):
        problems.add(
            number,
            key,
            "risk.outcomes.unknown_key",
            f"Unknown field {key!r}; known: {', '.join(sorted(_KEYS))}.",
            f"Campo desconocido {key!r}; conocidos: {', '.join(sorted(_KEYS))}.",
        )
    did = obj.get("declaration_id")
    if not isinstance(did, str) or not did.strip() or len(did) > 64:
        problems.add(
            number,
            "declaration_id",
            "risk.outcomes.field",
            "'declaration_id' must be text of 1 to 64 characters.",
            "'declaration_id' debe ser texto de 1 a 64 caracteres.",
        )
    payload = obj.get("declaration")
    if payload is not None and not isinstance(payload, dict):
        problems.add(
            number,
            "declaration",
            "risk.outcomes.field",
            "'declaration' must be a JSON object (a truck declaration).",
            "'declaration' debe ser un objeto JSON (una declaración de camión).",
        )
    filed_at = _instant(obj.get("filed_at"))
    if obj.get("filed_at") is not None and filed_at is None:
        problems.add(
            number,
            "filed_at",
            "risk.outcomes.field",
            "'filed_at' must be an ISO 8601 date and time with a time zone.",
            "'filed_at' debe ser una fecha y hora ISO 8601 con zona horaria.",
        )
    if payload is not None and obj.get("filed_at") is None:
        problems.add(
            number,
            "filed_at",
            "risk.outcomes.field",
            "'filed_at' (when the declaration was decided) is required with an inline declaration.",
            "Se requiere 'filed_at' (cuándo se decidió la declaración) con una declaración incluida.",
        )
    inspected = obj.get("inspected")
    flags = {k: obj.get(k, False) for k in ("random_selection", "exploration")}
    if not isinstance(inspected, bool) or not all(isinstance(v, bool) for v in flags.values()):
        problems.add(
            number,
            "inspected",
            "risk.outcomes.field",
            "'inspected' (and 'random_selection', 'exploration' if given) must be true or false.",
            "'inspected' (y 'random_selection', 'exploration' si se dan) deben ser true o false.",
        )
    findings = obj.get("findings", [])
    if not isinstance(findings, list) or not all(isinstance(f, str) for f in findings):
        problems.add(
            number,
            "findings",
            "risk.outcomes.field",
            "'findings' must be a list of finding codes.",
            "'findings' debe ser una lista de códigos de hallazgo.",
        )
        findings = []
    for i, code in enumerate(findings):
        if code not in codes:
            problems.add(
                number,
                f"findings/{i}",
                "risk.outcomes.unknown_finding",
                f"Unknown finding code {code!r}; use one of {', '.join(codes)}.",
                f"Código de hallazgo desconocido {code!r}; use uno de {', '.join(codes)}.",
            )
    violation = obj.get("violation", False)
    value = obj.get("value_usd") or 0.0
    if not isinstance(violation, bool):
        problems.add(
            number,
            "violation",
            "risk.outcomes.field",
            "'violation' must be true or false.",
            "'violation' debe ser true o false.",
        )
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1e12:
        problems.add(
            number,
            "value_usd",
            "risk.outcomes.field",
            "'value_usd' must be a non-negative amount of U.S. dollars.",
            "'value_usd' debe ser un monto no negativo en dólares estadounidenses.",
        )
    if problems.count > before:
        return None
    if inspected is False and (findings or violation):
        problems.add(
            number,
            "findings",
            "risk.outcomes.impossible",
            "A declaration that was not inspected has no findings and no violation.",
            "Una declaración que no se inspeccionó no tiene hallazgos ni infracción.",
        )
        return None
    if inspected and not findings:
        problems.add(
            number,
            "findings",
            "risk.outcomes.impossible",
            "An inspected declaration needs its findings (['no_discrepancy'] when nothing was found).",
            "Una declaración inspeccionada requiere sus hallazgos (['no_discrepancy'] si no se encontró nada).",
        )
        return None
    found_violation = any(codes[c] for c in findings)
    if found_violation != violation or ("no_discrepancy" in findings and len(findings) > 1):
        problems.add(
            number,
            "violation",
            "risk.outcomes.impossible",
            f"'violation' is {str(violation).lower()} but the findings {findings} say {str(found_violation).lower()}; no_discrepancy stands alone.",
            f"'violation' es {str(violation).lower()} pero los hallazgos {findings} indican {str(found_violation).lower()}; no_discrepancy va solo.",
        )
        return None
    return {
        "declaration_id": str(did),
        "declaration": payload,
        "filed_at": filed_at,
        "inspected": bool(inspected),
        "findings": tuple(findings),
        "violation": bool(violation),
        "value_usd": float(value),
        "random_selection": bool(flags["random_selection"]),
    }


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at.astimezone(UTC) if at.tzinfo is not None else None


def outcome_line(item: LabelledDeclaration | Mapping[str, Any]) -> bytes:
    """One JSON line of an outcomes file (the generator and exports write these)."""
    if isinstance(item, LabelledDeclaration):
        item = {
            "declaration_id": item.declaration_id,
            "filed_at": item.filed_at.isoformat(),
            "declaration": item.declaration.model_dump(mode="json"),
            "inspected": item.inspected,
            "random_selection": item.random_selection,
            "findings": list(item.findings),
            "violation": item.violation,
            "value_usd": item.value_usd,
        }
    return orjson.dumps(item) + b"\n"


__all__ = ["FindingCodes", "LabelledDeclaration", "StoredLookup", "outcome_line", "read_outcomes"]
