"""Download BTS Border Crossing Entry Data through Socrata's API, resumably, then import it.

The dataset is ``keg4-3bc2`` on data.bts.gov. Pages of ``page_rows`` rows are read from
``/resource/keg4-3bc2.csv`` with ``$order=:id`` (a stable order, which paging needs:
https://dev.socrata.com/docs/paging.html) and appended to ``Border_Crossing_Entry_Data.csv.part``.
After each page a checkpoint beside it records the rows and bytes done and the SHA-256 of those
bytes, so a run cut short (network, Ctrl-C) resumes at the next page once the part still hashes to
the checkpoint. The whole file gets its SHA-256 in ``….csv.sha256`` and is renamed into place
only when the last page is in: an import never sees a partial file, and checks the SHA-256 first.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from smartborder.kpi.download import (
    fetch_failed,
    folder_lock,
    get,
    sha256_file,
    shown_url,
    verify_checksum,
    write_atomic,
    write_checksum,
)
from smartborder.kpi.errors import FetchFailed
from smartborder.kpi.importers import ImportReport, import_bts

DATASET = (
    "keg4-3bc2"  # https://data.bts.gov/Research-and-Statistics/Border-Crossing-Entry-Data/keg4-3bc2
)
FILE_NAME = "Border_Crossing_Entry_Data.csv"
# SODA 2.0's largest $limit (2.1 endpoints have none): https://dev.socrata.com/docs/paging.html
PAGE_ROWS = 50_000
# Socrata stamps every answer with when the dataset last changed; a change mid-download means
# the offsets no longer line up, so the download starts over (at most MAX_RESTARTS times).
TRUTH_HEADER = "X-SODA2-Truth-Last-Modified"
MAX_RESTARTS = 2
_BTS_FIELDS = {"port name", "port code", "border", "date", "measure", "value"}

ProgressFn = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class BtsDownload:
    """A complete download: where it is, its SHA-256, what it holds and how it got there."""

    path: Path
    sha256: str
    rows: int
    bytes: int
    pages: int
    resumed_at_row: int
    url: str


def bts_url(base_url: str) -> str:
    """The CSV resource of the dataset at ``base_url`` (a Socrata site)."""
    return f"{base_url.rstrip('/')}/resource/{DATASET}.csv"


def _count_rows(client: httpx.Client, base_url: str) -> int | None:
    """How many rows the dataset has (for the progress bar); ``None`` if the site will not say."""
    url = f"{base_url.rstrip('/')}/resource/{DATASET}.json"
    try:
        resp = get(client, "bts", url, params={"$select": "count(*) AS n"})
    except FetchFailed as exc:
        if exc.extra.get("reason") in ("http_status", "not_data"):
            return None  # a site without SoQL counts still serves pages; the pages will tell
        raise
    try:
        return int(json.loads(resp.content)[0]["n"])
    except (ValueError, LookupError, TypeError):
        return None


def _page_rows(body: bytes) -> int:
    """Rows in a page's CSV body (after its header), quoted newlines counted correctly."""
    reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
    return sum(1 for row in reader if row)


class _Checkpoint:
    """The part file and what is known good of it (``….part.json``)."""

    def __init__(self, dest: Path, url: str, page_rows: int) -> None:
        self.part = dest.with_name(dest.name + ".part")
        self.meta = dest.with_name(dest.name + ".part.json")
        self.url, self.page_rows = url, page_rows
        self.rows = self.bytes = 0
        self.header: bytes | None = None
        self.truth: str | None = None
        self.hash = hashlib.sha256()

    def resume(self) -> bool:
        """Continue from the checkpoint if it is for this URL and the part still matches it."""
        try:
            state: dict[str, Any] = json.loads(self.meta.read_bytes())
            if (state["url"], state["page_rows"]) != (self.url, self.page_rows):
                return False
            if self.part.stat().st_size < state["bytes"]:
                return False
            if sha256_file(self.part, limit=state["bytes"]) != state["sha256"]:
                return False  # the part was damaged: start over rather than import it
            rows, size = int(state["rows"]), int(state["bytes"])
            header, truth = str(state["header"]).encode(), state.get("truth")
        except (OSError, ValueError, KeyError, TypeError):
            return False
        with open(self.part, "r+b") as fh:
            fh.truncate(size)  # drop a page written after the last checkpoint
        with open(self.part, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), b""):
                self.hash.update(chunk)
        self.rows, self.bytes, self.header, self.truth = rows, size, header, truth
        return True

    def restart(self) -> None:
        self.part.unlink(missing_ok=True)
        self.meta.unlink(missing_ok=True)
        self.rows = self.bytes = 0
        self.header = self.truth = None
        self.hash = hashlib.sha256()

    def append(self, data: bytes, rows: int) -> None:
        with open(self.part, "ab") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        self.hash.update(data)
        self.rows += rows
        self.bytes += len(data)
        state = {
            "url": self.url,
            "page_rows": self.page_rows,
            "rows": self.rows,
            "bytes": self.bytes,
            "sha256": self.hash.hexdigest(),
            "header": (self.header or b"").decode(),
            "truth": self.truth,
        }
        write_atomic(self.meta, json.dumps(state).encode())


