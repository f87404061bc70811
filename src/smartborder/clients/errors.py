"""Errors of API clients and tokens (see :mod:`smartborder.errors` for the tree)."""

from __future__ import annotations

from smartborder.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from smartborder.i18n import Text


class InvalidClient(Unauthenticated):
    code = "auth.invalid_client"
    default_message = Text(
        "Unknown client or wrong secret. Check the client id and secret you were given.",
        "Cliente desconocido o secreto incorrecto. Verifique el id y el secreto que recibió.",
    )


class InvalidToken(Unauthenticated):
    code = "auth.invalid_token"
    default_message = Text(
        "The access token is invalid or expired; request a new one at POST /oauth/token.",
        "El token de acceso no es válido o expiró; solicite uno nuevo en POST /oauth/token.",
    )


class MissingScope(Forbidden):
    code = "auth.missing_scope"


class UnknownRole(InvalidInput):
    code = "auth.unknown_role"


class InvalidOrg(InvalidInput):
    code = "auth.invalid_org"
    default_message = Text(
        "Name the organization: 1 to 200 characters, not only spaces.",
        "Indique la organización: de 1 a 200 caracteres, no solo espacios.",
    )


class ClientExists(Conflict):
    code = "auth.client_exists"


class InvalidScope(InvalidInput):
    """A token request names a scope the client does not hold (RFC 6749 §5.2 ``invalid_scope``)."""

    code = "auth.invalid_scope"


class ClientDisabled(InvalidToken):
    code = "auth.client_disabled"
    default_message = Text(
        "The client of this access token has been disabled or deleted; ask the node's "
        "administrator.",
        "El cliente de este token de acceso fue deshabilitado o eliminado; consulte al "
        "administrador del nodo.",
    )


class TokenNotYetValid(InvalidToken):
    code = "auth.token_not_yet_valid"
    default_message = Text(
        "The access token is not valid yet (its iat or nbf is in the future); check the "
        "clocks of the issuing node and of this node.",
        "El token de acceso aún no es válido (su iat o nbf está en el futuro); verifique los "
        "relojes del nodo emisor y de este nodo.",
    )


class ClientNotFound(NotFound):
    code = "auth.client_not_found"
    default_message = Text(
        "No such client; list them with GET /clients or `smartborder clients list`.",
        "No existe ese cliente; liste los clientes con GET /clients o `smartborder clients list`.",
    )
