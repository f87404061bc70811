"""Each agency's signed inspection report: an ``InspectionReport`` Verifiable Credential the
concluding agency's organization issues on its node, with revocation and suspension entries like
every credential the node issues. It is secured with Data Integrity ``eddsa-rdfc-2022`` when the
node's context store holds the VC 2.0 context (``SMARTBORDER_CONTEXTS_DIR``; RDF
canonicalization needs it, and contexts are never fetched), else as a ``vc+jwt`` (ES384), the
node's default format, so that an inspection concludes on any node."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from smartborder.credentials import SMARTBORDER_CONTEXT, CredentialService
from smartborder.inspections.model import Agency, Inspection

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
REPORT_TYPE = "InspectionReport"
REPORT_SUITE = "eddsa-rdfc-2022"


def _stamp(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def report_credential(inspection: Inspection, agency: Agency) -> dict[str, Any]:
    """The unsigned report of ``agency``'s concluded part (its findings without officers' notes)."""
    part = inspection.parts[agency]
    assert part.outcome is not None and part.concluded_at is not None  # concluded parts only
    findings: list[dict[str, Any]] = []
    for f in part.findings:
        item: dict[str, Any] = {
            "code": f.code.value,
            "agency": f.agency,
            "foundAt": _stamp(f.found_at),
        }
        if f.value_usd is not None:
            item["valueUSD"] = f.value_usd
        if f.hs_code is not None:
            item["hsCode"] = f.hs_code
        findings.append(item)
    subject: dict[str, Any] = {
        "id": f"urn:uuid:{inspection.id}",
        "type": "Inspection",
        "trip": f"urn:uuid:{inspection.declaration_id}",
        "agency": agency,
        "joint": inspection.joint,
        "requestedBy": inspection.requested_by,
        "facility": inspection.facility or "",
        "portCode": inspection.port_code,
        "direction": inspection.direction,
        "outcome": part.outcome.value,
        "concludedAt": _stamp(part.concluded_at),
        "findings": findings,
    }
    if inspection.started_at is not None:
        subject["startedAt"] = _stamp(inspection.started_at)
    return {
        "@context": [VC_V2_CONTEXT, SMARTBORDER_CONTEXT],
        "type": ["VerifiableCredential", REPORT_TYPE],
        "credentialSubject": subject,
    }


def issue_report(
    session: Session,
    credentials: CredentialService,
    inspection: Inspection,
    agency: Agency,
    *,
    org: str,
    now: datetime,
) -> dict[str, Any]:
    """Sign and store ``agency``'s report as the organization ``org`` (its did:web on this node)."""
    options: dict[str, Any] = (
        {"cryptosuite": REPORT_SUITE}
        if VC_V2_CONTEXT in credentials.contexts
        else {"format": "vc+jwt"}
    )
    return credentials.issue(
        session, org=org, credential=report_credential(inspection, agency), options=options, now=now
    )
