"""The served node's edges, against a real uvicorn server on 127.0.0.1 with raw sockets:
half-sent headers, huge headers and trickled bodies are cut off; a burst beyond capacity is
answered 503 with Retry-After at once instead of queueing; a client that hung up while its
request waited is not served."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn

from smartborder.api.serving import ServeConfig, ServeLimits

FAST = ServeLimits(keep_alive_s=1, header_timeout_s=1.0, body_timeout_s=1.0, queue_wait_s=5.0)


class ToyApp:
    """Answers every request after ``delay_s`` (the path ``hold`` once ``gate`` opens);
    records the paths it ran, after reading the whole body."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.ran: list[str] = []
        self.hold: str | None = None  # this path waits for the gate, opened by the test
        self.gate: asyncio.Event | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise OSError("client left")
            more = message.get("more_body", False)
        self.ran.append(scope["path"])
        if scope["path"] == self.hold:
            self.loop = asyncio.get_running_loop()
            self.gate = asyncio.Event()
            await self.gate.wait()
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@contextmanager
def served(app: Any, limits: ServeLimits) -> Iterator[tuple[int, uvicorn.Server]]:
    config = ServeConfig(
        app, limits=limits, host="127.0.0.1", port=0, log_level="critical", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield port, server
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def _read_until_closed(sock: socket.socket, *, within_s: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes; the seconds that took (bounded)."""
    start = time.monotonic()
    sock.settimeout(within_s)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        pytest.fail(f"the server kept the connection open more than {within_s} s")
    except ConnectionResetError:
        pass
    return data, time.monotonic() - start


def test_connection_that_never_sends_a_byte_is_closed() -> None:
    with served(ToyApp(), FAST) as (port, _), _connect(port) as sock:
        data, took = _read_until_closed(sock, within_s=8)
    assert data == b""
    assert took < 6


def test_half_sent_headers_are_answered_408_and_closed() -> None:
    with served(ToyApp(), FAST) as (port, _), _connect(port) as sock:
        sock.sendall(b"GET /x HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        data, took = _read_until_closed(sock, within_s=8)
    assert data.startswith(b"HTTP/1.1 408 ")
    assert took < 6


def test_header_of_100_kb_is_refused() -> None:
    app = ToyApp()
    with served(app, FAST) as (port, _), _connect(port) as sock:
        request = b"GET /x HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n"
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)  # closed while we were still sending: refused too
        data, _ = _read_until_closed(sock, within_s=8)
    assert data == b"" or data.startswith(b"HTTP/1.1 431 ")
    assert app.ran == []


def test_unterminated_header_stream_is_cut_off_at_the_cap() -> None:
    """Megabytes of header that never end: refused after the cap, not buffered."""
    with served(ToyApp(), FAST) as (port, _), _connect(port) as sock:
        sent = 0
        try:
            sock.sendall(b"GET /x HTTP/1.1\r\nHost: localhost\r\nX-Big: ")
            for _ in range(200):  # up to 12.8 MB
                sock.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            pass
    assert sent < 200 * 65536


def test_trickled_body_is_answered_408_and_closed() -> None:
    app = ToyApp()
    with served(app, FAST) as (port, _), _connect(port) as sock:
        sock.sendall(
            b"POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: 1000\r\n\r\n{"
        )
        answered = b""
        start = time.monotonic()
        sock.settimeout(0.3)
        for _ in range(40):  # one byte every 0.3 s, 12 s at most
            try:
                sock.sendall(b" ")
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                break
            if not chunk:
                break
            answered += chunk
        took = time.monotonic() - start
    assert answered.startswith(b"HTTP/1.1 408 ")
    assert b"connection: close" in answered.lower()
    assert took < 6
    assert app.ran == []


def test_idle_keep_alive_connection_is_closed() -> None:
    with served(ToyApp(), FAST) as (port, _), _connect(port) as sock:
        sock.sendall(b"GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n")
        data, took = _read_until_closed(sock, within_s=8)
    assert data.startswith(b"HTTP/1.1 200 ")
    assert took < 6


async def _get(port: int, path: str) -> tuple[int, dict[str, str], float]:
    start = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode()
        )
        raw = await asyncio.wait_for(reader.read(), timeout=30)
    finally:
        writer.close()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in head[1:] if ": " in line)
    return int(head[0].split()[1]), headers, time.monotonic() - start


def test_burst_beyond_capacity_is_shed_with_503_and_retry_after() -> None:
    """200 requests at once on a worker that runs 4 at a time, 0.2 s each, and lets a request
    wait 0.3 s: queueing them all would take 10 s; instead most are told to retry at once."""
    limits = ServeLimits(max_in_flight=4, max_queued=16, queue_wait_s=0.3)
    with served(ToyApp(delay_s=0.2), limits) as (port, _):

        async def burst() -> list[tuple[int, dict[str, str], float]]:
            return await asyncio.gather(*(_get(port, f"/r{i}") for i in range(200)))

        results = asyncio.run(burst())
    ok = [r for r in results if r[0] == 200]
    shed = [r for r in results if r[0] == 503]
    assert len(ok) + len(shed) == 200
    assert len(ok) >= 4
    assert len(shed) >= 150
    assert all(r[1].get("retry-after") == "1" for r in shed)
    assert all(r[1].get("content-type") == "application/problem+json" for r in shed)
    # A refusal comes faster than the slowest answer: nobody queued for the whole burst.
    assert max(r[2] for r in shed) < max(r[2] for r in ok) + 1


def test_waiting_request_of_a_client_that_hung_up_is_dropped() -> None:
    app = ToyApp()
    app.hold = "/first"
    limits = ServeLimits(max_in_flight=1, queue_wait_s=10.0)
    with served(app, limits) as (port, _), _connect(port) as holder:
        holder.sendall(b"GET /first HTTP/1.1\r\nHost: localhost\r\n\r\n")
        deadline = time.monotonic() + 5
        while app.gate is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert app.gate is not None and app.loop is not None
        with _connect(port) as leaver:  # waits in line behind /first, then hangs up
            leaver.sendall(b"GET /left HTTP/1.1\r\nHost: localhost\r\n\r\n")
            time.sleep(0.3)
        time.sleep(0.3)
        app.loop.call_soon_threadsafe(app.gate.set)
        status, _, _ = asyncio.run(_get(port, "/after"))
        holder.settimeout(5)
        assert holder.recv(65536).startswith(b"HTTP/1.1 200 ")
    assert status == 200
    assert app.ran == ["/first", "/after"]


def test_pipelined_requests_are_both_answered() -> None:
    with served(ToyApp(delay_s=0.05), FAST) as (port, _), _connect(port) as sock:
        one = b"GET /a HTTP/1.1\r\nHost: localhost\r\n\r\n"
        sock.sendall(one + b"GET /b HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        data, _ = _read_until_closed(sock, within_s=8)
    assert data.count(b"HTTP/1.1 200 ") == 2


def test_body_sent_while_waiting_in_line_reaches_the_app() -> None:
    app = ToyApp()
    app.hold = "/first"
    limits = ServeLimits(max_in_flight=1, queue_wait_s=10.0)
    with served(app, limits) as (port, _), _connect(port) as holder, _connect(port) as poster:
        holder.sendall(b"GET /first HTTP/1.1\r\nHost: localhost\r\n\r\n")
        deadline = time.monotonic() + 5
        while app.gate is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert app.gate is not None and app.loop is not None
        poster.sendall(
            b"POST /second HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n"
            b"Connection: close\r\n\r\n0123456789"
        )
        time.sleep(0.3)  # read while it waits
        app.loop.call_soon_threadsafe(app.gate.set)
        data, _ = _read_until_closed(poster, within_s=8)
    assert data.startswith(b"HTTP/1.1 200 ")
    assert app.ran == ["/first", "/second"]
