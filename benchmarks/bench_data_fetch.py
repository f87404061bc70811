"""``data fetch``: CPU per 5-minute poll of CBP's feed (target: < 1 % of one core), and the
cost of a whole BTS download through Socrata's paged API.

A local HTTP server in another process (so its CPU is not counted) serves consecutive real
snapshots of ../shared/data/bwt/bwt-feed-2025-04.tar — the whole feed, every U.S. land port on
both borders, hourly, so each poll brings new readings — at ``/changed``, and one snapshot with an
ETag at ``/same``. The poller (:func:`smartborder.kpi.poll_bwt`, as ``data fetch bwt`` calls it,
with its store import into a fresh SQLite file) is timed with ``time.process_time`` for:

* a changed feed, archived and imported (the worst poll: the real feed changes between polls);
* a changed feed, archived only (``--no-import``);
* the baseline: an unchanged feed, a conditional GET answered 304.

CPU-s per poll / 300 s is the share of one core a 5-minute schedule costs. Medians of ``--polls``.

BTS: the 2022 extract in ../shared/data/bts (every port, both borders) served as Socrata pages of
50,000 rows (``/resource/keg4-3bc2.csv``), fetched with :func:`smartborder.kpi.fetch_bts`
(checkpoint and fsync per page, SHA-256), beside the baseline of one plain GET of the whole CSV
written to a file (what the bulk export costs, with no resume). Median of ``--runs``.

Run: .venv/bin/python benchmarks/bench_data_fetch.py [--polls N]
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing as mp
import os
import statistics
import tarfile
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from smartborder.kpi import http_client, parse_bwt, poll_bwt
from smartborder.store import make_engine, session_factory, upgrade

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "bwt"
PERIOD_S = 300.0  # the 5-minute poll of the issue


def real_snapshots(tar: Path, n: int) -> list[bytes]:
    with tarfile.open(tar) as tf:
        names = sorted(m for m in tf.getnames() if m.endswith(".xml.gz"))[:n]
        return [gzip.decompress(tf.extractfile(name).read()) for name in names]  # type: ignore[union-attr]


def soda_pages(zip_path: Path) -> tuple[list[bytes], bytes]:
    """The extract's rows as Socrata CSV lines (field names, ISO dates), and its header."""
    import csv
    import io
    import zipfile

    months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    with zipfile.ZipFile(zip_path) as zf:
        text = zf.read(zf.namelist()[0]).decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    next(reader)
    lines = []
    for row in reader:
        month, year = row[4].split()
        row[4] = f"{year}-{months.index(month[:3].lower()) + 1:02d}-01T00:00:00.000"
        buf = io.StringIO()
        csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(row[:7])
        lines.append(buf.getvalue().encode())
    header = b'"port_name","state","port_code","border","date","measure","value"\n'
    return lines, header


