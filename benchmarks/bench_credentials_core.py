"""Data Integrity verification rates against their baselines, measured in the same run.

1. eddsa-jcs-2022 verification vs raw Ed25519 verification (``cryptography``) of the same
   64-byte hash input, one core.  Target: >= 85 %. The node verifies Ed25519 with libsodium
   (PyNaCl), about twice OpenSSL's rate here, so a second ratio against libsodium's own raw
   rate shows what the Data Integrity steps around the signature check cost.
2. eddsa-rdfc-2022 verification of a typical trade credential (a commercial invoice with
   line items) vs the same verification done with pyld's JSON-LD processing and pyld's
   URDNA2015 canonicalization of the document and the proof configuration.  Target: >= 10x.
3. ecdsa-rdfc-2019 / ecdsa-jcs-2019 (P-384) vs raw P-384 ECDSA verification, for reference.

Short rounds alternate between the measured path and its baseline; the rates are medians
and each ratio is the median of the per-round ratios (robust to load on a shared machine).
Run: ``.venv/bin/python benchmarks/bench_credentials_core.py [--contexts DIR] [--rounds N]``
(contexts default: ../shared/conformance).
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nacl.bindings import crypto_sign_open
from pyld import jsonld

from smartborder.credentials import ContextStore, DidResolver, KeyType, PrivateKey, did_key_for
from smartborder.credentials.primitives import add_proof, verify_proof
from smartborder.credentials.primitives.ldtemplates import templates_for
from smartborder.credentials.primitives.multibase import decode_base58btc

ROOT = Path(__file__).resolve().parents[1]


def trade_credential() -> dict[str, Any]:
    """A commercial invoice credential of a typical size (two parties, five line items)."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://www.w3.org/ns/credentials/examples/v2",
        ],
        "id": "urn:uuid:5d3c2a7e-9f1b-4c8e-a3d2-7b6e0f1c2d34",
        "type": ["VerifiableCredential", "CommercialInvoiceCredential"],
        "issuer": "did:web:exportadora.example",
        "validFrom": "2025-03-01T08:00:00Z",
        "credentialSubject": {
            "id": "urn:uuid:0f6a1c2e-6a57-4b4f-8f4e-1b2c3d4e5f60",
            "invoiceNumber": "FA-2025-000417",
            "invoiceDate": "2025-02-28",
            "seller": {
                "name": "Exportadora del Norte S.A. de C.V.",
                "taxId": "ENO850101AB1",
                "address": {
                    "street": "Av. Constitucion 1200",
                    "city": "Monterrey",
                    "country": "MX",
                },
            },
            "buyer": {
                "name": "Border Freight Imports LLC",
                "taxId": "74-1234567",
                "address": {"street": "100 Commerce St", "city": "Laredo", "country": "US"},
            },
            "incoterm": "FCA",
            "items": [
                {
                    "lineNumber": i + 1,
                    "hsCode": code,
                    "description": desc,
                    "quantity": qty,
                    "unitPrice": {"value": price, "currency": "USD"},
                    "originCountry": "MX",
                }
                for i, (code, desc, qty, price) in enumerate(
                    [
                        ("870421", "Light-duty truck chassis", 4, "18250.00"),
                        ("840820", "Diesel engine, 6 cylinders", 4, "7400.00"),
                        ("870899", "Axle assemblies", 8, "1320.50"),
                        ("401120", "Radial tyres for trucks", 48, "212.75"),
                        ("852910", "Antennas and parts", 12, "38.90"),
                    ]
                )
            ],
            "totalAmount": {"value": "129868.80", "currency": "USD"},
        },
    }


def _rate(fn: Callable[[], object], seconds: float) -> float:
    """Calls per second of ``fn`` over about ``seconds``."""
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        fn()
        n += 1
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def _paired(
    a: Callable[[], object], b: Callable[[], object], rounds: int, seconds: float
) -> tuple[float, float, float]:
    """Median rates of ``a`` and ``b`` and the median of the per-round ratios a/b. Rounds are
    short and alternate, so a change of load on a shared machine hits both sides of a pair
    alike; the ratio of each pair is what is robust, not the absolute rates."""
    ra, rb, ratios = [], [], []
    for _ in range(rounds):
        ra.append(_rate(a, seconds))
        rb.append(_rate(b, seconds))
        ratios.append(ra[-1] / rb[-1])
    return statistics.median(ra), statistics.median(rb), statistics.median(ratios)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contexts", type=Path, default=ROOT.parent / "shared" / "conformance")
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=0.1, help="length of one round per path")
    parser.add_argument(
        "--only", choices=("jcs", "rdfc", "ecdsa"), help="run one of the three sections"
    )
    args = parser.parse_args()

    contexts = ContextStore([args.contexts])
    resolver = DidResolver(allow_web=False)
    ed = PrivateKey.generate(KeyType.ED25519)
    p384 = PrivateKey.generate(KeyType.P384)
    vm_ed = f"{did_key_for(ed.public)}#{ed.public.multikey}"
    vm_p384 = f"{did_key_for(p384.public)}#{p384.public.multikey}"
    cred = trade_credential()

    print(f"Data Integrity verification, one core, {args.rounds} paired rounds, medians\n")

    if args.only in (None, "jcs"):
        _jcs_section(cred, ed, vm_ed, resolver, contexts, args)
    if args.only in (None, "rdfc"):
        _rdfc_section(cred, ed, vm_ed, resolver, contexts, args)
    if args.only in (None, "ecdsa"):
        _ecdsa_section(cred, p384, vm_p384, resolver, contexts, args)


