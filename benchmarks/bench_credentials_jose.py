"""VC-JOSE and SD-JWT verification rates against the raw signature check of ``cryptography``.

Prints, for ES384 (P-384) and EdDSA (Ed25519): verifications per second of a signed trade
credential (``application/vc+jwt``: header checks, did:key resolution, JWS verification, JSON
parse) and the raw verification rate of the same curve in ``cryptography`` over a message of
the same size, measured in the same run on one core; and the SD-JWT VC rate with key binding.
Medians of 7 interleaved rounds (the ratio is the median of per-round ratios). Run: ``.venv/bin/python benchmarks/bench_credentials_jose.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "credentials"))
from cred_fixtures import carta_porte, make_issuer, sentri

from smartborder.credentials import holder as holder_mod
from smartborder.credentials import recipes
from smartborder.credentials.primitives import jose, sdjwt
from smartborder.credentials.primitives.did import DidResolver
from smartborder.credentials.primitives.keys import PrivateKey
from smartborder.credentials.types import CredentialTypes

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
ROUNDS = 7


def _per_s(fn: Callable[[], object], seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(10):
            fn()
        n += 10
    return n / elapsed


def paired(
    fn: Callable[[], object], baseline: Callable[[], object], *, seconds: float = 0.4
) -> tuple[float, float, float]:
    """Median rate of ``fn``, of ``baseline`` and of their ratio, over ROUNDS interleaved rounds
    (interleaving keeps the ratio honest on a busy machine)."""
    a, b, r = [], [], []
    for _ in range(ROUNDS):
        x, y = _per_s(fn, seconds), _per_s(baseline, seconds)
        a.append(x)
        b.append(y)
        r.append(x / y)
    return statistics.median(a), statistics.median(b), statistics.median(r)


def main() -> None:
    types = CredentialTypes()
    resolver = DidResolver(allow_web=False)
    resolve = recipes.key_resolver(resolver)
    print(f"{'what':48} {'per s':>10} {'baseline per s':>15} {'ratio':>7}")
    for key_type, alg in (("P-384", "ES384"), ("Ed25519", "EdDSA")):
        issuer = make_issuer(key_type)
        token = recipes.issue(
            carta_porte(), key=issuer.key, verification_method=issuer.vm, now=NOW, types=types
        )
        assert isinstance(token, str)
        signing_input = token.rsplit(".", 1)[0].encode()
        sig = issuer.key.sign(signing_input)
        pub = issuer.key.public
        obj = pub.crypto
        if isinstance(obj, ec.EllipticCurvePublicKey):
            from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

            der = encode_dss_signature(
                int.from_bytes(sig[:48], "big"), int.from_bytes(sig[48:], "big")
            )

            def raw(obj: Any = obj, der: bytes = der, msg: bytes = signing_input) -> None:
                obj.verify(der, msg, ec.ECDSA(hashes.SHA384()))
        else:

            def raw(obj: Any = obj, sig: bytes = sig, msg: bytes = signing_input) -> None:
                obj.verify(sig, msg)

        jws_rate, baseline, ratio = paired(
            lambda token=token: jose.verify_jwt(token, resolve_key=resolve), raw
        )
        print(
            f"{alg + ' vc+jwt verify (JWS + did:key)':48} {jws_rate:10.0f} {baseline:15.0f} {ratio:7.2f}"
        )
        full, baseline, ratio = paired(
            lambda token=token: recipes.verify(token, now=NOW, resolver=resolver, types=types), raw
        )
        print(
            f"{alg + ' recipes.verify (+ data model, schema, time)':48} {full:10.0f} {baseline:15.0f} {ratio:7.2f}"
        )
    issuer = make_issuer("P-384")
    holder = PrivateKey.generate("Ed25519")
    sd = recipes.issue(
        sentri(),
        key=issuer.key,
        verification_method=issuer.vm,
        now=NOW,
        types=types,
        format="dc+sd-jwt",
        disclosable=["birthDate", "givenName", "familyName", "passId"],
        holder=holder.public,
    )
    assert isinstance(sd, str)
    shown = sdjwt.present(
        sd, disclose=["givenName"], holder_key=holder, audience="cbp", nonce="n", now=NOW
    )
    sd_rate = statistics.median(
        _per_s(
            lambda: sdjwt.verify(shown, resolve_key=resolve, now=NOW, audience="cbp", nonce="n"),
            0.4,
        )
        for _ in range(ROUNDS)
    )
    print(f"{'SD-JWT VC ES384 + EdDSA key binding verify':48} {sd_rate:10.0f} {'':>15} {'':>7}")
    # A truck's presentation: Carta Porte + two more credentials, signed by the carrier (vp+jwt).
    carrier = make_issuer("P-384")
    creds = [
        recipes.issue(
            carta_porte(), key=issuer.key, verification_method=issuer.vm, now=NOW, types=types
        )
        for _ in range(3)
    ]
    vp = holder_mod.prove(
        {"verifiableCredential": creds},
        key=carrier.key,
        verification_method=carrier.vm,
        now=NOW,
        challenge="c",
        domain="cbp",
    )
    vp_rate = statistics.median(
        _per_s(
            lambda: holder_mod.verify_presentation(
                vp, now=NOW, resolver=resolver, types=types, challenge="c", domain="cbp"
            ),
            0.4,
        )
        for _ in range(ROUNDS)
    )
    print(f"{'vp+jwt with 3 vc+jwt credentials, full checks':48} {vp_rate:10.0f} {'':>15} {'':>7}")


if __name__ == "__main__":
    main()
