"""VC 1.1 Ed25519Signature2020 verification vs eddsa-rdfc-2022, same credential, same run.

The credential is the commercial invoice of ``bench_credentials_core`` (two parties, five line
items): once as VC 2.0 secured with eddsa-rdfc-2022 (what SmartBorder issues), once as VC 1.1
(``credentials/v1``, ``issuanceDate``) secured with Ed25519Signature2020 (what the 2023–24
SVIP cohorts issued), the same Ed25519 key signing both. Each is verified through the whole
recipe (``credentials.verify``: proof, issuer binding, data model, schema lookup, validity)
and through the proof primitive alone (``verify_proof``). Target (issue 14): the VC 1.1 rate
within 20 % of eddsa-rdfc-2022's, i.e. a ratio >= 80 %.

Short rounds alternate between the two paths; rates are medians and each ratio is the median
of the per-round ratios. Run:
``.venv/bin/python benchmarks/bench_vc11_verify.py [--contexts DIR] [--rounds N]``
(contexts default: ../shared/conformance/contexts); about 20 s with the defaults.
"""

from __future__ import annotations

import argparse
import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_credentials_core import _paired, trade_credential
from smartborder.credentials import (
    ContextStore,
    CredentialTypes,
    DidResolver,
    KeyType,
    PrivateKey,
    did_key_for,
    issue,
    verify,
)
from smartborder.credentials.primitives import verify_proof
from smartborder.credentials.primitives.jsonld import to_quads
from smartborder.credentials.primitives.multibase import encode_base58btc
from smartborder.credentials.primitives.rdfc import canonical_nquads
from smartborder.credentials.primitives.suite_contexts import (
    ED25519_2020_V1,
    ensure_suite_contexts,
)

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2025, 6, 1, tzinfo=UTC)


def _canonical_hash(doc: dict[str, Any], contexts: ContextStore) -> bytes:
    return hashlib.sha256(canonical_nquads(to_quads(doc, contexts=contexts)).encode()).digest()


def sign_ed25519_2020(
    doc: dict[str, Any], key: PrivateKey, vm: str, contexts: ContextStore
) -> dict[str, Any]:
    """An Ed25519Signature2020 proof (hash of the canonical proof options, then of the
    document, concatenated and signed); SmartBorder never issues these, the benchmark must."""
    options = {
        "type": "Ed25519Signature2020",
        "created": "2025-03-01T08:00:00Z",
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
    }
    data = _canonical_hash({**options, "@context": doc["@context"]}, contexts) + _canonical_hash(
        doc, contexts
    )
    return {**doc, "proof": {**options, "proofValue": encode_base58btc(key.sign(data))}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--contexts", type=Path, default=ROOT.parent / "shared" / "conformance" / "contexts"
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=0.3, help="length of one round per path")
    args = parser.parse_args()

    contexts = ensure_suite_contexts(ContextStore([args.contexts]))
    resolver = DidResolver(allow_web=False)
    types = CredentialTypes()
    key = PrivateKey.generate(KeyType.ED25519)
    did = did_key_for(key.public)
    vm = f"{did}#{key.public.multikey}"

    v2 = {**trade_credential(), "issuer": did}
    v2_signed = issue(
        v2,
        key=key,
        verification_method=vm,
        now=NOW,
        types=types,
        suite="eddsa-rdfc-2022",
        contexts=contexts,
        open_types=True,  # CommercialInvoiceCredential's schema lives in the vocabulary
    )
    v11 = {k: v for k, v in v2.items() if k != "validFrom"}
    v11["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        ED25519_2020_V1,
        *v2["@context"][1:],
    ]
    v11["issuanceDate"] = v2["validFrom"]
    v11_signed = sign_ed25519_2020(v11, key, vm, contexts)

    def recipe(doc: Any) -> Any:
        return verify(doc, now=NOW, resolver=resolver, types=types, contexts=contexts)

    for doc in (v2_signed, v11_signed):
        result = recipe(doc)
        assert result.verified and not result.failed_checks, result.errors

    print(
        f"VC 1.1 Ed25519Signature2020 vs VC 2.0 eddsa-rdfc-2022, one core, {args.rounds} paired rounds, medians\n"
    )
    old, new, ratio = _paired(
        lambda: recipe(v11_signed), lambda: recipe(v2_signed), args.rounds, args.seconds
    )
    print(f"credentials.verify  Ed25519Signature2020 (VC 1.1) {old:8.0f} /s")
    print(f"credentials.verify  eddsa-rdfc-2022 (VC 2.0)      {new:8.0f} /s   (baseline)")
    print(f"  ratio                                           {ratio:8.1%}   (target >= 80%)")
    old, new, ratio = _paired(
        lambda: verify_proof(v11_signed, resolver=resolver, now=NOW, contexts=contexts),
        lambda: verify_proof(v2_signed, resolver=resolver, now=NOW, contexts=contexts),
        args.rounds,
        args.seconds,
    )
    print(f"verify_proof        Ed25519Signature2020 (VC 1.1) {old:8.0f} /s")
    print(f"verify_proof        eddsa-rdfc-2022 (VC 2.0)      {new:8.0f} /s   (baseline)")
    print(f"  ratio                                           {ratio:8.1%}   (target >= 80%)")


if __name__ == "__main__":
    main()