def _jcs_section(
    cred: dict[str, Any],
    ed: PrivateKey,
    vm_ed: str,
    resolver: DidResolver,
    contexts: ContextStore,
    args: argparse.Namespace,
) -> None:
    # 1. eddsa-jcs-2022 vs raw Ed25519 of the same hash input
    jcs_signed = add_proof(
        cred, key=ed, suite="eddsa-jcs-2022", verification_method=vm_ed, contexts=contexts
    )
    assert verify_proof(jcs_signed, resolver=resolver, contexts=contexts).verified
    message = hashlib.sha256(b"proof").digest() + hashlib.sha256(b"document").digest()
    raw_sig = ed.sign(message)
    raw_pub = ed.public.crypto
    sodium_pub = ed.public.raw

    def verify() -> Any:
        return verify_proof(jcs_signed, resolver=resolver, contexts=contexts)

    # The baseline: raw Ed25519 through `cryptography` (OpenSSL).
    jcs_rate, raw_rate, ratio = _paired(
        verify, lambda: raw_pub.verify(raw_sig, message), args.rounds, args.seconds
    )
    # The primitive the node verifies Ed25519 with is libsodium's (credentials/primitives/keys.py): its
    # raw rate says how much the Data Integrity steps around it cost.
    _, sodium_rate, sodium_ratio = _paired(
        verify, lambda: crypto_sign_open(raw_sig + message, sodium_pub), args.rounds, args.seconds
    )
    print(f"eddsa-jcs-2022 verify      {jcs_rate:9.0f} /s")
    print(f"raw Ed25519 verify         {raw_rate:9.0f} /s   (baseline: cryptography/OpenSSL)")
    print(f"  ratio                    {ratio:9.1%}   (target >= 85%)")
    print(f"raw Ed25519 via libsodium  {sodium_rate:9.0f} /s   (the primitive used)")
    print(f"  ratio                    {sodium_ratio:9.1%}   (the Data Integrity steps' cost)\n")


def _rdfc_section(
    cred: dict[str, Any],
    ed: PrivateKey,
    vm_ed: str,
    resolver: DidResolver,
    contexts: ContextStore,
    args: argparse.Namespace,
) -> None:
    # 2. eddsa-rdfc-2022: ours vs pyld's JSON-LD + URDNA2015
    rdfc_signed = add_proof(
        cred, key=ed, suite="eddsa-rdfc-2022", verification_method=vm_ed, contexts=contexts
    )
    assert verify_proof(rdfc_signed, resolver=resolver, contexts=contexts).verified
    loader = contexts.loader()

    def pyld_verify() -> bool:
        proof = rdfc_signed["proof"]
        unsecured = {k: v for k, v in rdfc_signed.items() if k != "proof"}
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        config["@context"] = unsecured["@context"]
        opts: Any = {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": loader,
        }
        doc_nq = jsonld.normalize(unsecured, opts)
        cfg_nq = jsonld.normalize(config, opts)
        data = hashlib.sha256(cfg_nq.encode()).digest() + hashlib.sha256(doc_nq.encode()).digest()
        key = resolver.verification_method(proof["verificationMethod"], purpose="assertionMethod")
        return key.public_key.verify(decode_base58btc(proof["proofValue"]), data)

    assert pyld_verify()
    rdfc_rate, pyld_rate, speedup = _paired(
        lambda: verify_proof(rdfc_signed, resolver=resolver, contexts=contexts),
        pyld_verify,
        args.rounds,
        args.seconds,
    )
    print(f"eddsa-rdfc-2022 verify     {rdfc_rate:9.0f} /s")
    print(
        f"same through pyld          {pyld_rate:9.0f} /s   (baseline: pyld expansion + URDNA2015)"
    )
    print(f"  speed-up                 {speedup:9.1f}x   (target >= 10x)")
    cold_store = ContextStore([args.contexts])

    def cold_verify() -> None:
        templates_for(cold_store).clear()  # every call is the first of its shape
        verify_proof(rdfc_signed, resolver=resolver, contexts=cold_store)

    cold = _rate(cold_verify, args.seconds * 2)
    print(f"  first credential of a shape (builds and checks its template): {cold:.0f} /s\n")


def _ecdsa_section(
    cred: dict[str, Any],
    p384: PrivateKey,
    vm_p384: str,
    resolver: DidResolver,
    contexts: ContextStore,
    args: argparse.Namespace,
) -> None:
    # 3. ECDSA P-384 for reference
    p384_msg = hashlib.sha384(b"proof").digest() + hashlib.sha384(b"document").digest()
    p384_sig = p384.sign(p384_msg)
    for suite in ("ecdsa-jcs-2019", "ecdsa-rdfc-2019"):
        signed = add_proof(
            cred, key=p384, suite=suite, verification_method=vm_p384, contexts=contexts
        )
        assert verify_proof(signed, resolver=resolver, contexts=contexts).verified
        rate, raw, ratio = _paired(
            lambda signed=signed: verify_proof(signed, resolver=resolver, contexts=contexts),
            lambda: p384.public.verify(p384_sig, p384_msg),
            max(3, args.rounds // 2),
            args.seconds,
        )
        print(f"{suite} P-384 verify {rate:9.0f} /s   raw P-384 {raw:9.0f} /s   ratio {ratio:6.1%}")


if __name__ == "__main__":
    main()
