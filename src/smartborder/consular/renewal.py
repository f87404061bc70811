"""Renewing a document credential from the holder's own presentation, in one transaction.

The holder sends a presentation (:mod:`.holders`) that carries the credential to renew,
disclosing the claims its type's rule needs (:mod:`.rules`). Every check runs before any write:

1. the presentation's proof answers this node's challenge (else 401);
2. exactly one credential is presented (else 400 ``consular.one_credential``);
3. it is about the presenter — its ``credentialSubject.id`` is the presentation's holder —
   else 422 ``consular.foreign_bound`` (an SD-JWT's key-binding JWT must also verify with the
   key it is bound to, which only its holder has);
4. it is not revoked (422 ``consular.credential_revoked``, naming the renewal that replaced it
   when there was one), not expired (422 ``consular.credential_expired``: an expired document
   is renewed in person) and otherwise verifies (422 ``consular.credential_invalid``);
5. one of this node's organizations issued it (404 ``consular.not_issued_here``), its type is
   renewable (422 ``consular.not_renewable``) and the needed claims are disclosed (422
   ``consular.disclosure_missing``).

Then, in the caller's transaction: the issuing organization issues the new credential (an
SD-JWT VC bound to the presenter's key, pre-filled with the disclosed claims, for the old
one's term, with a new number where the rule says so), revokes the old one in its status
list, records the renewal and queues its notices. An error anywhere rolls all of it back.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from smartborder.consular.errors import (
    AlreadyRenewed,
    ApplicationInvalid,
    NotIssuedHere,
    RenewalRefused,
)
from smartborder.consular.holders import Holder, authenticate
from smartborder.consular.rules import RULES, RenewalRule, renewable_types
from smartborder.credentials import (
    SMARTBORDER_CONTEXT,
    CredentialService,
    VerificationResult,
    credentials_of,
    parse_datetime,
)
from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.store import consular as repo
from smartborder.store.tables.consular import NoticeRow, RenewalRow

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
_EMAIL = re.compile(r"^[^@\s<>,;:]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")
_POINTER = "/presentation/verifiableCredential/0"


@dataclass(frozen=True, slots=True)
class Application:
    """A renewal application: the holder's presentation and, optionally, an e-mail address."""

    presentation: Any
    email: str | None = None


def parse_application(body: Any) -> Application:
    """The application in a request body; :class:`ApplicationInvalid` with every problem."""
    if not isinstance(body, dict):
        raise ApplicationInvalid()
    problems: list[Problem] = []
    presentation = body.get("presentation")
    if not isinstance(presentation, str | dict) or not presentation:
        problems.append(
            Problem(
                "/presentation",
                "consular.presentation_missing",
                Text(
                    "Send your signed presentation (a vp+jwt string or a JSON object).",
                    "Envíe su presentación firmada (una cadena vp+jwt o un objeto JSON).",
                ),
            )
        )
    contact = body.get("contact")
    email: str | None = None
    if contact is not None:
        raw = contact.get("email") if isinstance(contact, dict) else None
        if not isinstance(raw, str) or not _EMAIL.match(raw):
            problems.append(
                Problem(
                    "/contact/email",
                    "consular.email_invalid",
                    Text(
                        "Give an e-mail address such as name@example.mx, or leave contact out.",
                        "Indique un correo como nombre@ejemplo.mx, u omita contact.",
                    ),
                )
            )
        else:
            email = raw
    if problems:
        raise ApplicationInvalid(problems=problems)
    return Application(presentation, email)


@dataclass(frozen=True, slots=True)
class Renewal:
    """A renewal done: the new credential (enveloped SD-JWT VC) and what it replaced."""

    renewal_id: str
    holder: str
    credential_type: str
    issued_by: str
    old_credential_id: str
    new_credential_id: str
    credential: dict[str, Any]
    valid_until: str
    notices: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "renewal_id": self.renewal_id,
            "holder": self.holder,
            "credential_type": self.credential_type,
            "issued_by": self.issued_by,
            "revoked_credential_id": self.old_credential_id,
            "new_credential_id": self.new_credential_id,
            "valid_until": self.valid_until,
            "verifiableCredential": self.credential,
            "notices": list(self.notices),
        }


