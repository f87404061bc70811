"""OAuth2 client-credentials token endpoint (RFC 6749 §4.4).

A request may narrow the token's scopes (``scope``; one the client does not hold is
``invalid_scope``, RFC 6749 §5.2); ``scope`` sent empty asks for a token with no scope at all
(the Traceability Interop suite gets its "missing scope" tokens so), while no ``scope`` means
every scope the client holds. ``audience`` (as the Traceability Interop suite sends it) or
``resource`` (RFC 8707) must name this node, its base URL: tokens are good here only, so a
token for another audience is refused with ``invalid_target`` rather than issued in vain.

Each attempt costs an scrypt hash (~50 ms of CPU), so attempts are limited per address and
per client id before the hash (429 with ``Retry-After``), and an unknown or disabled client id
costs the same hash as a known one, so the answer's timing does not tell which ids exist.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel

from smartborder.api.deps import Ctx, DbSession
from smartborder.api.ratelimit import RateLimit, address_of, refuse
from smartborder.clients import InvalidClient, authenticate, requested_scopes
from smartborder.config import Settings
from smartborder.credentials.keystore import node_did
from smartborder.errors import InvalidInput, RateLimited
from smartborder.i18n import Text

router = APIRouter(tags=["auth"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    scope: str


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, pwd = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClient(extra={"error": "invalid_client"}) from None
    return user, pwd


async def _scope_sent(request: Request) -> bool:
    """Whether the form names ``scope`` at all (even empty); the form is parsed once."""
    return "scope" in await request.form()


def _require_this_node(target: str, settings: Settings) -> None:
    """``target`` must be this node: its base URL (a trailing slash aside) or its did:web."""
    base_url = str(settings.base_url).rstrip("/")
    if target.strip().rstrip("/") not in (base_url, node_did(settings)):
        raise InvalidInput(
            Text(
                f"Tokens of this node are only for {base_url}, not {target!r}.",
                f"Los tokens de este nodo son solo para {base_url}, no {target!r}.",
            ),
            code="auth.invalid_target",
            extra={"error": "invalid_target"},  # RFC 8707 section 2
        )


@router.post("/oauth/token", response_model=TokenResponse)
def token(
    request: Request,
    ctx: Ctx,
    session: DbSession,
    grant_type: Annotated[str, Form()],
    scope_sent: Annotated[bool, Depends(_scope_sent)],
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
    scope: Annotated[str | None, Form()] = None,
    audience: Annotated[str | None, Form()] = None,
    resource: Annotated[str | None, Form()] = None,
) -> TokenResponse:
    """Exchange a client id and secret (HTTP Basic or form fields) for a bearer token."""
    if grant_type != "client_credentials":
        raise InvalidInput(
            Text(
                "Only grant_type=client_credentials is supported.",
                "Solo se admite grant_type=client_credentials.",
            ),
            code="auth.unsupported_grant_type",
            extra={"error": "unsupported_grant_type"},
        )
    for target in (audience, resource):
        if target is not None:
            _require_this_node(target, ctx.settings)
    creds = _basic(request) or (client_id or "", client_secret or "")
    _limit(request, creds[0])
    try:
        principal = authenticate(session, *creds)
    except InvalidClient as exc:
        exc.extra["error"] = "invalid_client"
        raise
    # FastAPI reads an empty form field as absent; an empty scope asks for no scope.
    granted = requested_scopes(principal, scope) if scope or not scope_sent else frozenset()
    access, ttl = ctx.signer.issue(principal, scopes=granted)
    if ctx.signer.clients is not None:  # its tokens work here at once, even if just created
        ctx.signer.clients.note(principal.client_id, enabled=True)
    return TokenResponse(access_token=access, expires_in=ttl, scope=" ".join(sorted(granted)))


def _limit(request: Request, client_id: str) -> None:
    """429 when this address, or this client id, asked too often (before any scrypt)."""
    by_address: RateLimit = request.app.state.token_limit_by_address
    by_client: RateLimit = request.app.state.token_limit_by_client
    address = address_of(request)
    wait = by_address.take("token", address)
    if wait > 0:
        raise refuse(wait, address)
    wait = by_client.take("token", client_id[:64])  # ids are 64 characters at most
    if wait > 0:
        raise refuse(wait, client_id[:64])
    everyone: RateLimit = request.app.state.token_limit_all
    wait = everyone.take("token", "*")
    if wait > 0:
        raise RateLimited(
            Text(
                f"This node is issuing too many tokens right now; retry in {wait:.1f} s.",
                f"Este nodo está emitiendo demasiados tokens ahora; reintente en {wait:.1f} s.",
            ),
            extra={"retry_after_s": round(wait, 1)},
        )
