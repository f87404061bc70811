"""JSON Schemas of the declarations, public (carriers build their systems on them)."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from smartborder.declarations import json_schemas
from smartborder.errors import NotFound
from smartborder.i18n import Text

router = APIRouter(tags=["schemas"])


@cache
def _schemas() -> dict[str, dict[str, Any]]:
    return json_schemas()


@router.get("/schemas")
def list_schemas() -> dict[str, list[str]]:
    """Names of the published schemas; each is at /schemas/{name}.json."""
    return {"schemas": [f"/schemas/{name}.json" for name in sorted(_schemas())]}


@router.get(
    "/schemas/{name}.json",
    responses={200: {"content": {"application/schema+json": {"schema": {"type": "object"}}}}},
)
def get_schema(name: str) -> JSONResponse:
    """A declaration's JSON Schema (2020-12)."""
    schemas = _schemas()
    if name not in schemas:
        names = ", ".join(sorted(schemas))
        raise NotFound(
            Text(
                f"No schema {name!r}; published: {names}.",
                f"No existe el esquema {name!r}; publicados: {names}.",
            ),
            code="schemas.not_found",
        )
    body = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schemas[name]}
    return JSONResponse(body, media_type="application/schema+json")
