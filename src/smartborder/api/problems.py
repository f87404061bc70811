"""RFC 9457 problem details: the one place that maps SmartBorder errors to HTTP.

Every problem carries RFC 9457's members (``type``, ``title``, ``status``, ``detail``,
``instance``), the error's stable ``code``, and ``message``: the W3C CCG Traceability Interop
profile's error member. On the profile's routes (the VC-API) ``message`` is the profile's own
sentence for the case (its conformance suite matches it exactly, in English); elsewhere it is
the English ``detail``. A domain value in an error's ``extra`` never replaces these members
(a credential type travels as ``credential_type``).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from smartborder import errors as e
from smartborder.i18n import Lang, Text, negotiate

log = logging.getLogger("smartborder.api")

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://smartborder.dev/problems/"

_STATUS: list[tuple[type[e.SmartBorderError], int]] = [
    (e.ValidationFailed, 422),
    (e.InvalidInput, 400),
    (e.Unauthenticated, 401),
    (e.Forbidden, 403),
    (e.NotFound, 404),
    (e.Conflict, 409),
    (e.TooLarge, 413),
    (e.RateLimited, 429),
    (e.Unavailable, 503),
]

_TITLES: dict[int, Text] = {
    400: Text("Bad request", "Solicitud incorrecta"),
    401: Text("Unauthorized", "No autenticado"),
    403: Text("Forbidden", "Prohibido"),
    404: Text("Not found", "No encontrado"),
    405: Text("Method not allowed", "Método no permitido"),
    409: Text("Conflict", "Conflicto"),
    413: Text("Payload too large", "Contenido demasiado grande"),
    415: Text("Unsupported media type", "Tipo de contenido no soportado"),
    422: Text("Unprocessable content", "Contenido no procesable"),
    429: Text("Too many requests", "Demasiadas solicitudes"),
    500: Text("Internal error", "Error interno"),
    503: Text("Service unavailable", "Servicio no disponible"),
}


#: Path prefixes of the Traceability Interop profile's routes (the VC-API and its identities).
PROFILE_PATHS = ("/credentials", "/presentations", "/identifiers", "/orgs/")

# The profile's ``message`` for each case (its OpenAPI's error responses, matched verbatim by
# w3c-ccg/traceability-interop's conformance suite): by error code first, then by status.
_PROFILE_BY_CODE: dict[str, str] = {
    "auth.missing_scope": "Forbidden: OAuth2 bearer token does not have the required scope",
    "credentials.did.invalid": "Bad Request: Invalid DID",
    "credentials.issuer.unknown": "Unknown Issuer: Unable to issue credentials for specified issuer",
}
_PROFILE_BY_STATUS: dict[int, str] = {
    400: "Bad Request: Your request body does not conform to the required schema",
    401: "Unauthorized: This endpoint requires an OAuth2 bearer token",
    404: "Not Found: The requested resource could not be found",
}

#: Members a problem's ``extra`` may not replace, and where a colliding domain value goes.
_RESERVED = frozenset({"type", "title", "status", "detail", "instance", "code", "message"})
_RENAMED = {"type": "credential_type"}


def profile_message(path: str, status: int, code: str, detail: str) -> str:
    """The ``message`` member of a problem answered on ``path``."""
    if path.startswith(PROFILE_PATHS):
        by_code = _PROFILE_BY_CODE.get(code)
        if by_code is not None:
            return by_code
        if status != 403:  # the profile's 403 sentence is about scopes only
            return _PROFILE_BY_STATUS.get(status, detail)
    return detail


def _merge_extra(body: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if key in _RESERVED:
            key = _RENAMED.get(key, f"{key}_value")
        body[key] = value


def status_of(exc: e.SmartBorderError) -> int:
    for kind, status in _STATUS:
        if isinstance(exc, kind):
            return status
    return 500


def problem_response(
    status: int,
    code: str,
    detail: Text,
    lang: Lang,
    *,
    instance: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + code,
        "title": _TITLES.get(status, _TITLES[500]).get(lang),
        "status": status,
        "detail": detail.get(lang),
        "code": code,
        "message": profile_message(instance or "", status, code, detail.en),
    }
    if instance:
        body["instance"] = instance
    if extra:
        _merge_extra(body, extra)
    hdrs = {"Content-Language": lang.value, **(headers or {})}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=hdrs)


def _lang(request: Request) -> Lang:
    return negotiate(request.headers.get("accept-language"))


def error_response(request: Request, exc: e.SmartBorderError) -> JSONResponse:
    lang = _lang(request)
    status = status_of(exc)
    extra: dict[str, Any] = dict(exc.extra)
    if exc.problems:
        extra["errors"] = [p.to_dict(lang) for p in exc.problems]
    headers: dict[str, str] = {}
    if status == 401:
        # The token endpoint authenticates clients with HTTP Basic (RFC 6749 section 5.2);
        # everything else takes a bearer token (RFC 6750).
        basic = request.url.path == "/oauth/token"
        headers["WWW-Authenticate"] = 'Basic realm="smartborder"' if basic else "Bearer"
    if status == 429 and isinstance(extra.get("retry_after_s"), int | float):
        headers["Retry-After"] = str(max(1, math.ceil(extra["retry_after_s"])))  # RFC 9110 10.2.3
    return problem_response(
        status,
        exc.code,
        exc.message,
        lang,
        instance=request.url.path,
        extra=extra,
        headers=headers or None,
    )


def unexpected_response(request: Request, exc: Exception) -> JSONResponse:
    """A 500 problem for a bug: logged with its traceback, never shown to the caller."""
    log.error("unexpected error on %s", request.url.path, exc_info=exc)
    return problem_response(
        500,
        "internal",
        Text(
            "An unexpected error occurred; it has been logged. Nothing was stored.",
            "Ocurrió un error inesperado; quedó registrado. No se guardó nada.",
        ),
        _lang(request),
        instance=request.url.path,
    )


def _pointer(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts) if parts else ""


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into problem+json (never a bare 500)."""

    async def on_domain(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, e.SmartBorderError)
        return error_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        problems = []
        for err in exc.errors():
            kind = str(err.get("type", "invalid"))
            msg = str(err.get("msg", "invalid value"))
            loc = tuple(err.get("loc", ()))
            if kind == "json_invalid":
                text = Text(
                    f"The body is not valid JSON: {err.get('ctx', {}).get('error', msg)}.",
                    f"El cuerpo no es JSON válido: {err.get('ctx', {}).get('error', msg)}.",
                )
            else:
                text = Text(msg, f"Valor no válido ({kind}): {msg}")
            problems.append(e.Problem(_pointer(loc), f"request.{kind}", text))
        first_json = any(p.code == "request.json_invalid" for p in problems)
        err_cls = e.InvalidInput if first_json else e.ValidationFailed
        code = "request.malformed_json" if first_json else "request.invalid"
        return error_response(request, err_cls(code=code, problems=problems))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        status = exc.status_code
        title = _TITLES.get(status, Text(str(exc.detail), str(exc.detail)))
        return problem_response(
            status,
            f"http.{status}",
            title,
            _lang(request),
            instance=request.url.path,
            headers=dict(exc.headers or {}),
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        return unexpected_response(request, exc)

    app.add_exception_handler(e.SmartBorderError, on_domain)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
