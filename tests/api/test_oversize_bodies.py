"""Oversize bodies against a real server: an ordinary client reads the 413 (problem+json) and
the connection ends cleanly, instead of a TCP reset that loses the answer."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from smartborder.api import create_app
from smartborder.api.limits import DRAIN_FACTOR
from smartborder.config import Settings

LIMIT = 100_000


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp: Path = tmp_path_factory.mktemp("oversize")
    app = create_app(Settings(home=tmp / "home", max_body_bytes=LIMIT))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    app.state.ctx.close()


def _assert_413(r: httpx.Response) -> None:
    assert r.status_code == 413
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["code"] == "too_large"
    assert r.headers["connection"] == "close"


def test_body_a_few_times_too_large_gets_a_readable_413(base_url: str) -> None:
    body = b"x" * (DRAIN_FACTOR * LIMIT - 1)
    with httpx.Client(base_url=base_url, timeout=10) as client:
        _assert_413(client.post("/oauth/token", content=body))
        # The client's next request, on a new connection, is served normally.
        assert client.get("/healthz").status_code == 200


def test_streamed_body_over_the_limit_gets_a_readable_413(base_url: str) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        for _ in range(30):
            yield b"x" * 10_000

    with httpx.Client(base_url=base_url, timeout=10) as client:
        _assert_413(
            client.post(
                "/oauth/token",
                content=chunks(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        )


def test_client_waiting_for_100_continue_gets_413_without_sending(base_url: str) -> None:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            b"POST /declarations/trucks HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
            + f"Content-Length: {50 * LIMIT}\r\n\r\n".encode()
        )
        answer = b""
        while chunk := sock.recv(65536):  # until the server closes, cleanly
            answer += chunk
    head = answer.split(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.1 413") and b"connection: close" in head
    assert b"100 continue" not in answer.lower()
