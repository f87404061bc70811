"""The VC-API of the W3C CCG Traceability Interoperability spec, with its OAuth2 scopes.

Thin HTTP over :class:`smartborder.credentials.CredentialService`; errors are domain
errors mapped to problem+json by :mod:`smartborder.api.problems`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import APIRouter, Body, Depends, Request
from fastapi.responses import Response

from smartborder.api.deps import Ctx, DbSession, require_scopes
from smartborder.api.ratelimit import public_rate_limit
from smartborder.clients import Principal
from smartborder.credentials import CredentialService
from smartborder.credentials.datamodel import is_url
from smartborder.credentials.errors import DidNotFound
from smartborder.credentials.holder import PresentationResult
from smartborder.credentials.vcapi_profile import (
    ProfileVerificationResult,
    issue_request,
    object_member,
    options_of,
    status_request,
    verify_request,
    with_verifications,
)
from smartborder.i18n import Text

router = APIRouter(tags=["credentials"])

#: A request body as sent (none at all included): its shape is the profile's to check (400,
#: never FastAPI's 422).
JsonBody = Annotated[Any, Body()]


async def service(ctx: Ctx) -> CredentialService:
    """The node's credential service (one per node: its schema validators and resolver
    caches are reused)."""
    return ctx.credential_service


Service = Annotated[CredentialService, Depends(service)]


def _scope(name: str) -> Any:
    return Depends(require_scopes(name))


def _now() -> datetime:
    return datetime.now(UTC)


# --- credentials ------------------------------------------------------------------------------


@router.post("/credentials/issue", status_code=201, summary="Issue a credential (issueCredential)")
def issue_credential(
    svc: Service,
    session: DbSession,
    caller: Annotated[Principal, _scope("issue:credentials")],
    body: JsonBody = None,
) -> dict[str, Any]:
    """Body ``{"credential": {...}, "options": {"format": "vc+jwt"|"dc+sd-jwt", "cryptosuite":
    "eddsa-rdfc-2022"|…, "disclosable": [...], "holderJwk": {...}, "credentialStatus": true}}``.
    The credential names its ``@context`` and ``issuer`` (your organization's did:web: another
    issuer is a 422); a credential that breaks VC Data Model 2.0 or its type's schema is
    refused with 400."""
    credential, options = issue_request(body, issuer=svc.identities.did(caller.org))
    vc = svc.issue(session, org=caller.org, credential=credential, options=options, now=_now())
    return {"verifiableCredential": vc}


@router.post(
    "/credentials/verify",
    summary="Verify a credential (verifyCredential)",
    response_model=ProfileVerificationResult,
)
def verify_credential(
    svc: Service,
    session: DbSession,
    _: Annotated[Principal, _scope("verify:credentials")],
    body: JsonBody = None,
) -> dict[str, Any]:
    """Body ``{"verifiableCredential": <object, JWT or enveloped>, "options": {"challenge",
    "domain"}}``; answers which checks ran, warnings and errors (``verified`` false on failure),
    and the profile's ``verifications`` (title, good or bad, why).
    A malformed request (no credential, or one of the wrong JSON kinds) is a 400."""
    vc, options = verify_request(body)
    return with_verifications(svc.verify(session, vc, options=options, now=_now()))


@router.post("/credentials/status", summary="Update a credential's status (updateCredentialStatus)")
def update_status(
    svc: Service,
    session: DbSession,
    caller: Annotated[Principal, _scope("update:credentials")],
    body: JsonBody = None,
) -> dict[str, Any]:
    """Body ``{"credentialId": "...", "credentialStatus": [{"statusPurpose": "revocation",
    "status": "1"}]}``; only the issuing organization may change it."""
    credential_id, _ = status_request(body)  # 400 before any lookup
    return svc.update_status(
        session,
        org=caller.org,
        credential_id=credential_id,
        updates=body["credentialStatus"],
        now=_now(),
    )


@router.get(
    "/credentials/status-lists/{list_id}",
    summary="A published status list credential (application/vc+jwt)",
    dependencies=[Depends(public_rate_limit)],
    response_class=Response,
)
def status_list(list_id: str, svc: Service, session: DbSession) -> Response:
    """Public: the signed Bitstring Status List credential, as verifiers fetch it."""
    token = svc.status_list(session, list_id, now=_now())
    return Response(token, media_type="application/vc+jwt", headers={"Cache-Control": "max-age=60"})


@router.get(
    "/credentials/types",
    summary="Credential types this node knows a schema for",
    dependencies=[Depends(public_rate_limit)],
)
def credential_types(svc: Service) -> dict[str, Any]:
    return {"types": svc.types.names()}


@router.get("/credentials/{credential_id:path}", summary="A credential your organization issued")
def get_credential(
    credential_id: str,
    svc: Service,
    session: DbSession,
    caller: Annotated[Principal, _scope("read:credentials")],
) -> dict[str, Any]:
    """404 for a credential issued by another organization, as for one that does not exist."""
    return {"verifiableCredential": svc.get(session, org=caller.org, credential_id=credential_id)}


# --- presentations ----------------------------------------------------------------------------


@router.post(
    "/presentations/prove", status_code=201, summary="Sign a presentation (provePresentation)"
)
def prove_presentation(
    svc: Service,
    caller: Annotated[Principal, _scope("prove:presentations")],
    body: JsonBody = None,
) -> dict[str, Any]:
    """Body ``{"presentation": {...}, "options": {"challenge", "domain", "cryptosuite"}}``; the
    holder is your organization's did:web."""
    presentation = object_member(body, "presentation")
    options = options_of(body)
    vp = svc.prove(org=caller.org, presentation=presentation, options=options, now=_now())
    return {"verifiablePresentation": vp}


