"""A local HTTP server for the fetch tests: routes answer recorded responses, and can misbehave
(cut a body short, stall, send HTML) the way a real network does."""

from __future__ import annotations

import csv
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    cut_at: int | None = None  # send this many bytes of the body, then close (Content-Length stays)
    delay_s: float = 0.0


@dataclass(frozen=True)
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


Route = Callable[[Seen], Reply]


class RecordedServer:
    """``routes[path] = fn(seen) -> Reply``; every request is logged in ``seen``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                seen = Seen(parts.path, dict(parse_qsl(parts.query)), dict(self.headers.items()))
                server.seen.append(seen)
                route = server.routes.get(parts.path)
                reply = route(seen) if route else Reply(404, b"not found")
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply.body)))
                if reply.cut_at is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                if reply.cut_at is not None:
                    self.wfile.write(reply.body[: reply.cut_at])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(reply.body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def queries(self, path: str) -> list[dict[str, str]]:
        return [s.query for s in self.seen if s.path == path]


@contextmanager
def recorded_server() -> Iterator[RecordedServer]:
    server = RecordedServer()
    thread = threading.Thread(target=server.httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


# -- Socrata, as data.bts.gov answers /resource/keg4-3bc2.csv ------------------------------------

SODA_FIELDS = ("port_name", "state", "port_code", "border", "date", "measure", "value")
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def soda_rows_from_bts_csv(text: str) -> list[list[str]]:
    """Rows of a BTS CSV as Socrata's API gives them: ISO dates (``Dec 2021`` ->
    ``2021-12-01T00:00:00.000``), the seven leading columns."""
    reader = csv.reader(io.StringIO(text))
    next(reader)
    out = []
    for row in reader:
        if not row:
            continue
        month, year = row[4].split()
        iso = f"{year}-{_MONTHS.index(month[:3].lower()) + 1:02d}-01T00:00:00.000"
        out.append([row[0], row[1], row[2], row[3], iso, row[5], row[6]])
    return out


def soda_csv(rows: list[list[str]]) -> bytes:
    """A SODA CSV body: quoted field names, then quoted rows (Socrata quotes every field)."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(SODA_FIELDS)
    writer.writerows(rows)
    return buf.getvalue().encode()


class Socrata:
    """The BTS dataset behind ``/resource/keg4-3bc2.csv`` (paged by ``$limit``/``$offset``) and
    ``.json`` (``count(*)``). ``misbehave[offset] = Reply`` answers that page with the reply
    once (then normally)."""

    def __init__(self, rows: list[list[str]], *, truth: str = "Tue, 01 Dec 2026 00:00:00 GMT"):
        self.rows = rows
        self.truth = truth
        self.misbehave: dict[int, Reply] = {}

    def page(self, seen: Seen) -> Reply:
        offset = int(seen.query.get("$offset", 0))
        limit = int(seen.query.get("$limit", 1000))
        if offset in self.misbehave:
            return self.misbehave.pop(offset)
        return Reply(
            body=soda_csv(self.rows[offset : offset + limit]),
            headers={
                "Content-Type": "text/csv; charset=UTF-8",
                "X-SODA2-Truth-Last-Modified": self.truth,
            },
        )

    def count(self, seen: Seen) -> Reply:
        return Reply(
            body=json.dumps([{"n": str(len(self.rows))}]).encode(),
            headers={"Content-Type": "application/json"},
        )

    def install(self, server: RecordedServer) -> None:
        server.routes["/resource/keg4-3bc2.csv"] = self.page
        server.routes["/resource/keg4-3bc2.json"] = self.count


# -- CBP's bwt.xml, with validators ---------------------------------------------------------------


class BwtFeed:
    """``/xml/bwt.xml`` with an ETag and Last-Modified; a matching ``If-None-Match`` gets 304."""

    def __init__(self, body: bytes, *, etag: str = '"v1"') -> None:
        self.body, self.etag = body, etag
        self.last_modified = "Tue, 08 Dec 2026 03:00:00 GMT"
        self.next: Reply | None = None  # answer the next request with this, once

    def publish(self, body: bytes, etag: str) -> None:
        self.body, self.etag = body, etag

    def serve(self, seen: Seen) -> Reply:
        if self.next is not None:
            reply, self.next = self.next, None
            return reply
        if seen.headers.get("If-None-Match") == self.etag:
            return Reply(304, headers={"ETag": self.etag})
        return Reply(
            body=self.body,
            headers={
                "Content-Type": "text/xml",
                "ETag": self.etag,
                "Last-Modified": self.last_modified,
            },
        )

    def install(self, server: RecordedServer) -> None:
        server.routes["/xml/bwt.xml"] = self.serve


HTML_PORTAL = (
    b"<!DOCTYPE html><html><head><title>Hotel Wi-Fi</title></head>"
    b"<body>Accept the terms to continue</body></html>"
)
