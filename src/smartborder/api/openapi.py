"""The OpenAPI document at ``/openapi.json``, told as the API really answers.

FastAPI documents each operation's success and a 422 ``HTTPValidationError`` in
``application/json``; SmartBorder answers every error as an RFC 9457 problem
(``application/problem+json``, see :mod:`smartborder.api.problems`). :func:`install` makes the
generated document say so, deriving each operation's error answers from facts about its route
rather than from a list kept by hand:

- any input (parameters or a body) → 400 (the domain refuses it) and 422 (validation);
- a body → 413 (over ``SMARTBORDER_MAX_BODY_BYTES``) and 408 (a served node's body deadline);
- a bearer token in its dependencies → 401 and 403, and the ``bearerAuth`` security scheme;
- a path parameter → 404; the public rate limit in its dependencies → 429;
- every operation → 503 (a served node sheds load with 503 and ``Retry-After``).

Codes a route answers for its own reasons (409 on a conflicting write, 404 of a lookup by
query) are declared with ``responses=`` on the route; every 4xx and 5xx response, derived or
declared, carries the :data:`PROBLEM` schema. The declarations' JSON Schemas (served at
``/schemas/{name}.json``) are embedded under ``components`` so the document stands alone, and
every request body carries an example (:mod:`smartborder.api.openapi_examples`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from smartborder.api import openapi_examples
from smartborder.api.deps import current_principal, optional_principal
from smartborder.api.problems import PROBLEM_JSON
from smartborder.api.ratelimit import public_rate_limit
from smartborder.declarations import json_schemas

PROBLEM_REF = "#/components/schemas/Problem"

PROBLEM: dict[str, Any] = {
    "title": "Problem",
    "description": (
        "RFC 9457 problem details. `code` is stable (clients branch on it); `title` and "
        "`detail` are in the language of `Accept-Language` (English or Spanish). Other "
        "members may follow (`retry_after_s` on a 429, a profile's `message`)."
    ),
    "type": "object",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string", "description": "A URI naming the problem's kind."},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable code, e.g. `auth.missing_scope`."},
        "instance": {"type": "string", "description": "The request path."},
        "errors": {
            "type": "array",
            "description": "Every problem found in the input at once.",
            "items": {"$ref": "#/components/schemas/ProblemItem"},
        },
    },
    "additionalProperties": True,
}

PROBLEM_ITEM: dict[str, Any] = {
    "title": "ProblemItem",
    "type": "object",
    "required": ["pointer", "code"],
    "properties": {
        "pointer": {"type": "string", "description": "JSON pointer into the input."},
        "code": {"type": "string"},
        "message": {"type": "string"},
    },
    "additionalProperties": True,
}

_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying (RFC 9110 §10.2.3).",
        "schema": {"type": "integer", "minimum": 1},
    }
}

#: What each derived status means, for the response's description (and its headers).
ANSWERS: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("Bad request: malformed JSON, or input the domain refuses (`code` says why).", {}),
    401: (
        "No valid bearer token: missing, expired, or of a disabled client.",
        {
            "WWW-Authenticate": {
                "description": "`Bearer` (`Basic` on the token endpoint).",
                "schema": {"type": "string"},
            }
        },
    ),
    403: ("The token lacks a scope this operation needs, or the caller may not do this.", {}),
    404: ("Nothing the caller may see at this address.", {}),
    408: ("The request body did not arrive in time (a served node's body deadline).", {}),
    409: ("Conflicts with what is stored.", {}),
    413: ("Body over the node's limit (`SMARTBORDER_MAX_BODY_BYTES`).", {}),
    422: ("Validation failed: `errors` lists every problem, each with a JSON pointer.", {}),
    429: ("Too many requests from this caller.", _RETRY_AFTER),
    503: ("The node is at capacity, or a service it needs is down.", _RETRY_AFTER),
}

SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A token from `POST /oauth/token` (OAuth2 client credentials).",
    },
    "clientBasic": {
        "type": "http",
        "scheme": "basic",
        "description": "The client id and secret (or as form fields).",
    },
}

#: Operations of route modules documented here rather than on the route (modules whose
#: owners keep them apart from this one): status codes they answer for their own reasons,
#: and a success media type other than JSON.
EXTRA_CODES: dict[tuple[str, str], tuple[int, ...]] = {
    ("POST", "/oauth/token"): (401, 429),
    ("POST", "/credentials/issue"): (409,),  # a credential id the organization already used
    ("POST", "/credentials/status"): (404,),
    ("POST", "/presentations"): (409,),
    ("POST", "/presentations/submissions"): (409,),
    ("POST", "/exchange/inbox"): (404,),  # a node with no agency or peer exchanges nothing
    # a concluded inspection already counts for the agency (mutual recognition)
    ("POST", "/declarations/{declaration_id}/inspections"): (409,),
}
SUCCESS_MEDIA: dict[tuple[str, str], str] = {
    ("GET", "/credentials/status-lists/{list_id}"): "application/vc+jwt",
}


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and so ``/openapi.json`` and ``/docs``) tell the truth."""
    generate = app.openapi
    built_for: list[date] = []  # the examples' arrival day: the document is rebuilt daily

    def openapi() -> dict[str, Any]:
        day = openapi_examples.tomorrow()
        if app.openapi_schema is None or built_for != [day]:
            app.openapi_schema = None
            document = generate()
            tell_the_truth(document, api_routes(app), day=day)
            app.openapi_schema = document
            built_for[:] = [day]
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def api_routes(app: FastAPI) -> list[Any]:
    """The app's API routes as the document sees them (included routers' dependencies and
    prefixes applied): FastAPI 0.165 includes routers lazily, so ``app.routes`` holds the
    routers, not their routes."""
    contexts = getattr(routing, "iter_route_contexts", None)
    if contexts is None:
        return [r for r in app.routes if isinstance(r, APIRoute)]
    return [c for c in contexts(app.routes) if isinstance(c.original_route, APIRoute)]


