#!/usr/bin/env python3
"""Run the W3C CCG Traceability Interop conformance suite (Postman, via newman) against a
fresh SmartBorder node, offline, and print the pass/fail counts per folder.

What it does, in order:

1. a fresh ``SMARTBORDER_HOME`` (a temporary folder unless ``--home``) and a free port;
2. a self-signed TLS certificate for 127.0.0.1: the suite resolves ``did:web`` DIDs over
   https only (its ``convertDidWebToEndpoint``), so the node is served over https and newman
   runs with ``--insecure``; no request leaves the machine;
3. one client of role ``carrier`` (every VC-API scope) for the organization ``Interop
   Carrier``, created with ``smartborder clients create``;
4. the node (uvicorn over ``smartborder.api.app:create_app``, one worker, with TLS);
5. the newman environment: ``API_BASE_URL``, ``TOKEN_ENDPOINT``, ``TOKEN_AUDIENCE``,
   ``CLIENT_ID``, ``CLIENT_SECRET``, ``ORGANIZATION_DID_WEB`` (and ``CLIENT_SCOPE``, which the
   tutorial collections ask for);
6. newman with its JSON reporter; the summary counts every assertion (``pm.test``) by folder.

Use: ``python tools/interop/run_traceability.py [--collection FILE] [--newman BIN]
[--json-out FILE] [--failures]``. Exit status 0 when newman ran (whatever the counts), 2 when
it could not run (no newman, the node did not start). ``make interop`` installs newman and
runs this. Only the standard library and httpx (a SmartBorder dependency) are imported here;
the node runs in its own process with the interpreter running this script.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SHARED = Path(os.environ.get("SMARTBORDER_SHARED", ROOT.parent / "shared"))
SUITE_DIR = Path("conformance") / "traceability-interop"
DEFAULT_COLLECTION = "conformance_suite.postman_collection.json"
DEFAULT_NEWMAN = ROOT / ".interop" / "node_modules" / ".bin" / "newman"
ORG = "Interop Carrier"
#: The Traceability Interop profile's OAuth2 scopes (smartborder.clients.roles.VC_SCOPES).
VC_SCOPES = (
    "issue:credentials",
    "verify:credentials",
    "read:credentials",
    "update:credentials",
    "prove:presentations",
    "verify:presentations",
    "submit:presentations",
    "resolve:dids",
)
HOST = "127.0.0.1"


@dataclass
class FolderCount:
    passed: int = 0
    failed: int = 0
    requests: int = 0


@dataclass
class RunSummary:
    """Assertion counts of one newman run, by top-level folder, and each failure."""

    folders: dict[str, FolderCount] = field(default_factory=dict)
    failures: list[tuple[str, str, str]] = field(default_factory=list)  # (path, test, error)
    script_errors: int = 0

    @property
    def passed(self) -> int:
        return sum(f.passed for f in self.folders.values())

    @property
    def failed(self) -> int:
        return sum(f.failed for f in self.folders.values())

    @property
    def total(self) -> int:
        return self.passed + self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "passed": self.passed,
            "failed": self.failed,
            "total": self.total,
            "script_errors": self.script_errors,
            "folders": {k: vars(v) for k, v in self.folders.items()},
            "failures": [{"request": p, "test": t, "error": e} for p, t, e in self.failures],
        }


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate and key for 127.0.0.1 and localhost (newman runs --insecure)."""
    # cryptography is a SmartBorder dependency; imported here so --help stays instant.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smartborder-interop")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address(HOST))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / "tls-key.pem", directory / "tls-cert.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.chmod(key_path, 0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def node_env(home: Path, base_url: str, shared: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SMARTBORDER_HOME": str(home),
            "SMARTBORDER_BASE_URL": base_url,
            # The suite asks for a token per scope and sends ~300 requests in a few seconds.
            "SMARTBORDER_TOKEN_RATE_LIMIT_PER_MIN": "600",
            "SMARTBORDER_PUBLIC_RATE_LIMIT_PER_MIN": "6000",
            "PYTHONPATH": os.pathsep.join(
                p for p in (str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
            ),
        }
    )
    env.pop("SMARTBORDER_DATABASE_URL", None)  # always the fresh home's own SQLite file
    contexts = shared / "conformance"
    if (contexts / "contexts").is_dir():
        env.setdefault("SMARTBORDER_CONTEXTS_DIR", str(contexts))
    vocab = shared / "conformance" / "traceability-vocab"
    if vocab.is_dir():
        env.setdefault("SMARTBORDER_TRACEABILITY_VOCAB_DIR", str(vocab))
    return env


