"""Parsing dicts into declarations, with every problem reported at once.

Pydantic collects every field's problem in one pass; this module turns each into a
:class:`~smartborder.errors.Problem` with a JSON pointer (RFC 6901), a stable code and an
English and a Spanish message, and raises them together as :class:`DeclarationInvalid`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, TypeAdapter, ValidationError

from smartborder.declarations.errors import DeclarationInvalid
from smartborder.declarations.hs import HSNomenclature
from smartborder.declarations.messages import CATALOG, render
from smartborder.declarations.traveler import TravelerDeclaration
from smartborder.declarations.truck import TruckShipment
from smartborder.errors import Problem
from smartborder.i18n import Text

Declaration = TruckShipment | TravelerDeclaration

_TYPE_NAMES: dict[str, tuple[str, str]] = {
    "int": ("a whole number", "un número entero"),
    "float": ("a number", "un número"),
    "string": ("text", "texto"),
    "bool": ("true or false", "true o false"),
    "datetime": (
        "an ISO 8601 date and time with offset, e.g. 2026-03-02T08:30:00-08:00",
        "una fecha y hora ISO 8601 con desfase, p. ej. 2026-03-02T08:30:00-08:00",
    ),
    "date": ("an ISO 8601 date, YYYY-MM-DD", "una fecha ISO 8601, AAAA-MM-DD"),
    "list": ("a list", "una lista"),
    "model": ("an object", "un objeto"),
    "dict": ("an object", "un objeto"),
    "enum": ("one of the listed values", "uno de los valores indicados"),
}

_RANGE = {
    "greater_than": (
        "Out of range: must be greater than {gt}.",
        "Fuera de rango: debe ser mayor que {gt}.",
    ),
    "greater_than_equal": (
        "Out of range: must be at least {ge}.",
        "Fuera de rango: debe ser al menos {ge}.",
    ),
    "less_than": (
        "Out of range: must be less than {lt}.",
        "Fuera de rango: debe ser menor que {lt}.",
    ),
    "less_than_equal": (
        "Out of range: must be at most {le}.",
        "Fuera de rango: debe ser como máximo {le}.",
    ),
}


def pointer(loc: tuple[int | str, ...]) -> str:
    """RFC 6901 JSON pointer of a pydantic location."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in loc)


def _problem(err: Any) -> Problem:
    kind: str = err["type"]
    loc: tuple[int | str, ...] = tuple(err["loc"])
    ctx: dict[str, Any] = dict(err.get("ctx") or {})
    at = ctx.pop("at", None)
    ptr = pointer(loc) + (f"/{at}" if at else "")
    if kind in CATALOG:
        return Problem(ptr, kind, render(kind, ctx))
    if "en" in ctx and "es" in ctx:  # another domain's error (e.g. an unknown port)
        return Problem(ptr, kind, Text(str(ctx["en"]), str(ctx["es"])))
    if kind == "missing":
        return Problem(ptr, "declaration.field.missing", CATALOG["declaration.field.missing"])
    if kind == "extra_forbidden":
        return Problem(ptr, "declaration.field.unknown", CATALOG["declaration.field.unknown"])
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected", ""))
        text = render("declaration.field.invalid_choice", {"expected": expected})
        return Problem(
            ptr,
            "declaration.field.invalid_choice",
            Text(text.en, text.es.replace("' or '", "' o '")),
        )
    if kind == "timezone_aware":
        return Problem(ptr, "declaration.arrival.naive", CATALOG["declaration.arrival.naive"])
    if kind in _RANGE:
        en, es = _RANGE[kind]
        return Problem(
            ptr, "declaration.field.out_of_range", Text(en.format(**ctx), es.format(**ctx))
        )
    if kind in ("string_too_short", "too_short"):
        return Problem(
            ptr, "declaration.field.too_short", render("declaration.field.too_short", ctx)
        )
    if kind in ("string_too_long", "too_long"):
        return Problem(ptr, "declaration.field.too_long", render("declaration.field.too_long", ctx))
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return Problem(
            ptr,
            "declaration.field.format",
            Text(
                f"Wrong format: must match {pattern}.",
                f"Formato incorrecto: debe cumplir {pattern}.",
            ),
        )
    base = kind.split("_", 1)[0]
    if base in _TYPE_NAMES and (kind.endswith("_type") or "parsing" in kind or "from" in kind):
        en, es = _TYPE_NAMES[base]
        return Problem(
            ptr, "declaration.field.wrong_type", Text(f"Expected {en}.", f"Se esperaba {es}.")
        )
    return Problem(
        ptr,
        "declaration.field.invalid",
        Text(f"Invalid value: {err['msg']}.", f"Valor no válido: {err['msg']}."),
    )


