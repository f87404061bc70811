"""Small HTTP/1.1 load generators on asyncio streams (keep-alive connections).

Two disciplines:

* closed loop (:func:`run_load`): each of ``concurrency`` connections sends its next request
  once the previous answer is in. A stall of the server also stalls the generator, so the
  requests that would have arrived during the stall are never sent and never measured
  ("coordinated omission"): the percentiles hide stalls.
* open loop (:func:`run_open_loop`): request ``i`` is due at ``start + i / rate`` whatever
  the server does, and its latency is measured from that scheduled instant, as wrk2 does.
  A request that waits for a free connection, or is sent late because the generator was
  slow, carries that wait in its latency. The generator's own CPU time is reported.

Why not httpx: at the rates measured here the generator shares the machine's two cores with
the server; httpx's per-request overhead in Python (measured ~0.4 ms here) would cap the run
below the server's capacity. Raw pre-serialised requests on keep-alive sockets cost far less.

Run the open loop in its own process (:func:`open_loop_in_subprocess`): a fresh interpreter
with a small heap, garbage collection off during the run, so neither the benchmark's heap nor
its collector delays the schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LoadResult:
    requests: int
    seconds: float
    statuses: dict[int, int]
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``; NaN if there are none."""
    if not values:
        return float("nan")
    xs = sorted(values)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def build_request(method: str, path: str, host: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, req: bytes) -> int:
    """Send ``req`` and read its whole answer; the status code."""
    writer.write(req)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed by the server")
    status = int(status_line.split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def _worker(
    host: str, port: int, next_request: Callable[[], bytes | None], out: LoadResult
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (req := next_request()) is not None:
            t0 = time.perf_counter()
            status = await _exchange(reader, writer, req)
            out.latencies_ms.append((time.perf_counter() - t0) * 1000)
            out.statuses[status] = out.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _run(host: str, port: int, requests: list[bytes], concurrency: int) -> LoadResult:
    it = iter(requests)
    out = LoadResult(len(requests), 0.0, {}, [])

    def next_request() -> bytes | None:
        return next(it, None)

    t0 = time.perf_counter()
    await asyncio.gather(*(_worker(host, port, next_request, out) for _ in range(concurrency)))
    out.seconds = time.perf_counter() - t0
    return out


def run_load(host: str, port: int, requests: list[bytes], *, concurrency: int) -> LoadResult:
    """Closed loop: ``concurrency`` connections, each sending its next request on an answer."""
    return asyncio.run(_run(host, port, requests, concurrency))


@dataclass
class OpenLoopResult:
    """One open-loop run. Times are ``time.monotonic()`` seconds (one clock for every process
    of the machine, so a server's own records can be lined up with these)."""

    rate: float  # the target, requests a second
    start: float  # the instant request 0 was due
    seconds: float  # from ``start`` to the last answer
    statuses: dict[int, int]
    errors: int  # requests without an HTTP answer (connection refused, reset, timeout)
    latencies_ms: list[float]  # per request, in schedule order, from its scheduled instant
    send_lag_ms: list[float]  # per request: how late it went on the wire (generator/connection)
    cpu_s: float  # the generator process's CPU seconds during the run
    connections: int
    late_sends: int = 0  # requests sent ≥ 10 ms after their scheduled instant
    schedule_lag_ms: list[float] = field(default_factory=list)  # due → queued: the generator's
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def achieved_rate(self) -> float:
        """Answers a second over the run (below ``rate`` when the server falls behind)."""
        answered = sum(self.statuses.values())
        return answered / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        return percentile(self.latencies_ms, q)

    def due_at(self, i: int) -> float:
        return self.start + i / self.rate


async def _open_loop(
    host: str, port: int, requests: list[bytes], rate: float, connections: int, timeout_s: float
) -> OpenLoopResult:
    n = len(requests)
    latencies = [float("nan")] * n
    lags = [float("nan")] * n
    statuses: dict[int, int] = {}
    errors = 0
    queue: asyncio.Queue[int] = asyncio.Queue()
    conns = [await asyncio.open_connection(host, port) for _ in range(connections)]
    clock = time.monotonic
    start = clock() + 0.05

    async def serve(conn: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
        nonlocal errors
        reader, writer = conn
        while (i := await queue.get()) >= 0:
            due = start + i / rate
            lags[i] = (clock() - due) * 1000
            try:
                status = await _exchange(reader, writer, requests[i])
            except (TimeoutError, OSError, ConnectionError, asyncio.IncompleteReadError):
                errors += 1
                writer.close()
                with contextlib.suppress(OSError):
                    reader, writer = await asyncio.open_connection(host, port)
                latencies[i] = (clock() - due) * 1000
                continue
            latencies[i] = (clock() - due) * 1000
            statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    servers = [asyncio.create_task(serve(c)) for c in conns]
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    # The schedule: every request due by now is queued at once (a late generator sends a
    # burst, as the clients it stands for would have), then sleep to the next due instant.
    sched = [0.0] * n
    i = 0
    while i < n:
        now = clock()
        while i < n and start + i / rate <= now:
            queue.put_nowait(i)
            sched[i] = (now - (start + i / rate)) * 1000
            i += 1
        if i < n:
            await asyncio.sleep(max(0.0, start + i / rate - clock()))
    for _ in servers:
        queue.put_nowait(-1)
    # No timer per request (its cost would be the generator's largest): one deadline for all;
    # a request still unanswered then is an error.
    _, stuck = await asyncio.wait(servers, timeout=timeout_s)
    for task in stuck:
        task.cancel()
    end = clock()
    for j, x in enumerate(latencies):
        if x != x:  # NaN: never answered; counted as lasting the whole run (a lower bound)
            errors += 1
            latencies[j] = (end - (start + j / rate)) * 1000
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    return OpenLoopResult(
        rate=rate,
        start=start,
        seconds=end - start,
        statuses=statuses,
        errors=errors,
        latencies_ms=latencies,
        send_lag_ms=lags,
        cpu_s=cpu,
        connections=connections,
        late_sends=sum(1 for x in lags if x >= 10.0),
        schedule_lag_ms=sched,
    )


def run_open_loop(
    host: str,
    port: int,
    requests: list[bytes],
    *,
    rate: float,
    connections: int = 128,
    timeout_s: float = 30.0,
) -> OpenLoopResult:
    """Open loop: send ``requests[i]`` at ``i / rate`` seconds on one of ``connections``
    keep-alive connections (opened before the clock starts); latency from the due instant.

    ``connections`` bounds the requests in flight: size it above ``rate`` × the worst
    latency worth measuring, or a request's wait for a connection is in its latency (as it
    would be for a real client's) but the server never sees the full rate.
    """
    try:
        import uvloop  # the generator's own overhead matters on a shared machine

        runner: Callable[..., OpenLoopResult] = uvloop.run
    except ImportError:
        runner = asyncio.run
    gc.collect()
    gc.disable()  # the run allocates no cycles; a collection would delay the schedule
    try:
        return runner(_open_loop(host, port, requests, rate, connections, timeout_s))
    finally:
        gc.enable()


def open_loop_in_subprocess(
    host: str, port: int, requests: list[bytes], **kwargs: float
) -> OpenLoopResult:
    """:func:`run_open_loop` in a fresh interpreter that imports only this module: its own
    process and a small heap (the benchmark's imports stay out of it)."""
    with tempfile.TemporaryDirectory(prefix="sb-load-") as tmp:
        job, out = Path(tmp, "job.pickle"), Path(tmp, "result.pickle")
        job.write_bytes(pickle.dumps((host, port, requests, kwargs)))
        done = subprocess.run([sys.executable, __file__, str(job), str(out)], check=False)
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"the load generator failed (exit {done.returncode})")
        return OpenLoopResult(**pickle.loads(out.read_bytes()))


if __name__ == "__main__":
    _job, _out = Path(sys.argv[1]), Path(sys.argv[2])
    _host, _port, _requests, _kwargs = pickle.loads(_job.read_bytes())
    _result = run_open_loop(_host, _port, _requests, **_kwargs)
    _out.write_bytes(pickle.dumps(dataclasses.asdict(_result)))
