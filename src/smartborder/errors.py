"""The one error tree of SmartBorder.

Every error a caller can act on derives from :class:`SmartBorderError` and carries a stable
``code`` (dotted, e.g. ``declaration.invalid``) and a message in English and Spanish. The
API maps the *kind* (the second level below) to an HTTP status and RFC 9457 problem details;
the CLI maps it to a message and exit code 1. Domains subclass the kinds::

    SmartBorderError                      code "error"
    ├── InvalidInput        (400/422)     the request or file is malformed or breaks a rule
    │   └── ValidationFailed              several problems at once, each with a JSON pointer
    ├── Unauthenticated     (401)         no or bad credentials / token
    ├── Forbidden           (403)         authenticated but lacks the scope or role
    ├── NotFound            (404)         no such record, or not visible to this tenant
    ├── Conflict            (409)         idempotency key reused with other content, duplicates
    ├── TooLarge            (413)         a body or file over the configured limit
    ├── RateLimited         (429)         too many requests from one client
    └── Unavailable         (503)         a dependency (database, cluster) cannot be reached

Domain errors live in each domain's ``errors.py`` and subclass one of the kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from smartborder.i18n import Lang, Text


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in an input: where (JSON pointer), what (stable code), and why."""

    pointer: str
    code: str
    message: Text

    def to_dict(self, lang: Lang | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"pointer": self.pointer, "code": self.code}
        if lang is None:
            out["message_en"] = self.message.en
            out["message_es"] = self.message.es
        else:
            out["message"] = self.message.get(lang)
        return out


class SmartBorderError(Exception):
    """Root of the tree. ``code`` is stable; ``message`` is a bilingual :class:`Text`."""

    code: ClassVar[str] = "error"
    default_message: ClassVar[Text] = Text("An error occurred.", "Ocurrió un error.")

    def __init__(
        self,
        message: Text | None = None,
        *,
        code: str | None = None,
        problems: list[Problem] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message: Text = message or self.default_message
        if code is not None:
            self.code = code  # type: ignore[misc]  # an instance may refine its class's code
        self.problems: list[Problem] = list(problems or [])
        self.extra: dict[str, Any] = dict(extra or {})
        super().__init__(self.message.en)

    def __str__(self) -> str:
        head = f"[{self.code}] {self.message.en}"
        if not self.problems:
            return head
        lines = [head] + [f"  {p.pointer or '/'}: {p.code}: {p.message.en}" for p in self.problems]
        return "\n".join(lines)


class InvalidInput(SmartBorderError):
    code = "invalid_input"
    default_message = Text("The input is not valid.", "La entrada no es válida.")


class ValidationFailed(InvalidInput):
    code = "validation_failed"
    default_message = Text(
        "The input has problems; each is listed with where it is and how to fix it.",
        "La entrada tiene problemas; cada uno se indica con su ubicación y cómo corregirlo.",
    )


class Unauthenticated(SmartBorderError):
    code = "unauthenticated"
    default_message = Text(
        "Authentication is required: send a valid bearer token from POST /oauth/token.",
        "Se requiere autenticación: envíe un token bearer válido obtenido de POST /oauth/token.",
    )


class Forbidden(SmartBorderError):
    code = "forbidden"
    default_message = Text(
        "Your client is not allowed to do this.", "Su cliente no tiene permiso para hacer esto."
    )


class NotFound(SmartBorderError):
    code = "not_found"
    default_message = Text("Not found.", "No encontrado.")


class Conflict(SmartBorderError):
    code = "conflict"
    default_message = Text(
        "This conflicts with a record already stored.",
        "Esto entra en conflicto con un registro ya guardado.",
    )


class TooLarge(SmartBorderError):
    code = "too_large"
    default_message = Text(
        "The request body is larger than allowed.", "El cuerpo de la solicitud excede lo permitido."
    )


class RateLimited(SmartBorderError):
    code = "rate_limited"
    default_message = Text(
        "Too many requests; wait a moment and retry.",
        "Demasiadas solicitudes; espere un momento y reintente.",
    )


class Unavailable(SmartBorderError):
    code = "unavailable"
    default_message = Text(
        "A service SmartBorder depends on is unavailable; retry later.",
        "Un servicio del que depende SmartBorder no está disponible; reintente más tarde.",
    )


__all__ = [
    "Conflict",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "Problem",
    "RateLimited",
    "SmartBorderError",
    "TooLarge",
    "Unauthenticated",
    "Unavailable",
    "ValidationFailed",
]
