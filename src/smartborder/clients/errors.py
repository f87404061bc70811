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


class ClientExists(Conflict):
    code = "auth.client_exists"
