"""The bilingual dashboard page and the static assets it loads (served here, never a CDN)."""

from __future__ import annotations

import mimetypes
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from smartborder.errors import NotFound
from smartborder.i18n import Text, pick_lang
from smartborder.ports import all_ports
from smartborder.web import STATIC_DIR, templates
from smartborder.web.dashboard import labels_for, page_config

router = APIRouter(tags=["pages"])

_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}


def _ports() -> list[dict[str, Any]]:
    return [
        {
            "code": p.code,
            "name": p.name,
            "state": p.state,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "time_zone": p.time_zone,
            "crossings": [{"number": c.bwt_number, "name": c.name} for c in p.crossings],
        }
        for p in all_ports()
    ]


@router.get("/dashboard", response_class=HTMLResponse, include_in_schema=False)
def dashboard(
    request: Request,
    lang: Annotated[str | None, Query(description="en or es (else the browser's language)")] = None,
) -> HTMLResponse:
    """The dashboard in ``?lang=en|es`` (default: the browser's Accept-Language)."""
    chosen = pick_lang(lang, request.headers.get("accept-language"))
    html = templates.get_template("dashboard.html").render(
        lang=chosen.value, t=labels_for(chosen), config_json=page_config(chosen, _ports())
    )
    return HTMLResponse(html, headers={"Content-Language": chosen.value})


@router.get("/static/{name:path}", include_in_schema=False)
def static(name: str) -> FileResponse:
    """A file of the package's ``web/static`` folder; nothing outside it is reachable."""
    root = STATIC_DIR.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound(
            Text(f"No static file {name!r}.", f"No existe el archivo estático {name!r}.")
        )
    media = (
        _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    return FileResponse(path, media_type=media, headers={"Cache-Control": "public, max-age=300"})
