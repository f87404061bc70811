"""Consular services for holders: a challenge, their expiring credentials, renewal.

A holder authenticates with their own key, not an OAuth2 client: ``POST /consular/challenges``
gives a challenge; a presentation signed by the holder answering it (``nonce``/``challenge``
and ``aud``/``domain`` = this node's base URL) is sent as ``Authorization: VP <vp+jwt>`` to
list expiring credentials, or in the body of a renewal application.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query

from smartborder.api.deps import Ctx, WriteSession
from smartborder.api.ratelimit import public_rate_limit
from smartborder.consular import (
    HolderUnauthenticated,
    expiring,
    open_challenge,
    parse_application,
)

router = APIRouter(tags=["consular"], dependencies=[Depends(public_rate_limit)])

#: The holder's presentation is the credential here (no bearer token): 401 when it fails.
HOLDER: dict[int | str, dict[str, Any]] = {
    401: {"description": "No presentation, or one that does not answer a challenge."}
}


def _now() -> datetime:
    return datetime.now(UTC)


def _presentation_of(authorization: str) -> str:
    scheme, _, token = authorization.partition(" ")
    if scheme.upper() != "VP" or not token.strip():
        raise HolderUnauthenticated()
    return token.strip()


@router.post("/consular/challenges", status_code=201, summary="A challenge for DID authentication")
def challenge(ctx: Ctx, session: WriteSession) -> dict[str, Any]:
    """``{"challenge", "domain", "expires_at"}``: sign a presentation with your key whose
    challenge (``nonce``) and domain (``aud``) are these, within 10 minutes, used once."""
    return open_challenge(ctx.credential_service, session, now=_now())


@router.get(
    "/consular/expiring", summary="Your credentials that expire within N days", responses=HOLDER
)
def expiring_credentials(
    ctx: Ctx,
    session: WriteSession,
    authorization: Annotated[str, Header()] = "",
    within_days: Annotated[int, Query(description="days from now, 1 to 3653")] = 90,
) -> dict[str, Any]:
    """The credentials this node issued to the presentation's holder (``Authorization: VP
    <vp+jwt>``) whose validity ends within ``within_days`` (or ended already), soonest first;
    ``renewable_online`` says which ``POST /consular/renewals`` accepts."""
    now = _now()
    holder = ctx.consular.authenticate(session, _presentation_of(authorization), now=now)
    found = expiring(session, holder.did, within_days=within_days, now=now)
    return {
        "holder": holder.did,
        "within_days": within_days,
        "credentials": [c.to_dict() for c in found],
    }


@router.post(
    "/consular/renewals",
    status_code=201,
    summary="Renew a credential",
    responses={
        **HOLDER,
        404: {"description": "No consular office of this node issued the credential."},
        409: {"description": "The credential was renewed already."},
    },
)
def renew(ctx: Ctx, session: WriteSession, body: Annotated[Any, Body()] = None) -> dict[str, Any]:
    """Body ``{"presentation": <vp+jwt signed by the holder, answering a challenge, carrying
    the credential to renew with its needed claims disclosed>, "contact": {"email": ...}}``.
    Issues the new credential, revokes the old one and queues the notices, all at once; a
    revoked, expired or someone else's credential is a 422 naming the reason, and nothing is
    issued or revoked."""
    application = parse_application(body)
    return ctx.consular.renew(session, application, now=_now()).to_dict()
