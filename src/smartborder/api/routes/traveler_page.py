"""The traveler's bilingual self-check page (``GET /traveler``); it posts to the public
``POST /admissibility/evaluate``, so the page and the API can never disagree."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from smartborder.admissibility import (
    DOCUMENT_LABELS,
    DOCUMENT_TYPES,
    PROGRAMS,
    PURPOSE_LABELS,
    PURPOSES,
)
from smartborder.i18n import pick_lang
from smartborder.ports import all_ports
from smartborder.web import templates
from smartborder.web.traveler import labels_for, page_config

router = APIRouter(tags=["pages"])

# Scripts and styles only from this node; the page posts only to this node; no framing.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)


@router.get("/traveler", response_class=HTMLResponse, include_in_schema=False)
def traveler_page(
    request: Request,
    lang: Annotated[str | None, Query(description="en or es (else the browser's language)")] = None,
) -> HTMLResponse:
    """May I cross? in ``?lang=en|es`` (default: the browser's Accept-Language)."""
    chosen = pick_lang(lang, request.headers.get("accept-language"))
    ports = [
        {"code": p.code, "name": p.name, "state": p.state, "time_zone": p.time_zone}
        for p in all_ports()
    ]
    config = page_config(
        chosen,
        ports,
        purposes={p: PURPOSE_LABELS[p] for p in PURPOSES},
        documents={d: DOCUMENT_LABELS[d] for d in DOCUMENT_TYPES},
        programs=PROGRAMS,
    )
    html = templates.get_template("traveler.html").render(
        lang=chosen.value, t=labels_for(chosen), config_json=config
    )
    return HTMLResponse(
        html,
        headers={
            "Content-Language": chosen.value,
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