def _refused(code: str, en: str, es: str, *, pointer: str = _POINTER) -> RenewalRefused:
    text = Text(en, es)
    return RenewalRefused(text, code=code, problems=[Problem(pointer, code, text)])


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _subject(doc: Mapping[str, Any]) -> dict[str, Any]:
    subject = doc.get("credentialSubject")
    return subject if isinstance(subject, dict) else {}


def _foreign(holder: Holder, bound_to: Any) -> RenewalRefused:
    return _refused(
        "consular.foreign_bound",
        f"The credential is bound to {bound_to or 'no holder'}, not to you ({holder.did}); "
        "only its holder may renew it.",
        f"La credencial está ligada a {bound_to or 'ningún titular'}, no a usted "
        f"({holder.did}); solo su titular puede renovarla.",
    )


def judge(
    session: Session,
    holder: Holder,
    result: VerificationResult,
    *,
    unbound: VerificationResult | None = None,
) -> None:
    """Refuse a presented credential that is not the presenter's, revoked, expired or bad.

    ``unbound`` is the same credential verified without its key-binding proof, given when
    the full check could not read it: issuer-signed but with a key-binding proof that fails,
    it is bound to a key the presenter does not hold.
    """
    doc = result.credential or {}
    bound_to = _subject(doc).get("id")
    if (
        result.credential is None
        and unbound is not None
        and unbound.credential is not None
        and "proof" not in unbound.failed_checks
    ):
        other = _subject(unbound.credential).get("id")
        if other != holder.did:
            raise _foreign(holder, other)
        raise _refused(
            "consular.foreign_bound",
            "The credential is bound to a key you did not prove you hold (its key-binding "
            "proof fails); only its holder may renew it.",
            "La credencial está ligada a una clave que usted no demostró tener (su prueba de "
            "vinculación falla); solo su titular puede renovarla.",
        )
    if result.credential is not None and bound_to != holder.did:
        raise _foreign(holder, bound_to)
    errors = [(e, result.error_es(i)) for i, e in enumerate(result.errors)]
    for en, es in errors:
        if en.startswith("status: revoked"):
            renewed = repo.renewal_of(session, str(doc.get("id")))
            later_en = later_es = ""
            if renewed is not None:
                later_en = (
                    f" It was renewed on {_stamp(renewed.renewed_at)}: present the new "
                    f"credential {renewed.new_credential_id}."
                )
                later_es = (
                    f" Se renovó el {_stamp(renewed.renewed_at)}: presente la nueva "
                    f"credencial {renewed.new_credential_id}."
                )
            raise _refused(
                "consular.credential_revoked",
                f"The credential was revoked by its issuer ({en.removeprefix('status: ')}), "
                f"so it cannot be renewed.{later_en}",
                f"La credencial fue revocada por su emisor ({es.removeprefix('status: ')}), "
                f"así que no puede renovarse.{later_es}",
            )
    for en, es in errors:
        if en.startswith("validity: expired"):
            raise _refused(
                "consular.credential_expired",
                f"The credential {en.removeprefix('validity: ')}; an expired document is "
                "renewed in person at a consular office, not online.",
                f"La credencial {es.removeprefix('validity: ')}; un documento vencido se "
                "renueva en persona en una oficina consular, no en línea.",
            )
    if not result.verified or result.credential is None:
        en = "; ".join(e for e, _ in errors) or "it could not be read"
        es = "; ".join(s for _, s in errors) or "no se pudo leer"
        raise _refused(
            "consular.credential_invalid",
            f"The credential does not verify: {en}.",
            f"La credencial no es válida: {es}.",
        )


#: ``(renewal, e-mail address or None, now)`` → the notice rows to queue with it.
NoticeFactory = Callable[[Renewal, str | None, datetime], list[NoticeRow]]