def serve(bodies: list[bytes], bts_zip: Path | None, port_out: Any) -> None:
    count = {"changed": 0}
    lines, header = soda_pages(bts_zip) if bts_zip else ([], b"")
    export = header + b"".join(lines)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def reply(self, body: bytes, ctype: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            from urllib.parse import parse_qsl, urlsplit

            parts = urlsplit(self.path)
            if parts.path == "/bts/export.csv":
                return self.reply(export, "text/csv")
            if parts.path == "/bts/resource/keg4-3bc2.json":
                return self.reply(f'[{{"n": "{len(lines)}"}}]'.encode(), "application/json")
            if parts.path == "/bts/resource/keg4-3bc2.csv":
                q = dict(parse_qsl(parts.query))
                lo = int(q["$offset"])
                page = header + b"".join(lines[lo : lo + int(q["$limit"])])
                return self.reply(page, "text/csv")
            if self.path.startswith("/same/"):
                if self.headers.get("If-None-Match") == '"same"':
                    self.send_response(304)
                    self.send_header("ETag", '"same"')
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body, etag = bodies[0], '"same"'
            else:
                i = count["changed"] % len(bodies)
                count["changed"] += 1
                body, etag = bodies[i], f'"c{i}"'
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port_out.put(httpd.server_address[1])
    httpd.serve_forever()


def cpu_per_poll(polls: int, **kwargs: Any) -> tuple[float, list[str]]:
    times, statuses = [], []
    for _ in range(polls):
        t0 = time.process_time()
        got = poll_bwt(**kwargs)
        times.append(time.process_time() - t0)
        statuses.append(got.status)
    return statistics.median(times), statuses


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tar", type=Path, default=SHARED / "bwt-feed-2025-04.tar")
    ap.add_argument("--polls", type=int, default=40)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--bts-zip", type=Path, default=SHARED.parent / "bts" / "Border_Crossing_Entry_Data.zip"
    )
    args = ap.parse_args()
    bts_zip = args.bts_zip if args.bts_zip.exists() else None
    bodies = real_snapshots(args.tar, args.polls * 2 + 2)
    snap = parse_bwt(bodies[0], source="bench")
    mexico = sum(1 for p in snap.ports if p.border == "mexico")
    sizes = sorted(len(b) for b in bodies)
    print(
        f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min), {os.cpu_count()} cores"
    )
    print(
        f"feed: {len(bodies)} consecutive real snapshots of {args.tar.name}, "
        f"{sizes[len(sizes) // 2] / 1024:.0f} KiB median ({sizes[-1] / 1024:.0f} max), "
        f"{len(snap.ports)} crossings listed, {mexico} on the U.S.-Mexico border, "
        f"{len(snap.readings)} readings in the first"
    )
    ctx = mp.get_context("fork")
    port_q = ctx.Queue()
    server = ctx.Process(target=serve, args=(bodies, bts_zip, port_q), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port_q.get(timeout=120)}"
    work = Path(tempfile.mkdtemp(prefix="sb-bench-fetch-"))
    engine = make_engine(f"sqlite:///{work / 'bench.db'}")
    upgrade(engine)
    sessions = session_factory(engine)
    try:
        with http_client(timeout_s=30) as client:
            # warm up: the first poll of each kind pays for imports, zone tables, the tar
            poll_bwt(work / "imp", base_url=f"{base}/changed", client=client, sessions=sessions)
            poll_bwt(work / "same", base_url=f"{base}/same", client=client)
            imported, st1 = cpu_per_poll(
                args.polls,
                folder=work / "imp",
                base_url=f"{base}/changed",
                client=client,
                sessions=sessions,
            )
            archived, st2 = cpu_per_poll(
                args.polls, folder=work / "arch", base_url=f"{base}/changed", client=client
            )
            unchanged, st3 = cpu_per_poll(
                args.polls, folder=work / "same", base_url=f"{base}/same", client=client
            )
        bts = bts_download(base, work, args.runs) if bts_zip else None
    finally:
        server.terminate()
        engine.dispose()
    assert set(st1) == {"new"} and set(st2) == {"new"} and set(st3) == {"unchanged"}, (
        st1,
        st2,
        st3,
    )
    print(
        f"median CPU per poll over {args.polls} polls; share of one core at one poll per {PERIOD_S:.0f} s"
    )
    rows = [
        ("baseline: unchanged feed (304)", unchanged),
        ("changed feed, archived only", archived),
        ("changed feed, archived + imported", imported),
    ]
    for label, cpu in rows:
        print(f"  {label:<36} {cpu * 1000:8.2f} ms CPU  {cpu / PERIOD_S * 100:7.4f} % of a core")
    verdict = "meets" if imported / PERIOD_S < 0.01 else "MISSES"
    print(f"target < 1 % of one core: {verdict} ({imported / PERIOD_S * 100:.4f} % worst case)")
    if bts is None:
        print("BTS: skipped (no extract at --bts-zip)")
        return
    (rows, mb), paged, plain = bts
    print(f"BTS: {rows} rows, {mb:.1f} MB, median of {args.runs} runs (CPU s / wall s)")
    pages = f"data fetch bts: {-(-rows // 50_000)} pages, checkpointed"
    print(f"  {'baseline: one GET of the whole CSV':<40} {plain[0]:6.2f} / {plain[1]:6.2f}")
    print(f"  {pages:<40} {paged[0]:6.2f} / {paged[1]:6.2f}")


def bts_download(
    base: str, work: Path, runs: int
) -> tuple[tuple[int, float], tuple[float, float], tuple[float, float]]:
    from smartborder.kpi import fetch_bts
    from smartborder.kpi.download import get, sha256_file, write_atomic

    paged, plain = [], []
    rows, size = 0, 0
    with http_client(timeout_s=60) as client:
        for i in range(runs):
            c0, w0 = time.process_time(), time.perf_counter()
            got = fetch_bts(work / f"bts{i}", base_url=f"{base}/bts", client=client)
            paged.append((time.process_time() - c0, time.perf_counter() - w0))
            rows, size = got.rows, got.bytes
            c0, w0 = time.process_time(), time.perf_counter()
            body = get(client, "bts", f"{base}/bts/export.csv").content
            write_atomic(work / f"plain{i}.csv", body)
            sha256_file(work / f"plain{i}.csv")
            plain.append((time.process_time() - c0, time.perf_counter() - w0))
    med = lambda xs, k: statistics.median(x[k] for x in xs)  # noqa: E731
    return (rows, size / 1e6), (med(paged, 0), med(paged, 1)), (med(plain, 0), med(plain, 1))


if __name__ == "__main__":
    main()
