"""API clients: organizations, roles, scopes, secrets and access tokens (OAuth2 client credentials)."""

from smartborder.clients.errors import (
    ClientDisabled,
    ClientNotFound,
    InvalidClient,
    InvalidScope,
    InvalidToken,
    MissingScope,
    TokenNotYetValid,
    UnknownRole,
)
from smartborder.clients.registry import ClientRegistry
from smartborder.clients.roles import ALL_SCOPES, ROLE_SCOPES, Role
from smartborder.clients.service import (
    NewClient,
    Principal,
    TokenSigner,
    authenticate,
    create_client,
    delete_client,
    list_clients,
    parse_role,
    requested_scopes,
    set_enabled,
)

__all__ = [
    "ALL_SCOPES",
    "ROLE_SCOPES",
    "ClientDisabled",
    "ClientNotFound",
    "ClientRegistry",
    "InvalidClient",
    "InvalidScope",
    "InvalidToken",
    "MissingScope",
    "NewClient",
    "Principal",
    "Role",
    "TokenNotYetValid",
    "TokenSigner",
    "UnknownRole",
    "authenticate",
    "create_client",
    "delete_client",
    "list_clients",
    "parse_role",
    "requested_scopes",
    "set_enabled",
]
