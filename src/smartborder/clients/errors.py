"""Errors of API clients and tokens (see :mod:`smartborder.errors` for the tree)."""

from __future__ import annotations

from smartborder.errors import Conflict, Forbidden, InvalidInput, Unauthenticated
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
