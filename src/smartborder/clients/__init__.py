"""API clients: organizations, roles, scopes, secrets and access tokens (OAuth2 client credentials)."""

from smartborder.clients.errors import InvalidClient, InvalidToken, MissingScope, UnknownRole
from smartborder.clients.roles import ALL_SCOPES, ROLE_SCOPES, Role
from smartborder.clients.service import (
    NewClient,
    Principal,
    TokenSigner,
    authenticate,
    create_client,
    parse_role,
)

__all__ = [
    "ALL_SCOPES",
    "ROLE_SCOPES",
    "InvalidClient",
    "InvalidToken",
    "MissingScope",
    "NewClient",
    "Principal",
    "Role",
    "TokenSigner",
    "UnknownRole",
    "authenticate",
    "create_client",
    "parse_role",
]
