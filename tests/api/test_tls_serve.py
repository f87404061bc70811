"""``smartborder serve --ssl-certfile --ssl-keyfile``: a node served over HTTPS, with several
workers, against a real ``smartborder serve`` process and a certificate from a test CA
(trustme); a certificate that cannot be used is a clear bilingual usage error, not a traceback."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trustme
from typer.testing import CliRunner

from smartborder import cli

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def cert_files(ca: trustme.CA, tmp_path: Path) -> tuple[Path, Path, Path]:
    """(certificate chain, key, CA bundle) for 127.0.0.1."""
    cert = ca.issue_cert("127.0.0.1", "localhost")
    certfile, keyfile, cafile = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    for blob in cert.cert_chain_pems:
        with certfile.open("ab") as out:
            out.write(blob.bytes())
    cert.private_key_pem.write_to_path(str(keyfile))
    ca.cert_pem.write_to_path(str(cafile))
    return certfile, keyfile, cafile


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTBORDER_")}
    env["SMARTBORDER_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    return env


def _trusting(cafile: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cafile))


@pytest.fixture
def tls_node(cert_files: tuple[Path, Path, Path], tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A ``smartborder serve --workers 2`` over HTTPS on a free port: (port, CA bundle)."""
    certfile, keyfile, cafile = cert_files
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "smartborder.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--ssl-certfile",
            str(certfile),
            "--ssl-keyfile",
            str(keyfile),
        ],
        env=_env(tmp_path / "home"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(verify=_trusting(cafile), timeout=2) as client:
            while True:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "serve over TLS did not come up in 60 s"
                try:
                    if client.get(f"https://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
        yield port, cafile
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.mark.slow
def test_serve_with_a_certificate_answers_https_and_refuses_plain_http(
    tls_node: tuple[int, Path],
) -> None:
    port, cafile = tls_node
    with httpx.Client(verify=_trusting(cafile), timeout=5) as client:
        # Several requests on fresh connections: whichever worker accepts them speaks TLS.
        for _ in range(6):
            response = client.get(
                f"https://127.0.0.1:{port}/healthz", headers={"Connection": "close"}
            )
            assert response.status_code == 200
            assert response.url.scheme == "https"
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
    # A client that does not trust the CA refuses the node's certificate.
    with pytest.raises(httpx.ConnectError):
        httpx.get(
            f"https://127.0.0.1:{port}/healthz", timeout=5, verify=ssl.create_default_context()
        )


def _serve(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, ["serve", *args])
    return result.exit_code, result.output


def test_a_missing_certificate_file_is_a_bilingual_usage_error(tmp_path: Path) -> None:
    code, output = _serve("--ssl-certfile", str(tmp_path / "nope.pem"))
    assert code == 2
    assert "usage.tls" in output
    assert "does not exist" in output and "no existe" in output
    assert "Traceback" not in output


def test_a_key_that_is_not_the_certificates_is_a_usage_error(
    ca: trustme.CA, cert_files: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    certfile, _, _ = cert_files
    other = tmp_path / "other-key.pem"
    ca.issue_cert("127.0.0.1").private_key_pem.write_to_path(str(other))
    code, output = _serve("--ssl-certfile", str(certfile), "--ssl-keyfile", str(other))
    assert code == 2
    assert "usage.tls" in output
    assert "cannot serve TLS" in output and "no sirven para TLS" in output


def test_a_certificate_file_that_is_not_pem_is_a_usage_error(tmp_path: Path) -> None:
    junk = tmp_path / "cert.pem"
    junk.write_text("not a certificate\n")
    code, output = _serve("--ssl-certfile", str(junk), "--ssl-keyfile", str(junk))
    assert code == 2
    assert "cannot serve TLS" in output


def test_a_key_without_its_certificate_is_a_usage_error(
    cert_files: tuple[Path, Path, Path],
) -> None:
    _, keyfile, _ = cert_files
    code, output = _serve("--ssl-keyfile", str(keyfile))
    assert code == 2
    assert "--ssl-keyfile needs --ssl-certfile" in output
