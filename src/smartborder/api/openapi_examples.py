"""Request body examples of the OpenAPI document: what a partner's engineer copies from /docs.

The declarations come from the demo's own builders (:mod:`smartborder.demo.synthetic`), so a
copied truck shipment passes validation as the demo's traffic does: its arrival is tomorrow
(UTC) at the time the document is built (the document is rebuilt each day, see
:func:`smartborder.api.openapi.install`). Every operation with a body has one here; a test
checks none is missing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np

from smartborder.demo import generate_travelers, generate_trucks
from smartborder.inspections import facilities_of

EXAMPLE_PORT = "2304"  # Laredo, TX: the busiest commercial crossing on the border
EXAMPLE_TRAVELER_PORT = "2504"  # San Ysidro, CA
EXAMPLE_SEED = 2026


@cache
def truck_shipment(day: date) -> dict[str, Any]:
    """One valid northbound truck shipment arriving at Laredo on ``day``."""
    rng = np.random.default_rng(EXAMPLE_SEED)
    return generate_trucks(EXAMPLE_PORT, day, 1, rng=rng)[0]


@cache
def traveler(day: date) -> dict[str, Any]:
    """One valid northbound traveler declaration at San Ysidro on ``day``."""
    rng = np.random.default_rng(EXAMPLE_SEED)
    return generate_travelers(EXAMPLE_TRAVELER_PORT, day, 1, rng=rng)[0]


def _bodies(day: date) -> dict[tuple[str, str], dict[str, Any]]:
    """Named examples per operation: ``{name: {"summary", "value"}}``."""
    truck, person = truck_shipment(day), traveler(day)
    at = f"{day.isoformat()}T14:30:00-07:00"
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:web:node.example",
        "validFrom": f"{day.isoformat()}T00:00:00Z",
        "credentialSubject": {"id": "did:web:carrier.example", "name": "Transportes del Norte"},
    }
    presentation = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [],
    }

    def one(summary: str, value: Any) -> dict[str, Any]:
        return {"example": {"summary": summary, "value": value}}

    return {
        ("POST", "/declarations/trucks"): one("A truck shipment (Laredo, northbound)", truck),
        ("POST", "/declarations/travelers"): one("A traveler (San Ysidro)", person),
        ("POST", "/declarations/batch"): one("A truck and a traveler", [truck, person]),
        ("PUT", "/declarations/{declaration_id}"): one("The shipment, amended", truck),
        ("POST", "/declarations/{declaration_id}/state"): one(
            "The truck reached the booth", {"state": "arrived", "note": "lane 3"}
        ),
        ("POST", "/oauth/token"): one(
            "Client credentials in the form (or HTTP Basic)",
            {"grant_type": "client_credentials", "scope": "declarations:write"},
        ),
        ("POST", "/policies"): one("Publish a built-in plan", {"plan": "covid-us-land-2020"}),
        ("POST", "/admissibility/evaluate"): one(
            "May this traveler enter? (under the version in force there and then)",
            {
                "traveler": {
                    "nationality": "MEX",
                    "date_of_birth": "1990-05-01",
                    "purpose": "tourism",
                    "documents": ["border_crossing_card"],
                    "destination_distance_miles": 15,
                    "stay_days": 2,
                },
                "port": EXAMPLE_TRAVELER_PORT,
                "at": at,
            },
        ),
        ("POST", "/plans/{version}/propose"): one(
            "Propose, with its impact on generated traffic",
            {
                "baseline": "covid-us-land-2020",
                "from": at[:10],
                "to": at[:10],
                "generate": {"ports": [EXAMPLE_TRAVELER_PORT], "per_day": 50, "seed": 1},
            },
        ),
        ("POST", "/plans/{version}/activate"): one(
            "In force at San Diego-Tijuana from an instant, replacing the version before",
            {
                "effective_from": at,
                "regions": ["san-diego-tijuana"],
                "supersedes": ["sentri-first-sd-tj@1"],
            },
        ),
        ("POST", "/plans/{version}/withdraw"): one(
            "Withdrawn from an instant", {"effective_from": at, "reason": "reopened"}
        ),
        ("POST", "/admissibility/impact"): one(
            "A plan against the one in force, on generated traffic",
            {
                "plan": "sentri-first-sd-tj",
                "baseline": "covid-us-land-2020",
                "generate": {"ports": [EXAMPLE_TRAVELER_PORT], "per_day": 50, "seed": 1},
            },
        ),
        ("POST", "/events"): one(
            "A car joining the queue",
            [
                {
                    "event_id": "sy-0001",
                    "kind": "queue_joined",
                    "occurred_at": at,
                    "port_code": EXAMPLE_TRAVELER_PORT,
                    "crossing": "250401",
                    "mode": "passenger_vehicle",
                    "lane_type": "general",
                }
            ],
        ),
        ("POST", "/twin/runs"): one(
            "A shipped scenario", {"shipped": "san_ysidro", "replications": 1, "seed": 7}
        ),
        ("POST", "/twin/systems/compare"): one(
            "A new port beside the four busiest ports",
            {"shipped": "otay_mesa_east", "replications": 1, "seed": 0},
        ),
        ("POST", "/twin/joint/compare"): one(
            "What joint inspection saves at Otay Mesa",
            {"shipped": "otay_mesa_both_sides", "replications": 1, "seed": 0},
        ),
        ("POST", "/trust-registry/entries"): one(
            "Accredit an issuer",
            {
                "issuer": "did:web:anam.example",
                "credential_type": "USMCACertificationOfOrigin",
                "country": "MX",
                "name": "ANAM",
            },
        ),
        ("POST", "/credentials/issue"): one(
            "A VC 2.0 credential to sign", {"credential": credential, "options": {}}
        ),
        ("POST", "/credentials/verify"): one(
            "A credential to verify (signed: as issued)",
            {"verifiableCredential": credential, "options": {}},
        ),
        ("POST", "/credentials/status"): one(
            "Revoke a credential",
            {
                "credentialId": "urn:uuid:5d1ad0b4-7f0c-4a59-9d77-1a3a0e6a3c11",
                "credentialStatus": [{"statusPurpose": "revocation", "status": "1"}],
            },
        ),
        ("POST", "/presentations/prove"): one(
            "Sign a presentation", {"presentation": presentation, "options": {}}
        ),
        ("POST", "/presentations/verify"): one(
            "A presentation to verify",
            {"verifiablePresentation": presentation, "options": {"challenge": "c0ffee"}},
        ),
        ("POST", "/presentations"): one(
            "Send a presentation", {"verifiablePresentation": presentation}
        ),
        ("POST", "/presentations/available"): one(
            "Ask what to present", {"query": [{"type": "QueryByExample"}]}
        ),
        ("POST", "/presentations/submissions"): one(
            "Answer an exchange", {"verifiablePresentation": presentation}
        ),
        ("POST", "/declarations/{declaration_id}/inspections"): one(
            "A joint inspection, requested", {"joint": True, "reason": "x-ray image anomaly"}
        ),
        ("POST", "/inspections/{inspection_id}/schedule"): one(
            "At a dock of the trip's port, in an hour",
            {
                "scheduled_for": f"{day.isoformat()}T15:00:00Z",
                "facility": facilities_of(EXAMPLE_PORT)[0],
            },
        ),
        ("POST", "/inspections/{inspection_id}/start"): one("Start (as the caller's agency)", {}),
        ("POST", "/inspections/{inspection_id}/findings"): one(
            "What the acting agency found",
            {
                "findings": [
                    {"code": "misdeclared_quantity", "note": "12 pallets more than declared"}
                ]
            },
        ),
        ("POST", "/inspections/{inspection_id}/conclude"): one(
            "The acting agency's outcome", {"outcome": "released"}
        ),
        ("POST", "/risk/models/{model_id}/promote"): one(
            "Judge on this node's decisions and inspections of the last weeks, at a 5 % rate",
            {"inspection_rate": 0.05, "from": f"{day.isoformat()}T00:00:00Z"},
        ),
        ("POST", "/consular/renewals"): one(
            "Renew the card presented (a vp+jwt answering POST /consular/challenges)",
            {
                "presentation": "eyJhbGciOiJFZERTQSIsImtpZCI6ImRpZDprZXk6ejZNay4uLiN6Nk1rLi4uIiwidHlwIjoidnArand0In0.eyJub25jZSI6Ii4uLiJ9.c2lnbmF0dXJl",
                "contact": {"email": "juan.flores@example.mx"},
            },
        ),
        ("POST", "/exchange/inbox"): one(
            "Documents from the other agency's node (each a compact JWS it signed)",
            {
                "documents": [
                    "eyJhbGciOiJFZERTQSIsImtpZCI6ImRpZDp3ZWI6YW5hbS5leGFtcGxlI2sxIiwidHlwIjoic21hcnRib3JkZXItZXhjaGFuZ2Urand0In0.eyJqdGkiOiIuLi4ifQ.c2lnbmF0dXJl"
                ]
            },
        ),
    }


def attach(op: dict[str, Any], method: str, path: str, *, day: date | None = None) -> None:
    """Give ``op``'s request body (each of its media types) the example of the operation."""
    content = op.get("requestBody", {}).get("content", {})
    if not content:
        return
    examples = _bodies(day or tomorrow()).get((method, path))
    if examples is None:
        return
    for media, body in content.items():
        if media.endswith("json") or media.endswith("form-urlencoded"):
            body["examples"] = examples


def tomorrow() -> date:
    return (datetime.now(UTC) + timedelta(days=1)).date()