class ConsularOffice:
    """The consular services of a node: challenges, expiring credentials, renewals.

    ``notices`` makes the notice rows of a renewal (from the channels configured);
    ``on_queued`` is called once a transaction that queued notices has committed.
    """

    def __init__(
        self,
        service: CredentialService,
        *,
        notices: NoticeFactory | None = None,
        on_queued: Callable[[], None] | None = None,
    ) -> None:
        self.service = service
        self._notices = notices
        self._on_queued = on_queued

    def authenticate(self, session: Session, presentation: Any, *, now: datetime) -> Holder:
        return authenticate(self.service, session, presentation, now=now)

    def renew(self, session: Session, application: Application, *, now: datetime) -> Renewal:
        """Renew the credential the application presents (see the module docstring)."""
        holder = self.authenticate(session, application.presentation, now=now)
        results = holder.presentation.credentials
        if len(results) != 1:
            raise ApplicationInvalid(
                Text(
                    f"Present exactly the one credential to renew ({len(results)} presented).",
                    f"Presente exactamente la credencial a renovar ({len(results)} presentadas).",
                ),
                code="consular.one_credential",
            )
        result = results[0]
        unbound: VerificationResult | None = None
        if result.credential is None:  # look again without its key binding: whose is it?
            raw = credentials_of(application.presentation)
            if len(raw) == 1:
                unbound = self.service.verify(
                    session,
                    _without_key_binding(raw[0]),
                    options={"requireKeyBinding": False},
                    now=now,
                )
        judge(session, holder, result, unbound=unbound)
        doc = result.credential or {}
        old_id = str(doc.get("id", ""))
        ctype = result.credential_type or ""
        org = self._issuing_org(session, old_id, str(result.issuer))
        rule = RULES.get(ctype)
        if rule is None:
            raise _refused(
                "consular.not_renewable",
                f"A {ctype or 'credential of unknown type'} is not renewed here; renewable: "
                f"{', '.join(renewable_types())}.",
                f"Un {ctype or 'credencial de tipo desconocido'} no se renueva aquí; renovables: "
                f"{', '.join(renewable_types())}.",
            )
        subject = _subject(doc)
        missing = [c for c in rule.required if c not in subject]
        if missing:
            names = ", ".join(missing)
            raise _refused(
                "consular.disclosure_missing",
                f"Disclose {names} of the credential: the renewal is filled in from them.",
                f"Divulgue {names} de la credencial: la renovación se llena con ellos.",
            )
        if repo.renewal_of(session, old_id) is not None:
            raise AlreadyRenewed()
        start, end = doc.get("validFrom"), doc.get("validUntil")
        if not isinstance(start, str) or not isinstance(end, str):
            raise _refused(
                "consular.not_renewable",
                "The credential has no validity period, so there is nothing to renew.",
                "La credencial no tiene periodo de validez, así que no hay nada que renovar.",
            )
        until = now + (parse_datetime(end) - parse_datetime(start))
        new_subject = self._new_subject(rule, subject, holder.did)
        new_id = f"urn:uuid:{uuid.uuid4()}"
        secured = self.service.issue(
            session,
            org=org,
            credential={
                "@context": [VC_V2_CONTEXT, SMARTBORDER_CONTEXT],
                "id": new_id,
                "type": ["VerifiableCredential", ctype],
                "validFrom": _stamp(now),
                "validUntil": _stamp(until),
                "credentialSubject": new_subject,
            },
            options={
                "format": "dc+sd-jwt",
                "disclosable": [c for c in rule.disclosable if c in new_subject],
                "holderJwk": holder.key.jwk,
            },
            now=now,
        )
        self.service.update_status(
            session,
            org=org,
            credential_id=old_id,
            updates=[{"statusPurpose": "revocation", "status": "1"}],
            now=now,
        )
        renewal = Renewal(
            renewal_id=str(uuid.uuid4()),
            holder=holder.did,
            credential_type=ctype,
            issued_by=org,
            old_credential_id=old_id,
            new_credential_id=new_id,
            credential=secured,
            valid_until=_stamp(until),
        )
        notices = self._notices(renewal, application.email, now) if self._notices else []
        try:
            repo.add_renewal(
                session,
                RenewalRow(
                    renewal_id=renewal.renewal_id,
                    holder=holder.did,
                    org=org,
                    credential_type=ctype,
                    old_credential_id=old_id,
                    new_credential_id=renewal.new_credential_id,
                    renewed_at=now,
                ),
                notices,
            )
        except IntegrityError as exc:  # a concurrent application renewed it first
            raise AlreadyRenewed() from exc
        if notices and self._on_queued is not None:
            on_queued = self._on_queued
            event.listen(session, "after_commit", lambda _: on_queued(), once=True)
        return replace(renewal, notices=tuple(n.channel for n in notices))

    def _issuing_org(self, session: Session, credential_id: str, issuer: str) -> str:
        for row in repo.issued_with_id(session, credential_id):
            if self.service.identities.did(row.org) == issuer:
                return row.org
        raise NotIssuedHere(
            Text(
                f"No consular office of this node issued {credential_id}; apply to its issuer "
                f"{issuer}.",
                f"Ninguna oficina consular de este nodo emitió {credential_id}; solicítela a su "
                f"emisor {issuer}.",
            )
        )

    @staticmethod
    def _new_subject(rule: RenewalRule, subject: Mapping[str, Any], holder: str) -> dict[str, Any]:
        kept = {k: v for k, v in subject.items() if k not in ("id", "type")}
        if rule.number_claim is not None and rule.new_number is not None:
            kept[rule.number_claim] = rule.new_number()
        return {"id": holder, "type": rule.subject_type, **kept}