@router.post("/presentations/verify", summary="Verify a presentation (verifyPresentation)")
def verify_presentation(
    svc: Service,
    session: DbSession,
    _: Annotated[Principal, _scope("verify:presentations")],
    body: JsonBody = None,
) -> PresentationResult:
    vp = object_member(body, "verifiablePresentation")
    return svc.verify_presentation(session, vp, options=options_of(body), now=_now())


@router.post("/presentations", summary="Send a presentation (submitPresentationWithOAuth2Security)")
def submit_presentation(
    svc: Service,
    session: DbSession,
    caller: Annotated[Principal, _scope("submit:presentations")],
    body: JsonBody = None,
) -> PresentationResult:
    """Body: a TraceablePresentation (``{"verifiablePresentation": {...}}`` or the presentation
    itself). Stored with its verification result; an id already received is a 409 Conflict."""
    vp = object_member(body, "verifiablePresentation", required=False) or body
    return svc.receive(session, org=caller.org, presentation=vp, channel="oauth2", now=_now())


@router.post(
    "/presentations/available",
    summary="Start a presentation exchange (notifyPresentationAvailable)",
)
def presentation_available(
    svc: Service,
    session: DbSession,
    caller: Annotated[Principal, _scope("submit:presentations")],
    body: JsonBody = None,
) -> dict[str, Any]:
    """Answers the query with a ``challenge`` and ``domain`` the presentation's proof must carry."""
    query = object_member(body, "query", required=False)
    return svc.open_exchange(session, org=caller.org, query=query, now=_now())


@router.post(
    "/presentations/submissions", summary="End a presentation exchange (storePresentation)"
)
def presentation_submission(
    svc: Service,
    session: DbSession,
    caller: Annotated[Principal, _scope("submit:presentations")],
    body: JsonBody = None,
) -> PresentationResult:
    """Body: a signed presentation answering a challenge from ``/presentations/available``."""
    vp = object_member(body, "verifiablePresentation", required=False) or body
    return svc.receive(session, org=caller.org, presentation=vp, channel="submission", now=_now())


# --- identifiers ------------------------------------------------------------------------------


@router.get("/identifiers/{did}", summary="Resolve a DID (resolveDid)")
def resolve_did(
    did: str,
    request: Request,
    svc: Service,
    session: DbSession,
    _: Annotated[Principal, _scope("resolve:dids")],
) -> dict[str, Any]:
    """A did:web with a port carries ``%3A`` (``did:web:host%3A8443``): send it as is, or
    percent-encoded once more (``%253A``); the decoded path would lose it."""
    raw = request.scope.get("raw_path", b"").decode("ascii", "replace").rsplit("/", 1)[-1]
    if raw.startswith("did:"):
        did = unquote(raw) if "%25" in raw else raw
    elif is_url(did):
        # A URI that is no DID (urn:uuid:…) names nothing resolvable: not found, as the
        # profile says; a string that is not even a URI is an invalid DID (400).
        raise DidNotFound(
            Text(f"No DID document for {did!r}.", f"No hay documento DID para {did!r}.")
        )
    return {"didDocument": svc.resolve_did(session, did)}


@router.get(
    "/orgs/{slug}/did.json",
    summary="An organization's DID document (did:web:<node>:orgs:<slug>)",
    dependencies=[Depends(public_rate_limit)],
)
def org_did_document(slug: str, svc: Service, session: DbSession) -> dict[str, Any]:
    """Every organization served by this node has one, with the node's ``TraceabilityAPI``
    service (how the Traceability Interop profile discovers its VC-API)."""
    return svc.org_document(session, slug)
