"""The load generators against a server that stalls on purpose: the closed loop hides the
stall, the open loop measures it.

A tiny ASGI app under uvicorn answers at once, except that once a second it blocks its event
loop for 200 ms. A fifth of the time is stall, so open loop at a steady rate should put ~20 %
of requests behind it, with waits spread over 0–200 ms: p99 ≈ 190–200 ms. The closed loop's
four connections simply stop sending during the stall: its p99 stays near the normal answer
time.

Run: .venv/bin/python benchmarks/study_open_loop_check.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _httpload import build_request, open_loop_in_subprocess, run_load

APP = """
import time
last = [time.monotonic()]

async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    now = time.monotonic()
    if now - last[0] >= 1.0:
        last[0] = now
        time.sleep(0.2)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})
"""


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="sb-stall-"))
    (tmp / "stallapp.py").write_text(APP)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "stallapp:app", "--port", str(port)]
        + ["--log-level", "warning", "--no-access-log"],
        cwd=tmp,
        env={**os.environ, "PYTHONPATH": str(tmp)},
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        reqs = [build_request("GET", "/", f"127.0.0.1:{port}", {}, b"")] * 2500
        closed = run_load("127.0.0.1", port, reqs * 6, concurrency=4)  # over 2 s
        opened = open_loop_in_subprocess("127.0.0.1", port, reqs, rate=500, connections=64)
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"closed loop (4 connections): {closed.rps:,.0f}/s p50 {closed.median_ms:.1f} "
        f"p99 {closed.pct(0.99):.1f} max {max(closed.latencies_ms):.0f} ms"
    )
    print(
        f"open loop 500/s: achieved {opened.achieved_rate:,.0f}/s p50 {opened.pct(0.5):.1f} "
        f"p99 {opened.pct(0.99):.1f} p99.9 {opened.pct(0.999):.1f} max "
        f"{max(opened.latencies_ms):.0f} ms, errors {opened.errors}, generator "
        f"{100 * opened.cpu_s / opened.seconds:.0f}% of a core  (expected p99 ≈ 190–200 ms)"
    )


if __name__ == "__main__":
    main()
