"""Consular services: a holder's expiring credentials, renewal from a presentation, notices.

The paper asks to "use interoperable data to expedite the processes to renew expiring
documentation". A holder authenticates with their own key (a presentation answering this
node's challenge: :func:`open_challenge`, :func:`authenticate`), sees which of the credentials
issued to their DID expire soon (:func:`expiring`), and applies for a renewal with a
presentation of the credential (:meth:`ConsularOffice.renew`): the issuing organization — a
consular office such as Mexico's SRE for passports or a U.S. consulate for Border Crossing
Cards — issues the new credential and revokes the old one in its status list, in one
transaction, and notices go out through pluggable channels (:class:`WebhookChannel`,
:class:`SmtpChannel`) from a background :class:`NoticeDispatcher`.
"""

from smartborder.consular.channels import (
    Notice,
    NoticeChannel,
    SmtpChannel,
    WebhookChannel,
    channels_from_settings,
)
from smartborder.consular.dispatch import NoticeDispatcher
from smartborder.consular.errors import (
    AlreadyRenewed,
    ApplicationInvalid,
    ConsularError,
    HolderUnauthenticated,
    NoticeNotDelivered,
    NotIssuedHere,
    RenewalRefused,
)
from smartborder.consular.expiring import MAX_WITHIN_DAYS, ExpiringCredential, expiring
from smartborder.consular.holders import CHALLENGE_TTL, Holder, authenticate, open_challenge
from smartborder.consular.reminders import queue_reminders, reminder_id
from smartborder.consular.renewal import (
    Application,
    ConsularOffice,
    Renewal,
    notices_for,
    parse_application,
)
from smartborder.consular.rules import RULES, RenewalRule, renewable_types

__all__ = [
    "CHALLENGE_TTL",
    "MAX_WITHIN_DAYS",
    "RULES",
    "AlreadyRenewed",
    "Application",
    "ApplicationInvalid",
    "ConsularError",
    "ConsularOffice",
    "ExpiringCredential",
    "Holder",
    "HolderUnauthenticated",
    "Notice",
    "NoticeChannel",
    "NoticeDispatcher",
    "NoticeNotDelivered",
    "NotIssuedHere",
    "RenewalRefused",
    "Renewal",
    "RenewalRule",
    "SmtpChannel",
    "WebhookChannel",
    "authenticate",
    "channels_from_settings",
    "expiring",
    "notices_for",
    "open_challenge",
    "parse_application",
    "queue_reminders",
    "reminder_id",
    "renewable_types",
]
