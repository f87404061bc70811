"""Mutual recognition of trusted traders: Mexico's OEA certificate counts on CBP's node as the
C-TPAT equivalent where the agreement says so (``equivalents``) and CBP's trust registry
accredits its issuer for ``OEACertificate`` in the US, and vice versa on ANAM's node; without
either, it proves nothing about C-TPAT."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from precl_fixtures import World, make_world, usmca_truck

from conftest import shared_path
from smartborder.api import create_app
from smartborder.credentials import Peers, attach, bind
from smartborder.credentials.errors import SchemaViolation
from smartborder.credentials.trust import TrustEntry, ensure_entry
from smartborder.node import build_pipeline
from smartborder.preclearance import CredentialsStage, Outcome
from smartborder.preclearance.stages import DecisionDraft
from smartborder.store import transaction

NOW = datetime.now(UTC).replace(microsecond=0)
CBP_AGREEMENT = {"CTPATCertificate": frozenset({"OEACertificate"})}
ANAM_AGREEMENT = {"OEACertificate": frozenset({"CTPATCertificate"})}
MRA_EN = "OEA recognized as C-TPAT under the mutual recognition arrangement (2014)."
MRA_ES = "OEA reconocido como C-TPAT conforme al arreglo de reconocimiento mutuo (2014)."


def _accredit(world: World, org: str, type_name: str, country: str) -> None:
    with transaction(world.sessions) as session:
        ensure_entry(
            session,
            TrustEntry(
                issuer=world.svc.identities.did(org),
                credential_type=type_name,
                country=country,  # type: ignore[arg-type]
            ),
            added_by="tests",
            now=NOW,
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    w = make_world(
        tmp_path_factory.mktemp("mra"),
        shared_path("conformance", "traceability-vocab"),
        shared_path("conformance", "contexts"),
        now=NOW,
    )
    # CBP's admin accredits SAT's OEA issuer for the US; ANAM's registry (MX) names it too,
    # and another issuer only for Mexico.
    _accredit(w, "sat-agace", "OEACertificate", "US")
    _accredit(w, "sat-agace", "OEACertificate", "MX")
    _accredit(w, "sat-mx-only", "OEACertificate", "MX")
    _accredit(w, "cbp", "CTPATCertificate", "MX")
    return w


@pytest.fixture(scope="module")
def truck() -> dict[str, Any]:
    """A northbound truck whose carrier does not claim C-TPAT: only a credential can prove it."""
    t = usmca_truck(NOW)
    return {**t, "carrier": {**t["carrier"], "ctpat": False}}


def _stage(world: World, equivalents: Any = None) -> CredentialsStage:
    return CredentialsStage.from_settings(
        world.settings, sessions=world.sessions, equivalents=equivalents
    )


def _decide(world: World, stage: CredentialsStage, truck: dict[str, Any], items: list[Any]) -> Any:
    pipeline = build_pipeline(world.settings, credentials=stage)
    return pipeline.decide({**truck, "presentations": items}, now=NOW)


def _oea(world: World, truck: dict[str, Any], *, org: str = "sat-agace", **kw: Any) -> Any:
    return world.issue(org, "OEACertificate", attach.oea_subject(truck, **kw), now=NOW)


def _recognitions(decision: Any) -> list[Any]:
    return [r for r in decision.reasons if r.code == "credentials.mutual_recognition"]


def test_carriers_oea_counts_as_ctpat_on_cbps_node_under_the_agreement(
    world: World, truck: dict[str, Any]
) -> None:
    stage = _stage(world, CBP_AGREEMENT)
    baseline = _decide(world, stage, truck, [])
    decision = _decide(world, stage, truck, [_oea(world, truck)])
    assert not [c for c in decision.codes if c.startswith("credentials.check.")], decision.codes
    assert "risk.truck.ctpat_verified" in decision.codes
    assert "risk.truck.no_ctpat" in baseline.codes and "risk.truck.no_ctpat" not in decision.codes
    assert decision.risk_score < baseline.risk_score
    (note,) = _recognitions(decision)
    assert (note.message_en, note.message_es) == (MRA_EN, MRA_ES)
    assert note.outcome is Outcome.RELEASE and note.agency == "cbp"
    declaration = build_pipeline(world.settings, credentials=stage).parse(
        {**truck, "presentations": [_oea(world, truck)]}, now=NOW
    )
    claims = stage.check(declaration, now=NOW, agency="cbp").claims
    assert claims["ctpat"] is True and claims["oea"] is True and claims["oea_carrier"] is True


def test_without_the_equivalence_an_oea_is_verified_but_proves_no_ctpat(
    world: World, truck: dict[str, Any]
) -> None:
    decision = _decide(world, _stage(world), truck, [_oea(world, truck)])
    verified = next(r for r in decision.reasons if r.code == "credentials.verified")
    assert "OEACertificate" in verified.message_en
    assert "risk.truck.ctpat_verified" not in decision.codes
    assert "risk.truck.no_ctpat" in decision.codes
    assert not _recognitions(decision)


def test_without_cbps_registry_entry_an_oea_does_not_count(
    world: World, truck: dict[str, Any]
) -> None:
    # Accredited by ANAM's registry (MX) only: CBP's decision does not trust it.
    oea = _oea(world, truck, org="sat-mx-only")
    decision = _decide(world, _stage(world, CBP_AGREEMENT), truck, [oea])
    untrusted = [r for r in decision.reasons if r.code == "credentials.check.untrusted"]
    assert untrusted and "OEACertificate in US" in untrusted[0].message_en
    assert "risk.truck.ctpat_verified" not in decision.codes
    assert not _recognitions(decision)
    assert decision.outcome is not Outcome.RELEASE


def test_an_oea_of_another_company_is_unrelated_and_proves_nothing(
    world: World, truck: dict[str, Any]
) -> None:
    stranger = {**truck, "carrier": {"name": "TRANSPORTES AJENOS SA DE CV"}}
    stranger["shipments"] = [
        {
            **s,
            "shipper": {**s["shipper"], "name": "OTRA EMPRESA SA DE CV", "rfc": "OEM010101AB1"},
        }
        for s in truck["shipments"]
    ]
    oea = _oea(world, stranger, holder="shipper")
    decision = _decide(world, _stage(world, CBP_AGREEMENT), truck, [oea])
    assert "credentials.check.unrelated" in decision.codes
    assert "risk.truck.ctpat_verified" not in decision.codes
    assert not _recognitions(decision)


def test_a_shippers_oea_is_recognized_but_does_not_make_the_carrier_ctpat(
    world: World, truck: dict[str, Any]
) -> None:
    decision = _decide(
        world, _stage(world, CBP_AGREEMENT), truck, [_oea(world, truck, holder="shipper")]
    )
    assert not [c for c in decision.codes if c.startswith("credentials.check.")], decision.codes
    assert len(_recognitions(decision)) == 1
    assert "risk.truck.ctpat_verified" not in decision.codes  # as a shipper's C-TPAT would


def test_ctpat_counts_as_oea_on_anams_node_under_the_agreement(
    world: World, truck: dict[str, Any]
) -> None:
    ctpat = world.issue("cbp", "CTPATCertificate", attach.ctpat_subject(truck), now=NOW)
    payload = {**truck, "presentations": [ctpat]}
    anam = _stage(world, ANAM_AGREEMENT)
    declaration = build_pipeline(world.settings, credentials=anam).parse(payload, now=NOW)
    report = anam.check(declaration, now=NOW, agency="anam")
    assert all(c.verified for c in report.credentials), report.failed_checks
    assert report.claims["oea"] is True and report.claims["oea_carrier"] is True
    draft = DecisionDraft(now=NOW, agency="anam", stage="credentials")
    anam.run(declaration, draft)
    (note,) = [r for r in draft.reasons if r.code == "credentials.mutual_recognition"]
    assert (
        note.message_en
        == "C-TPAT recognized as OEA under the mutual recognition arrangement (2014)."
    )
    assert note.message_es.startswith("C-TPAT reconocido como OEA conforme al arreglo")
    # Without the agreement ANAM's node takes the C-TPAT certificate as just that.
    plain = _stage(world)
    assert "oea" not in plain.check(declaration, now=NOW, agency="anam").claims


def test_ctpat_on_anams_node_needs_anams_registry_entry(
    world: World, truck: dict[str, Any]
) -> None:
    # "broker" is accredited nowhere: its C-TPAT certificate is not trusted in MX.
    ctpat = world.issue("broker", "CTPATCertificate", attach.ctpat_subject(truck), now=NOW)
    anam = _stage(world, ANAM_AGREEMENT)
    declaration = build_pipeline(world.settings, credentials=anam).parse(
        {**truck, "presentations": [ctpat]}, now=NOW
    )
    report = anam.check(declaration, now=NOW, agency="anam")
    assert "untrusted" in report.failed_checks
    assert "oea" not in report.claims


def test_oea_binds_a_shipper_by_rfc_even_under_another_spelling(
    world: World, truck: dict[str, Any]
) -> None:
    declaration = build_pipeline(world.settings).parse(truck, now=NOW)
    shipper = truck["shipments"][0]["shipper"]
    assert shipper.get("rfc"), "the generated Mexican shipper has an RFC"
    subject = attach.oea_subject(truck, holder="shipper")
    subject["holder"] = {**subject["holder"], "name": "Nombre Comercial Distinto"}
    assert bind("OEACertificate", {"credentialSubject": subject}, declaration) is None
    subject["holder"] = {"name": "Nombre Comercial Distinto", "rfc": "XAXX010101000"}
    problem = bind("OEACertificate", {"credentialSubject": subject}, declaration)
    assert problem is not None and "titular" in problem.es


def test_an_oea_subject_with_a_malformed_rfc_is_refused_at_issue(
    world: World, truck: dict[str, Any]
) -> None:
    subject = attach.oea_subject(truck, holder="shipper")
    subject["holder"]["rfc"] = "NOT-AN-RFC"
    with pytest.raises(SchemaViolation):
        world.issue("sat-agace", "OEACertificate", subject, now=NOW)


def test_an_oea_issued_on_anams_node_counts_on_cbps_node(
    tmp_path_factory: pytest.TempPathFactory, truck: dict[str, Any]
) -> None:
    """Two nodes: SAT's issuer lives on ANAM's node (a peer, read over HTTP through its app);
    CBP's admin accredits it for OEACertificate in the US; the agreement recognizes OEA."""
    vocab = shared_path("conformance", "traceability-vocab")
    contexts = shared_path("conformance", "contexts")
    anam_url = "https://anam.example"
    anam = make_world(tmp_path_factory.mktemp("anam"), vocab, contexts, now=NOW, base_url=anam_url)
    cbp = make_world(
        tmp_path_factory.mktemp("cbp"), vocab, contexts, now=NOW, base_url="https://cbp.example"
    )
    oea = _oea(anam, truck)
    anam_app = create_app(anam.settings)  # publishes ANAM's org DIDs and status lists
    peers = Peers([anam_url], client=TestClient(anam_app, base_url=anam_url))
    stage = CredentialsStage.from_settings(
        cbp.settings, sessions=cbp.sessions, peers=peers, equivalents=CBP_AGREEMENT
    )
    pipeline = build_pipeline(cbp.settings, credentials=stage)
    try:
        untrusted = _decide_fetched(pipeline, {**truck, "presentations": [oea]})
        assert "credentials.check.untrusted" in untrusted.codes  # no entry yet in CBP's registry
        assert not _recognitions(untrusted)
        with transaction(cbp.sessions) as session:
            ensure_entry(
                session,
                TrustEntry(  # type: ignore[arg-type]
                    issuer=anam.svc.identities.did("sat-agace"),
                    credential_type="OEACertificate",
                    country="US",
                ),
                added_by="cbp-admin",
                now=NOW,
            )
        stage.refresh()
        decision = _decide_fetched(pipeline, {**truck, "presentations": [oea]})
        assert not [c for c in decision.codes if c.startswith("credentials.check.")]
        assert "risk.truck.ctpat_verified" in decision.codes
        assert [r.message_en for r in _recognitions(decision)] == [MRA_EN]
    finally:
        stage.close()
        anam_app.state.ctx.close()


def _decide_fetched(pipeline: Any, payload: dict[str, Any]) -> Any:
    """The decision once the peer's documents are cached (a decision never waits long)."""
    deadline = time.monotonic() + 10
    while True:
        decision = pipeline.decide(payload, now=NOW)
        pending = [r for r in decision.reasons if "being fetched in the background" in r.message_en]
        if not pending or time.monotonic() > deadline:
            return decision
        time.sleep(0.05)
