"""VC-API verify throughput in process: ``POST /credentials/verify`` through the whole stack.

Builds the node's app on a temporary SQLite home (JSON-LD contexts from ../shared/conformance,
as the tests read them), registers a carrier, issues ``--n`` Carta Porte credentials once per
format through ``POST /credentials/issue``, then times ``POST /credentials/verify`` of each
through ``fastapi.testclient.TestClient`` (routing, auth, body parsing, the verifier, the
answer's serialization). Baselines measured in the same run, whose code does not depend on the
source tree: raw Ed25519 (libsodium) and raw P-384 ECDSA (OpenSSL) signature checks.

Verifications/s are counted on this process's CPU time (``time.process_time``, all threads:
the TestClient's portal thread and the route's worker thread included), which other processes
do not inflate; wall-clock figures are given beside them. Each is the median of ``--runs``
runs. Run with ``PYTHONPATH=<tree>/src``; ``bench_vcapi_regression.py`` runs it against two
trees with ``--serve`` (one step per figure named on stdin, interleaved with the other tree's).

    .venv/bin/python benchmarks/_vcapi_verify.py [--n 100] [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from nacl.bindings import crypto_sign_open
from nacl.signing import SigningKey

from _regression import serve
from smartborder.api import create_app
from smartborder.clients import Role, create_client
from smartborder.config import Settings
from smartborder.store import transaction

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "credentials"))
from cred_fixtures import carta_porte, issued_by  # noqa: E402  (the tests' Carta Porte)

ORG = "Transportes Norte"
#: Issue options of each measured format (vc+jwt with ES384 is the node's default).
FORMATS: dict[str, dict[str, str]] = {
    "vc+jwt (ES384)": {},
    "eddsa-rdfc-2022": {"cryptosuite": "eddsa-rdfc-2022"},
    "eddsa-jcs-2022": {"cryptosuite": "eddsa-jcs-2022"},
}


def carrier_client(app: Any) -> TestClient:
    """A TestClient with a bearer token of a new carrier client of ``ORG``."""
    with transaction(app.state.ctx.sessions) as session:
        new = create_client(session, org=ORG, role=Role.CARRIER)
    tc = TestClient(app)
    resp = tc.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(new.client_id, new.client_secret),
    )
    resp.raise_for_status()
    tc.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"
    return tc


def issue_all(tc: TestClient, base_url: str, n: int, options: dict[str, str]) -> list[Any]:
    credential = issued_by(ORG, carta_porte(), base_url)
    del credential["validUntil"]  # the fixture's end of 2026 would expire; these stay valid
    issued = []
    for _ in range(n):  # each gets its own id and status list index
        body = {"credential": credential, "options": options}
        resp = tc.post("/credentials/issue", json=body)
        if resp.status_code != 201:
            raise SystemExit(f"issue failed ({options}): {resp.status_code} {resp.text}")
        issued.append(resp.json()["verifiableCredential"])
    return issued


def verify_all(tc: TestClient, credentials: list[Any]) -> None:
    for vc in credentials:
        result = tc.post("/credentials/verify", json={"verifiableCredential": vc}).json()
        if result.get("verified") is not True:
            raise SystemExit(f"verification failed: {result}")


def measure(step: Callable[[], None], count: int, runs: int) -> tuple[float, float]:
    """Median operations/s over ``runs`` runs of ``step`` (``count`` operations each), by
    CPU time and by wall clock."""
    cpu, wall = [], []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        step()
        cpu.append(count / (time.process_time() - c0))
        wall.append(count / (time.perf_counter() - w0))
    return statistics.median(cpu), statistics.median(wall)


def raw_signature_baselines(n: int) -> dict[str, tuple[int, Callable[[], None]]]:
    """Raw signature checks of one 64-byte message (no tree code): per baseline, how many
    checks a step makes (about as long as a step of ``n`` verifications) and the step."""
    message = bytes(range(64))
    signed = SigningKey(b"\x01" * 32).sign(message)
    public = bytes(SigningKey(b"\x01" * 32).verify_key)
    p384 = ec.derive_private_key(7, ec.SECP384R1())
    signature = p384.sign(message, ec.ECDSA(hashes.SHA384()))
    p384_public = p384.public_key()
    n_ed25519, n_p384 = 50 * n, 5 * n

    def ed25519() -> None:
        for _ in range(n_ed25519):
            crypto_sign_open(signed, public)

    def es384() -> None:
        for _ in range(n_p384):
            p384_public.verify(signature, message, ec.ECDSA(hashes.SHA384()))

    return {
        "raw Ed25519 (libsodium)": (n_ed25519, ed25519),
        "raw P-384 ECDSA (OpenSSL)": (n_p384, es384),
    }


Steps = dict[str, tuple[int, Callable[[], None]]]


def prepare(stack: ExitStack, n: int, contexts: Path) -> Steps:
    """The measured steps by figure name: per format, ``n`` verifications over HTTP of
    credentials issued here once; then the raw signature baselines."""
    tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="sb-bench-vcapi-"))
    settings = Settings(home=Path(tmp) / "home", contexts_dir=contexts)
    app = create_app(settings)
    stack.callback(app.state.ctx.close)
    tc = carrier_client(app)
    steps: Steps = {}
    for name, options in FORMATS.items():
        issued = issue_all(tc, settings.base_url, n, options)
        verify_all(tc, issued[:5])  # warm: DID document, status list, caches
        step = partial(verify_all, tc, issued)
        steps[f"{name} | POST /credentials/verify"] = (n, step)
    for name, (count, raw) in raw_signature_baselines(n).items():
        steps[f"{name} | baseline"] = (count, raw)
    return steps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="credentials per format")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median reported)")
    parser.add_argument(
        "--contexts", type=Path, default=ROOT.parent / "shared" / "conformance" / "contexts"
    )
    parser.add_argument("--json", type=Path, help="also write the figures (verifications/s) here")
    parser.add_argument("--serve", action="store_true", help="run steps named on stdin")
    args = parser.parse_args()
    with ExitStack() as stack:
        steps = prepare(stack, args.n, args.contexts)
        if args.serve:
            serve(steps)
            return
        results = {key: measure(step, count, args.runs) for key, (count, step) in steps.items()}
    print(f"VC-API verify in process ({args.n} credentials per format, median of {args.runs})")
    print(f"{'format | step':<50}{'verif/s CPU':>14}{'verif/s wall':>14}")
    for key, (cpu, wall) in results.items():
        print(f"{key:<50}{cpu:>14,.0f}{wall:>14,.0f}")
    if args.json:
        args.json.write_text(json.dumps({key: cpu for key, (cpu, _) in results.items()}))


if __name__ == "__main__":
    main()