def problems_of(exc: ValidationError) -> list[Problem]:
    """Every problem of a pydantic validation error, as bilingual :class:`Problem` s."""
    return [_problem(e) for e in exc.errors(include_url=False, include_input=False)]


def _parse(
    model: type[BaseModel], data: Any, now: datetime | None, hs: HSNomenclature | None
) -> Any:
    if not isinstance(data, Mapping):
        raise DeclarationInvalid(
            [
                Problem(
                    "",
                    "declaration.field.wrong_type",
                    Text("Expected a JSON object.", "Se esperaba un objeto JSON."),
                )
            ]
        )
    context = {"now": now or datetime.now(UTC), "hs": hs}
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise DeclarationInvalid(problems_of(exc)) from None


def parse_truck(
    data: Mapping[str, Any], *, now: datetime | None = None, hs: HSNomenclature | None = None
) -> TruckShipment:
    """Validate a truck shipment; raises :class:`DeclarationInvalid` with every problem.

    ``now`` (default: the current time) is the reference for "arrival in the past"; ``hs``, if
    given (see :func:`load_hs`), makes every HS code be checked against the full nomenclature.
    """
    result: TruckShipment = _parse(TruckShipment, data, now, hs)
    return result


def parse_traveler(
    data: Mapping[str, Any], *, now: datetime | None = None, hs: HSNomenclature | None = None
) -> TravelerDeclaration:
    """Validate a traveler declaration; raises :class:`DeclarationInvalid` with every problem."""
    result: TravelerDeclaration = _parse(TravelerDeclaration, data, now, hs)
    return result


def parse_declaration(
    data: Mapping[str, Any], *, now: datetime | None = None, hs: HSNomenclature | None = None
) -> Declaration:
    """Validate a truck shipment or a traveler declaration, chosen by its ``kind``."""
    kind = data.get("kind") if isinstance(data, Mapping) else None
    if kind == "truck":
        return parse_truck(data, now=now, hs=hs)
    if kind == "traveler":
        return parse_traveler(data, now=now, hs=hs)
    code = "declaration.kind.unknown"
    raise DeclarationInvalid([Problem("/kind", code, CATALOG[code])])


_EITHER: TypeAdapter[Declaration] = TypeAdapter(
    Annotated[TruckShipment | TravelerDeclaration, Field(discriminator="kind")]
)
_KINDS = ("truck", "traveler")


def parse_declaration_json(
    raw: bytes | str, *, now: datetime | None = None, hs: HSNomenclature | None = None
) -> Declaration:
    """Validate a declaration straight from its JSON text (faster than ``json.loads`` first).

    Malformed JSON is a problem ``declaration.json.malformed`` at the root; everything else is
    reported as :func:`parse_declaration` reports it.
    """
    context = {"now": now or datetime.now(UTC), "hs": hs}
    try:
        return _EITHER.validate_json(raw, context=context)
    except ValidationError as exc:
        problems: list[Problem] = []
        for err in exc.errors(include_url=False, include_input=False):
            kind = err["type"]
            if kind == "json_invalid":
                problems.append(
                    Problem(
                        "",
                        "declaration.json.malformed",
                        render("declaration.json.malformed", {"detail": err["msg"]}),
                    )
                )
                continue
            if kind in ("union_tag_invalid", "union_tag_not_found"):
                problems.append(
                    Problem(
                        "/kind", "declaration.kind.unknown", CATALOG["declaration.kind.unknown"]
                    )
                )
                continue
            if kind == "model_attributes_type":
                problems.append(
                    Problem(
                        "",
                        "declaration.field.wrong_type",
                        Text("Expected a JSON object.", "Se esperaba un objeto JSON."),
                    )
                )
                continue
            loc = tuple(err["loc"])
            if loc and loc[0] in _KINDS:  # the union's tag comes first in each location
                err = {**err, "loc": loc[1:]}
            problems.append(_problem(err))
        raise DeclarationInvalid(problems) from None


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schemas (2020-12) of the declarations, keyed ``truck-shipment`` and ``traveler``."""
    return {
        "truck-shipment": TruckShipment.model_json_schema(),
        "traveler": TravelerDeclaration.model_json_schema(),
    }
