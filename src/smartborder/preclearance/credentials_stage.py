"""The pre-clearance pipeline's ``credentials`` stage: verify what a declaration carries.

For every presentation or credential attached to a declaration (``presentations``), the stage
checks, through a :class:`~smartborder.credentials.NodeVerifier`: the proof or signature (Data
Integrity, VC-JOSE, SD-JWT VC; a presentation's holder proof too), that the signer is the named
issuer, the data model and the type's JSON Schema, the validity period against the decision's
``now``, the Bitstring Status List entries (this node's lists from the store, a named peer's
from the verifier's cache), that the issuer is accredited for the type by the deciding
agency's country (the trust registry's snapshot), and that the credential is about this
declaration (``smartborder.credentials.bind``). Nothing here waits on the network or, once
started, on the store. Each failed check is a reason with a stable code
``credentials.check.<check>`` and an outcome that never allows ``release``:

==================  =====================================  ======================
check               code                                   outcome
==================  =====================================  ======================
forged / tampered   ``credentials.check.proof``            inspect
signer ≠ issuer     ``credentials.check.issuer``           inspect
presentation proof  ``credentials.check.presentation``     inspect
revoked             ``credentials.check.revoked``          inspect
suspended           ``credentials.check.suspended``        documentary_review
status unknown      ``credentials.check.status``           documentary_review
issuer unreachable  ``credentials.check.unreachable``      documentary_review
expired             ``credentials.check.expired``          documentary_review
not yet valid       ``credentials.check.not_yet_valid``    documentary_review
schema / data model ``credentials.check.schema`` / ``…datamodel``  documentary_review
untrusted issuer    ``credentials.check.untrusted``        documentary_review
unrelated           ``credentials.check.unrelated``        documentary_review (inspect for
                                                           a person's credential)
inactive membership ``credentials.check.membership``       documentary_review
==================  =====================================  ======================

Verified credentials become claims (:meth:`CredentialsStage.claims`) that the admissibility
stage reads (``fully_vaccinated``, ``vaccination_proof``, ``trusted_traveler``); C-TPAT, OEA,
USMCA and Carta Porte evidence is in the same mapping (``ctpat``, ``oea``, ``usmca_certified``,
``carta_porte``) and in the decision's reasons. A declaration with nothing attached gets the
release reason ``credentials.none_attached``.

Mutual recognition: ``equivalents`` (from the data-sharing agreement) maps a credential type
this node's agency relies on to the other programmes' types it recognizes as equal, e.g. on
CBP's node ``{"CTPATCertificate": frozenset({"OEACertificate"})}`` (the U.S.–Mexico
C-TPAT/OEA mutual recognition arrangement, 2014). A fully verified credential of a recognized
type then makes the claims of the type it stands for (a Mexican OEA certificate of the carrier
makes ``ctpat`` true), and the decision says so (reason ``credentials.mutual_recognition``).
Trust stays in the registry: the recognized credential must pass every check as its own type,
including an entry accrediting its issuer for *that* type and this agency's country (CBP's
admin accredits SAT's issuer for ``OEACertificate`` in ``US``); nothing the credential says
about itself makes it count.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from smartborder.config import Settings
from smartborder.credentials import (
    AGENCY_COUNTRY,
    PERSONAL_TYPES,
    NodeVerifier,
    Peers,
    StoredTrust,
    TrustRegistry,
    VerificationResult,
    about_carrier,
    bind,
    subjects_of,
)
from smartborder.declarations import Declaration, TravelerDeclaration, TruckShipment
from smartborder.i18n import Text
from smartborder.preclearance.decision import Agency, Outcome, Reason, StageName
from smartborder.preclearance.stages import DecisionDraft

_INSPECT, _REVIEW = Outcome.INSPECT, Outcome.DOCUMENTARY_REVIEW
#: check -> (outcome, English label, Spanish label)
CHECKS: dict[str, tuple[Outcome, str, str]] = {
    "proof": (_INSPECT, "signature or proof does not verify", "la firma o prueba no es válida"),
    "issuer": (_INSPECT, "signer is not the named issuer", "el firmante no es el emisor nombrado"),
    "presentation": (
        _INSPECT,
        "the presentation's proof does not verify",
        "la prueba de la presentación no es válida",
    ),
    "revoked": (
        _INSPECT,
        "revoked by its issuer (replaced by a renewal, or withdrawn); present the current one",
        "revocada por su emisor (reemplazada por una renovación, o retirada); presente la vigente",
    ),
    "suspended": (_REVIEW, "suspended by its issuer", "suspendida por su emisor"),
    "status": (_REVIEW, "status cannot be established", "no se puede establecer su estado"),
    "unreachable": (
        _REVIEW,
        "its issuer's DID document could not be fetched, so it could not be checked yet",
        "no se pudo obtener el documento DID de su emisor, así que aún no se pudo verificar",
    ),
    "expired": (_REVIEW, "expired", "vencida"),
    "not_yet_valid": (_REVIEW, "not yet valid", "aún no es válida"),
    "schema": (_REVIEW, "does not match its type's schema", "no cumple el esquema de su tipo"),
    "datamodel": (
        _REVIEW,
        "does not conform to VC Data Model 2.0",
        "no cumple el Modelo de Datos VC 2.0",
    ),
    "untrusted": (
        _REVIEW,
        "issuer not accredited for this type",
        "emisor no acreditado para este tipo",
    ),
    "unrelated": (
        _REVIEW,
        "not about this declaration",
        "no corresponde a esta declaración",
    ),
    "membership": (
        _REVIEW,
        "membership is not active",
        "la membresía no está activa",
    ),
}
_CRYPTO = frozenset({"proof", "issuer"})
_PROGRAMS = frozenset({"SENTRI", "NEXUS", "FAST"})
#: How a decision names a credential type that stands for a trusted-trader programme.
_PROGRAMME = {"CTPATCertificate": "C-TPAT", "OEACertificate": "OEA"}
#: Arrangements under which two programmes recognize each other: (English, Spanish) names,
#: the Spanish after "conforme".
_ARRANGEMENTS: dict[frozenset[str], tuple[str, str]] = {
    # U.S. CBP and Mexico's SAT signed the C-TPAT/OEA Mutual Recognition Arrangement in
    # October 2014.
    frozenset({"CTPATCertificate", "OEACertificate"}): (
        "the mutual recognition arrangement (2014)",
        "al arreglo de reconocimiento mutuo (2014)",
    ),
}
_AGREEMENT = ("the data-sharing agreement", "al acuerdo de intercambio de datos")

Equivalents = Mapping[str, frozenset[str]]


def _counts_as(equivalents: Equivalents) -> dict[str, tuple[str, ...]]:
    """Recognized type -> the types it stands for (``equivalents`` read the other way)."""
    out: dict[str, list[str]] = {}
    for relied_on, recognized in equivalents.items():
        for one in sorted(recognized):
            if one != relied_on:
                out.setdefault(one, []).append(relied_on)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def recognition_text(recognized: str, relied_on: str) -> Text:
    """What a decision says when a ``recognized`` credential counts as ``relied_on``."""
    en, es = _ARRANGEMENTS.get(frozenset({recognized, relied_on}), _AGREEMENT)
    a, b = _PROGRAMME.get(recognized, recognized), _PROGRAMME.get(relied_on, relied_on)
    return Text(f"{a} recognized as {b} under {en}", f"{a} reconocido como {b} conforme {es}")


@dataclass(frozen=True, slots=True)
class Failure:
    check: str
    detail_en: str
    detail_es: str


@dataclass(frozen=True, slots=True)
class CheckedCredential:
    """One attached credential after every check: ``failures`` empty means fully verified."""

    credential_type: str | None
    issuer: str | None
    format: str
    failures: tuple[Failure, ...]
    credential: dict[str, Any] | None = None

    @property
    def verified(self) -> bool:
        return not self.failures


@dataclass(frozen=True, slots=True)
class CredentialsReport:
    """What the stage found on one declaration, and the claims its verified credentials make."""

    credentials: tuple[CheckedCredential, ...] = ()
    presentation_failures: tuple[Failure, ...] = ()
    claims: dict[str, Any] = field(default_factory=dict)

    @property
    def attached(self) -> bool:
        return bool(self.credentials or self.presentation_failures)

    @property
    def failed_checks(self) -> list[str]:
        out = [f.check for f in self.presentation_failures]
        out += [f.check for c in self.credentials for f in c.failures]
        return out


def _none_attached() -> dict[Agency, Reason]:
    text = Text(
        "No verifiable credential or presentation is attached; declared facts are taken as declared.",
        "No se adjuntó ninguna credencial ni presentación verificable; los datos se toman como declarados.",
    )
    return {
        a: Reason(
            code="credentials.none_attached",
            stage="credentials",
            rule_id="credentials.none_attached",
            outcome=Outcome.RELEASE,
            message_en=text.en,
            message_es=text.es,
            agency=a,
        )
        for a in ("cbp", "anam")
    }


def _failures_of(result: VerificationResult) -> list[Failure]:
    out: list[Failure] = []
    for i, error in enumerate(result.errors):
        check, _, detail = error.partition(": ")
        detail_es = result.error_es(i).partition(": ")[2]
        if check == "status":
            check = (
                "revoked"
                if detail.startswith("revoked")
                else "suspended"
                if detail.startswith("suspended")
                else "status"
            )
        elif check == "validity":
            check = "expired" if detail.startswith("expired") else "not_yet_valid"
        elif check not in CHECKS:
            check = "proof"  # key binding, malformed input: the proof cannot be relied on
        out.append(Failure(check, detail, detail_es))
    return out


class CredentialsStage:
    """Implements ``preclearance.Stage`` (name ``credentials``); see the module docstring.

    It verifies through a :class:`~smartborder.credentials.NodeVerifier`, whose background
    threads (trust registry, peers' DID documents and status lists) its owner starts with
    :meth:`start` and stops with :meth:`close`; a decision never waits on the store or a peer.
    """

    name: StageName = "credentials"

    def __init__(self, verifier: NodeVerifier, *, equivalents: Equivalents | None = None) -> None:
        self.verifier = verifier
        #: Type relied on -> the other programmes' types recognized as equal (module docstring).
        self.equivalents: dict[str, frozenset[str]] = {
            k: frozenset(v) for k, v in (equivalents or {}).items()
        }
        self._counts_as = _counts_as(self.equivalents)
        self._none = _none_attached()
        self._local = threading.local()

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        sessions: sessionmaker[Session] | None = None,
        trust_ttl_s: float = 30.0,
        status_ttl_s: float = 60.0,
        peers: Peers | None = None,
        equivalents: Equivalents | None = None,
    ) -> CredentialsStage:
        """The stage of a node (see :meth:`NodeVerifier.from_settings`); ``equivalents`` are
        the credential types it recognizes as equal (none: each type counts only as itself)."""
        return cls(
            NodeVerifier.from_settings(
                settings,
                sessions=sessions,
                trust_ttl_s=trust_ttl_s,
                status_ttl_s=status_ttl_s,
                peers=peers,
            ),
            equivalents=equivalents,
        )

    @property
    def trust(self) -> StoredTrust | TrustRegistry:
        return self.verifier.trust

    def start(self) -> None:
        """Start the verifier's background refreshers (trust registry, peer cache)."""
        self.verifier.start()

    def close(self) -> None:
        """Stop them (idempotent)."""
        self.verifier.close()

    stop = close

    def refresh(self) -> None:
        """Take edits of the trust registry and status lists into account (after editing either)."""
        self.verifier.refresh()

    # --- the pipeline stage -------------------------------------------------------------------

    def run(self, declaration: Declaration, draft: DecisionDraft) -> None:
        report = self.check(declaration, now=draft.now, agency=draft.agency)
        self._local.last = (declaration, report)
        if not report.attached:
            draft.reasons.append(self._none[draft.agency])
            return
        for failure in report.presentation_failures:
            self._add(draft, failure, None, None)
        verified: list[str] = []
        recognized: list[Text] = []
        for cred in report.credentials:
            for failure in cred.failures:
                self._add(draft, failure, cred.credential_type, cred.issuer)
            if cred.verified:
                verified.append(f"{cred.credential_type} ({cred.issuer})")
                for relied_on in self._counts_as.get(cred.credential_type or "", ()):
                    recognized.append(recognition_text(str(cred.credential_type), relied_on))
        if verified:
            draft.add(
                "credentials.verified",
                "credentials.verified",
                Outcome.RELEASE,
                Text(
                    "Verified (signature, issuer trust, status, validity, schema, binding): "
                    + "; ".join(verified),
                    "Verificadas (firma, confianza en el emisor, estado, vigencia, esquema, vínculo): "
                    + "; ".join(verified),
                ),
            )
        for text in dict.fromkeys(recognized):  # once each, in order
            draft.add(
                "credentials.mutual_recognition",
                "credentials.mutual_recognition",
                Outcome.RELEASE,
                Text(text.en + ".", text.es + "."),
            )

    def _add(
        self, draft: DecisionDraft, failure: Failure, ctype: str | None, issuer: str | None
    ) -> None:
        outcome, en, es = CHECKS[failure.check]
        if failure.check == "unrelated" and ctype in PERSONAL_TYPES:
            outcome = _INSPECT
        what = ctype or "credential"
        who = f" from {issuer}" if issuer else ""
        de = f" de {issuer}" if issuer else ""
        draft.add(
            f"credentials.check.{failure.check}",
            f"credentials.{failure.check}",
            outcome,
            Text(
                f"{what}{who}: {en}: {failure.detail_en}",
                f"{what}{de}: {es}: {failure.detail_es}",
            ),
        )

    # --- checking -----------------------------------------------------------------------------

    def check(
        self, declaration: Declaration, *, now: datetime, agency: Agency
    ) -> CredentialsReport:
        """Every check on every attached item (see the module docstring); never raises."""
        items = getattr(declaration, "presentations", None) or []
        if not items:
            return CredentialsReport()
        registry = self.verifier.registry()
        country = AGENCY_COUNTRY[agency]
        found = self.verifier.verify_attached(items, now=now)
        checked = [self._judge(r, declaration, registry, country) for r in found.credentials]
        return CredentialsReport(
            credentials=tuple(checked),
            presentation_failures=tuple(
                Failure("presentation", e, e) for e in found.presentation_errors
            ),
            claims=_claims(checked, declaration, self._counts_as),
        )

    def _judge(
        self,
        result: VerificationResult,
        declaration: Declaration,
        registry: TrustRegistry,
        country: str,
    ) -> CheckedCredential:
        failures = _failures_of(result)
        if "status" in result.checks and self.verifier.status is None:
            failures.append(
                Failure(
                    "status",
                    "no status checker is configured",
                    "no hay un verificador de estado configurado",
                )
            )
        doc = result.credential
        if doc is not None and not any(f.check in _CRYPTO for f in failures):
            ctype, issuer = result.credential_type, result.issuer
            if ctype is not None and not registry.accredited(str(issuer), ctype, country):
                failures.append(
                    Failure(
                        "untrusted",
                        f"{issuer} is not in the trust registry for {ctype} in {country}",
                        f"{issuer} no está en el registro de confianza para {ctype} en {country}",
                    )
                )
            problem = bind(ctype, doc, declaration)
            if problem is not None:
                failures.append(Failure("unrelated", problem.en, problem.es))
            elif ctype == "TrustedTravelerCredential":
                for subject in subjects_of(doc):
                    status = subject.get("membershipStatus")
                    if status != "active":
                        failures.append(
                            Failure(
                                "membership",
                                f"{subject.get('program')} membership is {status}",
                                f"la membresía {subject.get('program')} está {status}",
                            )
                        )
        return CheckedCredential(
            credential_type=result.credential_type,
            issuer=result.issuer,
            format=result.format,
            failures=tuple(failures),
            credential=doc,
        )

    # --- claims for admissibility -----------------------------------------------------------

    def report(self, declaration: Declaration, *, now: datetime | None = None) -> CredentialsReport:
        """The report of ``declaration``: the one this thread just made in :meth:`run`, else a
        fresh check (as the deciding agency of its direction, at ``now`` or its filing time)."""
        last = getattr(self._local, "last", None)
        if last is not None and last[0] is declaration:
            report: CredentialsReport = last[1]
            return report
        agency: Agency = "cbp" if declaration.direction.value == "northbound" else "anam"
        return self.check(declaration, now=now or datetime.now(UTC), agency=agency)

    def claims(self, declaration: Declaration) -> dict[str, Any] | None:
        """Verified claims of ``declaration`` for ``AdmissibilityStage(claims=...)``, or None."""
        if not getattr(declaration, "presentations", None):
            return None
        claims = self.report(declaration).claims
        return claims or None


def _declared_programs(declaration: Declaration) -> set[str]:
    if isinstance(declaration, TravelerDeclaration):
        tt = declaration.trusted_traveler
        return {tt.program.value.upper()} if tt is not None else set()
    return {"FAST"} if declaration.driver.fast_card else set()


def _claims(
    checked: list[CheckedCredential],
    declaration: Declaration,
    counts_as: Mapping[str, tuple[str, ...]],
) -> dict[str, Any]:
    """Claims of fully verified credentials, each also making the claims of the types it is
    recognized as (``counts_as``); an inactive membership withdraws a declared one."""
    claims: dict[str, Any] = {}
    programs = _declared_programs(declaration)
    proven: set[str] = set()  # memberships an active, fully verified credential proves
    tt_seen = False
    for cred in checked:
        doc = cred.credential
        if doc is None:
            continue
        for subject in subjects_of(doc):
            if cred.credential_type == "TrustedTravelerCredential" and not any(
                f.check != "membership" for f in cred.failures
            ):
                program = str(subject.get("program", "")).upper()
                if program in _PROGRAMS:
                    tt_seen = True
                    if subject.get("membershipStatus") == "active":
                        programs.add(program)
                        if cred.verified:
                            proven.add(program)
                    else:
                        programs.discard(program)
            if not cred.verified:
                continue
            ctype = cred.credential_type or ""
            for as_type in (ctype, *counts_as.get(ctype, ())):
                _claim(claims, as_type, ctype, subject, declaration)
    if tt_seen:
        claims["trusted_traveler"] = tuple(sorted(programs))
        claims["trusted_traveler_verified"] = tuple(sorted(proven))
    return claims


def _claim(
    claims: dict[str, Any], as_type: str, ctype: str, subject: Any, declaration: Declaration
) -> None:
    """The claims a verified ``ctype`` subject makes when it counts as ``as_type``."""
    if as_type == "VaccinationCredential":
        claims["fully_vaccinated"] = subject.get("fullyVaccinated") is True
        claims["vaccination_proof"] = subject.get("fullyVaccinated") is True
    elif as_type == "CTPATCertificate" and isinstance(declaration, TruckShipment):
        if about_carrier(ctype, subject, declaration):
            claims["ctpat"] = True
            if ctype == "CTPATCertificate":
                claims["ctpat_tier"] = subject.get("tier")
    elif as_type == "OEACertificate" and isinstance(declaration, TruckShipment):
        claims["oea"] = True  # bound already: the holder is the carrier, a shipper or consignee
        if about_carrier(ctype, subject, declaration):
            claims["oea_carrier"] = True
    elif as_type == "USMCACertificationOfOrigin":
        claims["usmca_certified"] = True
    elif as_type == "CartaPorteCredential":
        claims["carta_porte"] = True


def presentation_bytes(items: list[Any]) -> int:
    """Size of the attached items as JSON (for reports and benchmarks)."""
    return sum(len(i) if isinstance(i, str) else len(json.dumps(i)) for i in items)


__all__ = [
    "CHECKS",
    "CheckedCredential",
    "CredentialsReport",
    "CredentialsStage",
    "Equivalents",
    "Failure",
    "presentation_bytes",
    "recognition_text",
]