def _without_key_binding(credential: Any) -> Any:
    """An SD-JWT presentation without its key-binding JWT (what follows the last ``~``,
    RFC 9901 §4); anything else unchanged."""
    if isinstance(credential, str) and "~" in credential and not credential.endswith("~"):
        return credential.rsplit("~", 1)[0] + "~"
    return credential


def renewal_notice(renewal: Renewal, *, channel: str, recipient: str, now: datetime) -> NoticeRow:
    """The notice row telling ``recipient`` through ``channel`` that ``renewal`` was done."""
    name = {
        "PassportCredential": ("passport", "pasaporte"),
        "BorderCrossingCardCredential": ("Border Crossing Card", "Tarjeta de Cruce Fronterizo"),
        "TrustedTravelerCredential": (
            "trusted-traveler membership",
            "membresía de viajero confiable",
        ),
    }.get(renewal.credential_type, (renewal.credential_type, renewal.credential_type))
    payload = {
        "renewal_id": renewal.renewal_id,
        "holder": renewal.holder,
        "credential_type": renewal.credential_type,
        "issued_by": renewal.issued_by,
        "revoked_credential_id": renewal.old_credential_id,
        "new_credential_id": renewal.new_credential_id,
        "valid_until": renewal.valid_until,
        "subject_en": f"Your {name[0]} was renewed",
        "subject_es": f"Su {name[1]} fue renovado",
        "message_en": (
            f"Your {name[0]} was renewed by {renewal.issued_by}; the new one "
            f"({renewal.new_credential_id}) is valid until {renewal.valid_until}. The previous one ({renewal.old_credential_id}) is revoked: "
            "trips declared with it will not be pre-cleared. Present the new credential."
        ),
        "message_es": (
            f"Su {name[1]} fue renovado por {renewal.issued_by}; el nuevo "
            f"({renewal.new_credential_id}) vale hasta {renewal.valid_until}. El anterior ({renewal.old_credential_id}) está revocado: "
            "los viajes declarados con él no recibirán despacho previo. Presente la nueva credencial."
        ),
    }
    return NoticeRow(
        notice_id=str(uuid.uuid4()),
        renewal_id=renewal.renewal_id,
        kind="renewal.issued",
        channel=channel,
        recipient=recipient,
        payload=json.dumps(payload, ensure_ascii=False),
        state="pending",
        attempts=0,
        created_at=now,
        next_attempt_at=now,
    )


def notices_for(channels: Sequence[str], *, webhook_url: str = "") -> NoticeFactory:
    """The notices of a renewal on a node whose configured channels are ``channels``: the
    webhook always (to ``webhook_url``), e-mail when the holder gave an address."""

    def make(renewal: Renewal, email: str | None, at: datetime) -> list[NoticeRow]:
        rows: list[NoticeRow] = []
        if "webhook" in channels:
            rows.append(renewal_notice(renewal, channel="webhook", recipient=webhook_url, now=at))
        if "smtp" in channels and email is not None:
            rows.append(renewal_notice(renewal, channel="smtp", recipient=email, now=at))
        return rows

    return make


__all__ = [
    "Application",
    "ConsularOffice",
    "Renewal",
    "judge",
    "notices_for",
    "parse_application",
    "renewal_notice",
]
