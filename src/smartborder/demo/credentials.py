"""Real credentials for the demo day (``smartborder serve --demo``).

Every demo organization — CBP, ANAM, the carrier, the broker, and a Mexican exporter and
Mexico's health ministry as issuers — has a did:web identity on the node
(``did:web:<host>:orgs:<slug>``, keys under ``$SMARTBORDER_HOME/keys/orgs/``). The trust
registry accredits CBP for C-TPAT certificates and trusted-traveler memberships, the exporter
for USMCA certifications of origin, the carrier for Carta Porte, the health ministry for
vaccination credentials, and two consular offices — Mexico's SRE for passports and a U.S.
consulate for Border Crossing Cards, which renew them (``smartborder.consular``); the broker
is accredited for nothing.

A *sample* of the day's declarations carries credentials (issuing one for each of 81,000
declarations would take minutes; :func:`sample_size` says how many): trucks a USMCA
certification per certified shipment, the carrier's C-TPAT certificate and the Carta Porte;
travelers with SENTRI or NEXUS their membership, and a share of travelers a vaccination
credential (both SD-JWT VCs, the date of birth withheld). One in five credentialed
declarations carries a bad credential, in turn revoked, expired, from an untrusted issuer,
tampered with, about someone else, or suspended — what verification must catch.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from smartborder.credentials import attach
from smartborder.credentials.primitives import jose, sdjwt
from smartborder.credentials.recipes import unenvelope
from smartborder.credentials.service import CredentialService
from smartborder.credentials.trust import TrustEntry, ensure_entry

CARRIER = "Transportes Fronterizos del Norte SA de CV"
BROKER = "Agencia Aduanal Garza y Asociados"
CBP = "U.S. Customs and Border Protection"
ANAM = "Agencia Nacional de Aduanas de México"
EXPORTER = "Exportadora del Bajio SA de CV"
HEALTH = "Secretaria de Salud"
# consular offices: they renew the documents they issued (smartborder.consular)
SRE = "Secretaria de Relaciones Exteriores"
CONSULATE = "U.S. Consulate General Tijuana"
ISSUERS = (CBP, ANAM, CARRIER, BROKER, EXPORTER, HEALTH, SRE, CONSULATE)
#: (issuer, credential type, accepting country)
ACCREDITATIONS: tuple[tuple[str, str, str], ...] = (
    (CBP, "CTPATCertificate", "US"),
    (CBP, "TrustedTravelerCredential", "US"),
    (EXPORTER, "USMCACertificationOfOrigin", "US"),
    (EXPORTER, "USMCACertificationOfOrigin", "MX"),
    (CARRIER, "CartaPorteCredential", "US"),
    (CARRIER, "CartaPorteCredential", "MX"),
    (HEALTH, "VaccinationCredential", "US"),
    (HEALTH, "VaccinationCredential", "MX"),
    (SRE, "PassportCredential", "US"),
    (SRE, "PassportCredential", "MX"),
    (CONSULATE, "BorderCrossingCardCredential", "US"),
)
FAULTS = ("revoked", "expired", "untrusted", "tampered", "unrelated", "suspended")
FAULT_EVERY = 5  # one credentialed declaration in five carries a bad credential
MAX_ATTACHED = 8  # a declaration carries at most 8 presentations or credentials
SHOWN = ["givenName", "familyName", "passId"]  # what a traveler discloses (not the birth date)


def sample_size(count: int, kind: str, scale: float) -> int:
    """How many of a plan row's ``count`` declarations get credentials: a tenth, at most 300
    per row at full scale (about 2,000 credentialed declarations in the full demo day)."""
    cap = max(10, int(300 * scale))
    return min(count, max(1, count // 10), cap) if kind == "truck" else min(count, cap)


@dataclass
class DemoCredentials:
    """Issues and attaches the demo's credentials (see the module docstring)."""

    service: CredentialService
    now: datetime
    issued: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    _n: int = 0

    def setup(self, session: Session) -> dict[str, str]:
        """Create each issuer's keys (its did:web) and accredit them; returns org → DID."""
        for org in ISSUERS:
            self.service.identities.keys(org).ensure()
        for org, type_name, country in ACCREDITATIONS:
            ensure_entry(
                session,
                TrustEntry(
                    issuer=self.service.identities.did(org),
                    credential_type=type_name,
                    country=country,
                    name=org,
                ),
                added_by="smartborder demo",
                now=self.now,
            )
        return {org: self.service.identities.did(org) for org in ISSUERS}

    def _issue(
        self, session: Session, org: str, type_name: str, subject: dict[str, Any], **extra: Any
    ) -> Any:
        personal = type_name in ("TrustedTravelerCredential", "VaccinationCredential")
        options: dict[str, Any] = {"format": "dc+sd-jwt" if personal else "vc+jwt"}
        if personal:
            options["disclosable"] = attach.disclosable(subject)
        secured = self.service.issue(
            session,
            org=org,
            credential=attach.credential(type_name, subject, **extra),
            options=options,
            now=self.now,
        )
        self.issued += 1
        value = unenvelope(secured)
        if personal:
            value = sdjwt.present(value, disclose=SHOWN, now=self.now)
        return value

    def _credentials(
        self, session: Session, payload: dict[str, Any], fault: str | None
    ) -> list[Any]:
        """The credentials of one declaration; the first one carries ``fault``, if any."""
        plan: list[tuple[str, str, dict[str, Any]]] = []
        if payload["kind"] == "truck":
            for shipment in payload["shipments"]:
                if shipment.get("usmca"):
                    plan.append(
                        (EXPORTER, "USMCACertificationOfOrigin", attach.usmca_subject(shipment))
                    )
            if payload["carrier"].get("ctpat") and payload["direction"] == "northbound":
                plan.append((CBP, "CTPATCertificate", attach.ctpat_subject(payload)))
            if payload.get("mexico"):
                plan.append((CARRIER, "CartaPorteCredential", attach.carta_porte_subject(payload)))
        else:
            tt = attach.trusted_traveler_subject(payload)
            if tt is not None:
                plan.append((CBP, "TrustedTravelerCredential", tt))
            if tt is None or self._n % 3 == 0:
                plan.append((HEALTH, "VaccinationCredential", attach.vaccination_subject(payload)))
        known = set(self.service.types.names())  # vocabulary types need its directory
        plan = [p for p in plan if p[1] in known][:MAX_ATTACHED]
        out: list[Any] = []
        for i, (org, type_name, subject) in enumerate(plan):
            bad = fault if i == 0 else None
            extra: dict[str, Any] = {}
            if bad == "untrusted":
                org = BROKER
            elif bad == "expired":
                extra = {
                    "validFrom": _stamp(self.now - timedelta(days=400)),
                    "validUntil": _stamp(self.now - timedelta(days=35)),
                }
            elif bad == "unrelated":
                subject = _someone_else(type_name, subject)
            value = self._issue(session, org, type_name, subject, **extra)
            if bad in ("revoked", "suspended"):
                purpose = "revocation" if bad == "revoked" else "suspension"
                self.service.update_status(
                    session,
                    org=org,
                    credential_id=_id_of(value),
                    updates=[{"statusPurpose": purpose, "status": "1"}],
                    now=self.now,
                )
            elif bad == "tampered":
                value = _tamper(value)
            out.append(value)
        return out

    def credentials_for(self, session: Session, payload: dict[str, Any]) -> list[Any]:
        """Good credentials for one declaration (travelers: membership and vaccination)."""
        self._n = 0
        return self._credentials(session, payload, None)

    def attach_to(self, session: Session, payloads: list[dict[str, Any]]) -> int:
        """Attach credentials to each payload (in place); returns how many got some."""
        done = 0
        for payload in payloads:
            self._n += 1
            fault = (
                FAULTS[(self._n // FAULT_EVERY) % len(FAULTS)]
                if self._n % FAULT_EVERY == 0
                else None
            )
            creds = self._credentials(session, payload, fault)
            if creds:
                payload["presentations"] = creds
                done += 1
                if fault is not None:
                    self.faults[fault] += 1
        return done


def _stamp(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _someone_else(type_name: str, subject: dict[str, Any]) -> dict[str, Any]:
    """The same kind of credential about another party or person."""
    if type_name in ("TrustedTravelerCredential", "VaccinationCredential"):
        return {**subject, "familyName": "OTRA PERSONA"}
    if type_name == "CTPATCertificate":
        return {
            **subject,
            "member": {**subject["member"], "name": "OTRO TRANSPORTE SA", "scac": "ZZZZ"},
        }
    if type_name == "CartaPorteCredential":
        return {**subject, "idCCP": "CCC00000-0000-4000-8000-000000000000"}
    exporter = {**subject["exporterDetails"], "name": "OTRA EXPORTADORA SA DE CV"}
    exporter.pop("taxId", None)
    return {**subject, "exporterDetails": exporter}


def _id_of(value: Any) -> str:
    token = value.split("~")[0] if isinstance(value, str) else None
    claims = jose.unverified_claims(token) if token else value
    return str(claims.get("id") or claims.get("jti"))


def _tamper(value: Any) -> Any:
    """Change a signed claim and keep the signature (what a forger who edits a document does)."""
    token, sep, rest = value.partition("~")
    head, body, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    subject = claims.get("credentialSubject", claims)
    if "tier" in subject:
        subject["tier"] = "Trusted Trader"
    elif "membershipStatus" in subject:
        subject["program"] = "NEXUS"
    elif "fullyVaccinated" in subject:
        subject["disease"] = "COVID-19 (all doses)"
    else:
        subject["forged"] = True
    raw = json.dumps(claims, separators=(",", ":")).encode()
    forged = ".".join([head, base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), sig])
    return forged + sep + rest


__all__ = ["ACCREDITATIONS", "FAULTS", "ISSUERS", "DemoCredentials", "sample_size"]
