"""OAuth2 client-credentials token endpoint (RFC 6749 §4.4)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import BaseModel

from smartborder.api.deps import Ctx, DbSession
from smartborder.clients import InvalidClient, authenticate
from smartborder.errors import InvalidInput
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


@router.post("/oauth/token", response_model=TokenResponse)
def token(
    request: Request,
    ctx: Ctx,
    session: DbSession,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
    scope: Annotated[str | None, Form()] = None,
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
    creds = _basic(request) or (client_id or "", client_secret or "")
    try:
        principal = authenticate(session, *creds)
    except InvalidClient as exc:
        exc.extra["error"] = "invalid_client"
        raise
    wanted = frozenset(scope.split()) if scope else None
    access, ttl = ctx.signer.issue(principal, scopes=wanted)
    granted = principal.scopes if wanted is None else wanted & principal.scopes
    return TokenResponse(access_token=access, expires_in=ttl, scope=" ".join(sorted(granted)))
