"""The bilingual landing page: ports, today's decisions by outcome and lane, links."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar, cast

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from smartborder.api.deps import Ctx, DbSession
from smartborder.i18n import Lang, pick_lang
from smartborder.ports import all_ports
from smartborder.store.declarations import decision_counts
from smartborder.store.exchange import inbox_counts, outbox_counts
from smartborder.web import templates

router = APIRouter(tags=["pages"])

_T: dict[Lang, dict[str, Any]] = {
    Lang.EN: {
        "title": "single window",
        "tagline": "one window for pre-arrival data at the U.S.–Mexico border",
        "this_node": "This node",
        "agency_names": {
            "cbp": "U.S. Customs and Border Protection (CBP): it decides the U.S. leg of each trip",
            "anam": "Mexico's Agencia Nacional de Aduanas (ANAM): it decides the Mexican leg of each trip",
            "": "One node deciding as both agencies (demo): entry legs decided here",
        },
        "peer": "Exchanges with the other agency's node",
        "agreement": "Data-sharing agreement",
        "documents": "Documents sent: delivered {delivered:,}, waiting {pending:,}, refused {refused:,}. Received from the peer: applied {applied:,}, waiting to be applied {accepted:,}, refused when applied {refused_in:,}",
        "api_docs": "API documentation",
        "decisions_today": "Today's decisions",
        "no_decisions": "No decisions yet today.",
        "ports": "U.S.–Mexico land ports of entry",
        "port": "Port",
        "kind": "Kind",
        "outcome": "Outcome",
        "lane": "Lane",
        "count": "Count",
        "code": "Code",
        "state": "State",
        "crossings": "Crossings (CBP wait-time numbers)",
        "aduana": "Mexican customs (SAT c_Aduana)",
        "tz": "Time zone",
        "kinds": {"truck": "Truck shipment", "traveler": "Traveler"},
        "direction": "Direction",
        "directions": {"northbound": "Northbound (CBP)", "southbound": "Southbound (ANAM)"},
        "lanes": {
            "general": "General",
            "ready": "Ready Lane",
            "sentri": "SENTRI",
            "fast": "FAST",
            "precleared": "Pre-cleared",
            "secondary_documents": "Secondary: documents",
            "secondary_inspection": "Secondary: inspection",
        },
        "outcomes": {
            "release": "Release",
            "documentary_review": "Documentary review",
            "inspect": "Inspect",
            "deny": "Deny",
            "hold": "Hold",
        },
    },
    Lang.ES: {
        "title": "ventanilla única",
        "tagline": "una sola ventanilla para datos previos al arribo en la frontera México–EE. UU.",
        "this_node": "Este nodo",
        "agency_names": {
            "cbp": "Oficina de Aduanas y Protección Fronteriza de EE. UU. (CBP): decide el tramo estadounidense de cada viaje",
            "anam": "Agencia Nacional de Aduanas de México (ANAM): decide el tramo mexicano de cada viaje",
            "": "Un nodo que decide como ambas agencias (demostración): aquí se deciden los tramos de entrada",
        },
        "peer": "Intercambia con el nodo de la otra agencia",
        "agreement": "Acuerdo de intercambio de datos",
        "documents": "Documentos enviados: entregados {delivered:,}, en espera {pending:,}, rechazados {refused:,}. Recibidos del nodo par: aplicados {applied:,}, en espera de aplicarse {accepted:,}, rechazados al aplicarse {refused_in:,}",
        "api_docs": "Documentación de la API",
        "decisions_today": "Decisiones de hoy",
        "no_decisions": "Aún no hay decisiones hoy.",
        "ports": "Puertos terrestres de entrada EE. UU.–México",
        "port": "Puerto",
        "kind": "Tipo",
        "outcome": "Resultado",
        "lane": "Carril",
        "count": "Cantidad",
        "code": "Clave",
        "state": "Estado",
        "crossings": "Cruces (números de tiempos de espera de CBP)",
        "aduana": "Aduana mexicana (SAT c_Aduana)",
        "tz": "Zona horaria",
        "kinds": {"truck": "Embarque en camión", "traveler": "Viajero"},
        "direction": "Sentido",
        "directions": {"northbound": "Hacia EE. UU. (CBP)", "southbound": "Hacia México (ANAM)"},
        "lanes": {
            "general": "General",
            "ready": "Ready Lane",
            "sentri": "SENTRI",
            "fast": "FAST",
            "precleared": "Prevalidado",
            "secondary_documents": "Secundaria: documentos",
            "secondary_inspection": "Secundaria: inspección",
        },
        "outcomes": {
            "release": "Liberación",
            "documentary_review": "Revisión documental",
            "inspect": "Inspección",
            "deny": "Rechazo",
            "hold": "Retención",
        },
    },
}

# Pages of the other domains (every one is mounted by create_app).
_LINKS = {
    "/dashboard": {Lang.EN: "Dashboard", Lang.ES: "Tablero"},
    "/traveler": {Lang.EN: "May I cross? (travelers)", Lang.ES: "¿Puedo cruzar? (viajeros)"},
    "/twin/compare": {
        Lang.EN: "Port twin: compare scenarios",
        Lang.ES: "Gemelo digital: comparar escenarios",
    },
    "/kpi/bwt.xml": {
        Lang.EN: "Wait-time feed (BWT format)",
        Lang.ES: "Feed de tiempos (formato BWT)",
    },
}


# Today's counts are one GROUP BY over the day's decisions (~100 ms at the demo's 81,000):
# the public page reuses them for a few seconds, so a stream of anonymous requests cannot
# keep the store busy.
COUNTS_TTL_S = 5.0
T = TypeVar("T")
_counts: dict[tuple[str, str, Any], tuple[float, Any]] = {}


def _reused(session: Session, what: str, arg: Any, compute: Callable[[], T]) -> T:
    """``compute()``, reused for ``COUNTS_TTL_S`` per store, ``what`` and ``arg``."""
    key = (str(session.get_bind().engine.url), what, arg)
    hit = _counts.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return cast(T, hit[1])
    value = compute()
    if len(_counts) > 64:
        _counts.clear()
    _counts[key] = (now + COUNTS_TTL_S, value)
    return value


def _today_counts(
    session: Session, start: datetime
) -> list[tuple[str, str, str, str, str | None, int]]:
    return _reused(
        session,
        "decisions",
        start,
        lambda: decision_counts(session, since=start, until=start + timedelta(days=1)),
    )


def exchange_counts(session: Session) -> dict[str, int]:
    """The outbox's and the inbox's documents by state (GROUP BYs over tables that grow with
    every trip: reused like today's counts, not run once per anonymous request)."""

    def count() -> dict[str, int]:
        sent, received = outbox_counts(session), inbox_counts(session)
        return {
            **{k: sent.get(k, 0) for k in ("delivered", "pending", "refused")},
            **{k: received.get(k, 0) for k in ("applied", "accepted")},
            "refused_in": received.get("refused", 0),
        }

    return _reused(session, "exchange", None, count)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def landing(
    request: Request,
    ctx: Ctx,
    session: DbSession,
    lang: Annotated[str | None, Query(description="en or es (else the browser's language)")] = None,
) -> HTMLResponse:
    chosen = pick_lang(lang, request.headers.get("accept-language"))
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    counts = _today_counts(session, start)
    names = {p.code: p.name for p in all_ports()}
    t = _T[chosen]
    rows = [
        {
            "port": f"{names.get(p, p)} ({p})",
            "direction": t["directions"].get(d, d),
            "kind": k,
            "outcome": o,
            "lane": t["lanes"].get(lane or "", lane),
            "count": n,
        }
        for p, d, k, o, lane, n in sorted(
            counts, key=lambda r: (r[0], r[1], r[2], r[3], r[4] or "")
        )
    ]
    totals: Counter[str] = Counter()
    for *_, outcome, _, n in counts:
        totals[outcome] += n
    order = ["release", "documentary_review", "inspect", "hold", "deny"]
    links = [{"href": href, "label": labels[chosen]} for href, labels in _LINKS.items()]
    ports = [
        {
            "code": p.code,
            "name": p.name,
            "state": p.state,
            "crossings": ", ".join(f"{c.name} {c.bwt_number}" for c in p.crossings),
            "aduana": ", ".join(f"{a.code} {a.name}" for a in p.aduanas),
            "tz": p.time_zone,
        }
        for p in all_ports()
    ]
    html = templates.get_template("landing.html").render(
        lang=chosen.value,
        t=t,
        day=start.date().isoformat(),
        outcome_totals=[(o, totals[o]) for o in order if totals[o]],
        rows=rows,
        ports=ports,
        links=links,
        node={
            "agency": t["agency_names"][ctx.settings.agency or ""],
            "peer": ctx.settings.exchange_peer if ctx.link is not None else None,
            "agreement": f"{ctx.agreement.ref} — {ctx.agreement.title.get(chosen.value, '')}",
            "documents": t["documents"].format(**exchange_counts(session))
            if ctx.link is not None
            else None,
        },
    )
    return HTMLResponse(html, headers={"Content-Language": chosen.value})