def fetch_bts(
    folder: Path,
    *,
    base_url: str,
    client: httpx.Client,
    page_rows: int = PAGE_ROWS,
    on_progress: ProgressFn | None = None,
) -> BtsDownload:
    """Download the whole dataset into ``folder/Border_Crossing_Entry_Data.csv`` (see the module
    docstring); ``on_progress(rows_done, rows_total_or_None)`` after each page. Raises
    :class:`~smartborder.kpi.errors.FetchFailed`; what was fetched before stays for the next run.
    """
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder):
        return _fetch(folder, base_url, client, page_rows, on_progress)


def _fetch(
    folder: Path,
    base_url: str,
    client: httpx.Client,
    page_rows: int,
    on_progress: ProgressFn | None,
) -> BtsDownload:
    dest = folder / FILE_NAME
    url = bts_url(base_url)
    point = _Checkpoint(dest, url, page_rows)
    resumed_at = point.rows if point.resume() else 0
    if not resumed_at:
        point.restart()
    total = _count_rows(client, base_url)
    pages = restarts = 0
    if on_progress:
        on_progress(point.rows, total)
    while True:
        params: dict[str, str | int] = {"$order": ":id", "$limit": page_rows, "$offset": point.rows}
        shown = shown_url(url, params)
        resp = get(client, "bts", url, params=params)
        body, truth = resp.content, resp.headers.get(TRUTH_HEADER)
        if not body:
            raise fetch_failed("bts", shown, "truncated", "an empty body")
        if not body.endswith(b"\n"):
            raise fetch_failed("bts", shown, "truncated", f"{len(body)} bytes, no final newline")
        head, _, rest = body.partition(b"\n")
        text = head.decode("utf-8", "replace")
        columns = {c.strip().strip('"').lower().replace("_", " ") for c in text.split(",")}
        if not columns >= _BTS_FIELDS:
            raise fetch_failed("bts", shown, "not_data", "a CSV without the BTS columns")
        try:
            rows = _page_rows(rest)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise fetch_failed("bts", shown, "not_data", f"unreadable CSV ({exc})") from None
        if point.header is not None and (head != point.header or truth != point.truth):
            restarts += 1
            if restarts > MAX_RESTARTS:
                raise fetch_failed("bts", shown, "truncated", "the dataset kept changing")
            point.restart()
            resumed_at = 0
            continue
        if point.header is None:
            point.header, point.truth = head, truth
            point.append(body, rows)
        else:
            point.append(rest, rows)
        pages += 1
        if on_progress:
            on_progress(point.rows, max(total or 0, point.rows) or None)
        if rows < page_rows:
            break
    if point.rows == 0:
        raise fetch_failed("bts", url, "not_data", "a CSV with no rows")
    digest = point.hash.hexdigest()
    write_checksum(dest, digest)  # before the rename: a file in place always has its checksum
    os.replace(point.part, dest)
    point.meta.unlink(missing_ok=True)
    return BtsDownload(dest, digest, point.rows, point.bytes, pages, resumed_at, url)


def import_fetched_bts(sessions: sessionmaker[Session], path: Path, *, url: str) -> ImportReport:
    """Import a file :func:`fetch_bts` wrote, once its SHA-256 matches the one beside it."""
    verify_checksum(path, "bts", url)
    return import_bts(sessions, path)


__all__ = [
    "DATASET",
    "FILE_NAME",
    "PAGE_ROWS",
    "BtsDownload",
    "bts_url",
    "fetch_bts",
    "import_fetched_bts",
]