def create_client(env: dict[str, str]) -> dict[str, Any]:
    """``smartborder clients create --org ORG --role carrier --json`` (creates the store)."""
    out = subprocess.run(
        [sys.executable, "-m", "smartborder.cli", "clients", "create"]
        + ["--org", ORG, "--role", "carrier", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    client: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return client


def start_node(
    env: dict[str, str], port: int, key: Path, cert: Path, log: Path
) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "uvicorn", "smartborder.api.app:create_app", "--factory"]
    cmd += ["--host", HOST, "--port", str(port), "--log-level", "warning"]
    cmd += ["--ssl-keyfile", str(key), "--ssl-certfile", str(cert)]
    with log.open("wb") as fh:
        return subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT)


def wait_ready(base_url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the node exited with status {proc.returncode}")
        try:
            if httpx.get(f"{base_url}/readyz", verify=False, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the node was not ready within {timeout_s:.0f} s")


def did_web(base_url: str, *path: str) -> str:
    """``did:web`` of ``base_url`` (the port's colon percent-encoded, as did:web says)."""
    host = base_url.split("://", 1)[1].rstrip("/").replace(":", "%3A")
    return ":".join(["did:web", host, *path])


def environment(base_url: str, client: dict[str, Any]) -> dict[str, Any]:
    slug = "-".join(ORG.lower().split())
    values = {
        "API_BASE_URL": base_url,
        "TOKEN_ENDPOINT": f"{base_url}/oauth/token",
        "TOKEN_AUDIENCE": base_url,
        "CLIENT_ID": client["client_id"],
        "CLIENT_SECRET": client["client_secret"],
        "ORGANIZATION_DID_WEB": did_web(base_url, "orgs", slug),
        # The tutorial collections ask for this scope; the conformance suite names its own.
        "CLIENT_SCOPE": " ".join(VC_SCOPES),
    }
    return {
        "name": "smartborder-interop",
        "values": [{"key": k, "value": v, "enabled": True} for k, v in values.items()],
    }


def leaf_paths(items: list[dict[str, Any]], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every request of a collection, in the order newman runs them."""
    out: list[tuple[str, ...]] = []
    for item in items:
        path = (*prefix, item["name"])
        if "item" in item:
            out += leaf_paths(item["item"], path)
        else:
            out.append(path)
    return out


def summarize(collection: dict[str, Any], report: dict[str, Any]) -> RunSummary:
    """Count the assertions of a newman JSON report by the top-level folder of each request."""
    paths = leaf_paths(collection["item"])
    executions = report["run"]["executions"]
    summary = RunSummary()
    for folder in dict.fromkeys(p[0] for p in paths):
        summary.folders[folder] = FolderCount()
    queue = list(paths)
    seen: set[str] = set()
    for ex in executions:
        item_id, name = ex["item"].get("id", ""), ex["item"]["name"]
        if item_id in seen:
            # newman reports a request whose pre-request script called pm.sendRequest twice,
            # with the same assertions: count them once.
            continue
        seen.add(item_id)
        # Executions follow the collection's order; match by name in case one is skipped.
        while queue and queue[0][-1] != name:
            queue.pop(0)
        current = queue.pop(0) if queue else ("?", name)
        count = summary.folders.setdefault(current[0], FolderCount())
        count.requests += 1
        for a in ex.get("assertions") or []:
            if a.get("error"):
                count.failed += 1
                summary.failures.append(
                    (" / ".join(current), a["assertion"], str(a["error"].get("message", "")))
                )
            else:
                count.passed += 1
    # A script that throws outside any pm.test (e.g. a pre-request script) fails its request.
    script_errors: dict[tuple[str, str, str], None] = {}
    for f in report["run"].get("failures", []):
        error = f.get("error") or {}
        if error.get("name") != "AssertionError" and not error.get("test"):
            source = (f.get("source") or {}).get("name", "?")
            script_errors[(source, "(script error)", str(error.get("message")))] = None
    summary.failures += script_errors
    summary.script_errors = len(script_errors)
    return summary


def print_summary(summary: RunSummary, *, failures: bool) -> None:
    width = max(len(k) for k in summary.folders) if summary.folders else 10
    print(f"{'folder':<{width}}  requests  passed  failed")
    for name, c in summary.folders.items():
        print(f"{name:<{width}}  {c.requests:>8}  {c.passed:>6}  {c.failed:>6}")
    pct = 100 * summary.passed / summary.total if summary.total else 0.0
    print(
        f"{'total':<{width}}  {'':>8}  {summary.passed:>6}  {summary.failed:>6}  ({pct:.1f} % pass)"
    )
    if summary.script_errors:
        print(f"script errors outside assertions: {summary.script_errors}")
    if failures:
        by_test = Counter(t for _, t, _ in summary.failures)
        print("\nfailures by assertion:")
        for test, n in by_test.most_common():
            print(f"  {n:>4}  {test}")
        print("\nfailures:")
        for path, test, error in summary.failures:
            print(f"  {path}\n      {test}: {error}")


def run(args: argparse.Namespace) -> int:
    newman = Path(args.newman)
    if not newman.exists() and shutil.which(str(args.newman)) is None:
        print(f"newman not found at {newman}; run `make interop` to install it", file=sys.stderr)
        return 2
    collection_path = Path(args.collection)
    collection = json.loads(collection_path.read_text(encoding="utf-8"))
    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="smartborder-interop-"))
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"https://{HOST}:{port}"
    env = node_env(home, base_url, Path(args.shared))
    key, cert = self_signed_cert(home)
    client = create_client(env)
    proc = start_node(env, port, key, cert, home / "node.log")
    try:
        wait_ready(base_url, proc)
        env_file = home / "newman-environment.json"
        env_file.write_text(json.dumps(environment(base_url, client), indent=2))
        report_file = Path(args.json_out) if args.json_out else home / "newman-report.json"
        report_file.parent.mkdir(parents=True, exist_ok=True)
        cmd = [str(newman), "run", str(collection_path), "-e", str(env_file), "--insecure"]
        cmd += ["--reporters", "json", "--reporter-json-export", str(report_file)]
        cmd += ["--timeout-request", "30000", "--suppress-exit-code"]
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        if done.returncode != 0 or not report_file.exists():
            print(done.stdout[-4000:], done.stderr[-4000:], sep="\n", file=sys.stderr)
            return 2
        summary = summarize(collection, json.loads(report_file.read_text(encoding="utf-8")))
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"could not run the suite: {exc}; node log: {home / 'node.log'}", file=sys.stderr)
        return 2
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"{collection_path.name} against {base_url} (newman {seconds:.1f} s)\n")
    print_summary(summary, failures=args.failures)
    if args.summary_out:
        Path(args.summary_out).write_text(json.dumps(summary.to_dict(), indent=2))
    if not args.home and not args.keep:
        shutil.rmtree(home, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(DEFAULT_SHARED), help="the shared data folder")
    parser.add_argument(
        "--collection",
        default=None,
        help=f"Postman collection (default: SHARED/{SUITE_DIR}/{DEFAULT_COLLECTION})",
    )
    parser.add_argument("--newman", default=str(DEFAULT_NEWMAN), help="the newman executable")
    parser.add_argument("--home", default=None, help="SMARTBORDER_HOME to use (kept)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home")
    parser.add_argument("--json-out", default=None, help="where to write newman's JSON report")
    parser.add_argument("--summary-out", default=None, help="where to write the counts (JSON)")
    parser.add_argument("--failures", action="store_true", help="list every failed assertion")
    args = parser.parse_args(argv)
    if args.collection is None:
        args.collection = str(Path(args.shared) / SUITE_DIR / DEFAULT_COLLECTION)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