def tell_the_truth(document: dict[str, Any], routes: list[Any], *, day: date | None = None) -> None:
    """Rewrite FastAPI's ``document`` in place: problem answers, schemes, schemas, examples."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = copy.deepcopy(PROBLEM)
    schemas["ProblemItem"] = copy.deepcopy(PROBLEM_ITEM)
    components["securitySchemes"] = copy.deepcopy(SECURITY_SCHEMES)
    embedded = _embed_declaration_schemas(schemas)
    for route in routes:
        if not route.include_in_schema:
            continue
        calls = set(_calls(route.dependant))
        for method in sorted(route.methods):
            op = document["paths"][route.path_format][method.lower()]
            _document_operation(op, method, route.path_format, calls)
            _link_body_schema(op, embedded, schemas)
            openapi_examples.attach(op, method, route.path_format, day=day)
    # FastAPI's validation-error schemas answer nothing here: validation errors are problems.
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)


def answers(op: dict[str, Any], method: str, path: str, calls: set[Callable[..., Any]]) -> set[int]:
    """The problem statuses an operation can answer, from facts about its route."""
    codes = {503}
    params = op.get("parameters", [])
    body = "requestBody" in op
    if params or body:
        codes |= {400, 422}
    if body:
        codes |= {408, 413}
    if any(p.get("in") == "path" for p in params):
        codes.add(404)
    if current_principal in calls or optional_principal in calls:
        codes |= {401, 403}
    if public_rate_limit in calls:
        codes.add(429)
    codes |= set(EXTRA_CODES.get((method, path), ()))
    return codes


def _document_operation(
    op: dict[str, Any], method: str, path: str, calls: set[Callable[..., Any]]
) -> None:
    responses: dict[str, Any] = op.setdefault("responses", {})
    for code in answers(op, method, path, calls):
        description, headers = ANSWERS[code]
        answer = responses.setdefault(str(code), {"description": description})
        if code == 422 or not answer.get("description"):
            answer["description"] = description
        if headers:
            answer["headers"] = headers
    for status, answer in responses.items():
        if status[0] in "45":
            answer["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}
    media = SUCCESS_MEDIA.get((method, path))
    if media:
        for status, answer in responses.items():
            if status.startswith("2"):
                answer["content"] = {media: {"schema": {"type": "string"}}}
    if current_principal in calls:
        op["security"] = [{"bearerAuth": []}]
    elif optional_principal in calls:
        op["security"] = [{}, {"bearerAuth": []}]
    elif (method, path) == ("POST", "/oauth/token"):
        op["security"] = [{"clientBasic": []}, {}]


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dep in dependant.dependencies:
        if dep.call is not None:
            yield dep.call
        yield from _calls(dep)


def _embed_declaration_schemas(schemas: dict[str, Any]) -> dict[str, str]:
    """Put the declarations' JSON Schemas under ``components/schemas``;
    ``/schemas/<name>.json`` → the component's reference."""
    refs: dict[str, str] = {}
    for name, schema in json_schemas().items():
        title = str(schema.get("title", name))
        schemas[title] = _hoist_defs(schema, schemas)
        refs[f"/schemas/{name}.json"] = f"#/components/schemas/{title}"
    return refs


def _hoist_defs(schema: Any, schemas: dict[str, Any]) -> Any:
    """``schema`` with every ``$defs`` in it moved to ``components/schemas`` and the
    references rewritten (a pydantic schema's ``#/$defs/X`` means its own root, not the
    document's). A name already taken by another schema gets the owner's title in front."""
    if isinstance(schema, list):
        return [_hoist_defs(v, schemas) for v in schema]
    if not isinstance(schema, dict):
        return schema
    if "$defs" not in schema:
        return {k: _hoist_defs(v, schemas) for k, v in schema.items()}
    schema = dict(schema)
    defs: dict[str, Any] = schema.pop("$defs")
    renamed: dict[str, str] = {}
    for name, definition in defs.items():
        target = name
        if name in schemas and schemas[name] != definition:
            target = f"{schema.get('title', 'Schema')}_{name}"
        renamed[f"#/$defs/{name}"] = f"#/components/schemas/{target}"
    for name, definition in defs.items():
        target = renamed[f"#/$defs/{name}"].rsplit("/", 1)[1]
        schemas[target] = _hoist_defs(_rewrite_refs(definition, renamed), schemas)
    return _hoist_defs(_rewrite_refs(schema, renamed), schemas)


def _rewrite_refs(node: Any, renamed: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {
            k: renamed.get(v, v) if k == "$ref" else _rewrite_refs(v, renamed)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(v, renamed) for v in node]
    return node


def _link_body_schema(
    op: dict[str, Any], embedded: dict[str, str], schemas: dict[str, Any]
) -> None:
    for media in op.get("requestBody", {}).get("content", {}).values():
        ref = media.get("schema", {}).get("$ref")
        if ref in embedded:
            media["schema"] = {"$ref": embedded[ref]}
        elif "schema" in media:
            media["schema"] = _hoist_defs(media["schema"], schemas)
