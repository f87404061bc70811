"""Errors of the consular domain (see :mod:`smartborder.errors` for the kinds)::

    ConsularError (mixin)
    ├── Unauthenticated
    │   └── HolderUnauthenticated   consular.holder_unauthenticated
    ├── InvalidInput
    │   ├── ApplicationInvalid      consular.application_invalid (refined:
    │   │                           consular.one_credential, consular.within_days_invalid,
    │   │                           consular.no_webhook)
    │   └── ValidationFailed (422)
    │       └── RenewalRefused      consular.refused  (refined per reason:
    │                           consular.credential_revoked, consular.credential_expired,
    │                           consular.foreign_bound, consular.credential_invalid,
    │                           consular.not_renewable, consular.disclosure_missing)
    ├── NotFound
    │   └── NotIssuedHere           consular.not_issued_here
    ├── Conflict
    │   └── AlreadyRenewed          consular.already_renewed
    └── Unavailable
        └── NoticeNotDelivered      consular.notice_not_delivered  (a channel's send failed:
                                    recorded on the notice and retried, never raised to a caller)

A refused renewal issues nothing and revokes nothing: the checks run before any write, and
the writes share one transaction.
"""

from __future__ import annotations

from smartborder.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)
from smartborder.i18n import Text


class ConsularError:
    """Mixin: every consular error derives from it and from one kind of the root tree."""


class HolderUnauthenticated(ConsularError, Unauthenticated):
    code = "consular.holder_unauthenticated"
    default_message = Text(
        "Prove you hold your DID: get a challenge at POST /consular/challenges and send a "
        "presentation signed with your key that answers it (Authorization: VP <vp+jwt>).",
        "Demuestre que controla su DID: obtenga un desafío en POST /consular/challenges y envíe "
        "una presentación firmada con su clave que lo responda (Authorization: VP <vp+jwt>).",
    )


class ApplicationInvalid(ConsularError, InvalidInput):
    code = "consular.application_invalid"
    default_message = Text(
        'The renewal application is malformed: send {"presentation": <vp+jwt>, '
        '"contact": {"email": "..."}} (contact optional).',
        'La solicitud de renovación está mal formada: envíe {"presentation": <vp+jwt>, '
        '"contact": {"email": "..."}} (contact es opcional).',
    )


class RenewalRefused(ConsularError, ValidationFailed):
    code = "consular.refused"
    default_message = Text(
        "The renewal application is refused.", "La solicitud de renovación se rechaza."
    )


class NotIssuedHere(ConsularError, NotFound):
    code = "consular.not_issued_here"
    default_message = Text(
        "No consular office of this node issued that credential; apply to its issuer.",
        "Ninguna oficina consular de este nodo emitió esa credencial; solicítela a su emisor.",
    )


class AlreadyRenewed(ConsularError, Conflict):
    code = "consular.already_renewed"
    default_message = Text(
        "That credential was already renewed; present the new one.",
        "Esa credencial ya se renovó; presente la nueva.",
    )


class NoticeNotDelivered(ConsularError, Unavailable):
    """A channel could not deliver a notice (kept and retried)."""

    code = "consular.notice_not_delivered"
    default_message = Text(
        "A notice could not be delivered; it will be retried.",
        "No se pudo entregar un aviso; se reintentará.",
    )


__all__ = [
    "AlreadyRenewed",
    "ApplicationInvalid",
    "ConsularError",
    "HolderUnauthenticated",
    "NotIssuedHere",
    "NoticeNotDelivered",
    "RenewalRefused",
]
