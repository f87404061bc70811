"""Poll CBP's Border Wait Times feed into monthly snapshot archives, and import what is new.

Each poll is one conditional GET of ``/xml/bwt.xml`` (``If-None-Match`` / ``If-Modified-Since``
from the last answer), so an unchanged feed is a 304 with no body, nothing written and nothing
parsed. A changed feed is checked whole (the BWT document, not an HTML page, not cut short),
gzipped and appended to ``bwt-feed-YYYY-MM.tar`` as ``YYYY-MM/bwt-YYYY-MM-DD_HH-MM-SS.xml.gz``
(UTC fetch time): the layout of the BWT archives ``kpi import-bwt`` reads. The snapshot is then
imported from memory with the same digest as its archive member, so importing the archive later
skips it; if that import does not finish (the store down, the process stopped), the next poll
imports the snapshot from the archive first. The ETag, Last-Modified, SHA-256 of the last body,
the archive's end and whether the last snapshot was imported are kept in ``bwt-feed.state``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import httpx
from sqlalchemy.orm import Session, sessionmaker

from smartborder.kpi.download import append_to_tar, fetch_failed, folder_lock, get, write_atomic
from smartborder.kpi.importers import ImportReport, SnapshotSource, import_bwt_snapshots

FEED_PATH = "/xml/bwt.xml"
STATE_FILE = (
    "bwt-feed.state"  # JSON, but not named .json: `kpi import-bwt DIR` reads *.json as snapshots
)
_ROOT = b"<border_wait_time"
_END = b"</border_wait_time>"

PollStatus = Literal["new", "unchanged", "same_content"]


@dataclass(frozen=True, slots=True)
class BwtPoll:
    """What one poll did: ``new`` (a snapshot archived, and imported when asked), ``unchanged``
    (304) or ``same_content`` (200 with the bytes of the last snapshot: nothing written)."""

    status: PollStatus
    url: str
    fetched_at: datetime
    bytes: int = 0
    archive: Path | None = None
    member: str | None = None
    report: ImportReport | None = None


def bwt_feed_url(base_url: str) -> str:
    return base_url.rstrip("/") + FEED_PATH


def _load_state(path: Path) -> dict[str, Any]:
    try:
        state = json.loads(path.read_bytes())
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def _check_feed(body: bytes, url: str) -> None:
    """The BWT document whole, or :class:`FetchFailed` (cheap: no parse, the import parses)."""
    if not body.strip():
        raise fetch_failed("bwt", url, "truncated", "an empty body")
    if _ROOT not in body[:1024]:
        raise fetch_failed("bwt", url, "not_data", "a document that is not the BWT feed")
    if not body.rstrip().endswith(_END):
        raise fetch_failed(
            "bwt", url, "truncated", f"{len(body)} bytes, no closing {_END.decode()}"
        )


def poll_bwt(
    folder: Path,
    *,
    base_url: str,
    client: httpx.Client,
    sessions: sessionmaker[Session] | None = None,
    now: datetime | None = None,
) -> BwtPoll:
    """Poll the feed once into ``folder`` (see the module docstring); import a new snapshot
    when ``sessions`` is given. Raises :class:`~smartborder.kpi.errors.FetchFailed`, having
    written nothing, when the feed cannot be fetched whole."""
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder):
        return _poll(folder, base_url, client, sessions, now)


def _poll(
    folder: Path,
    base_url: str,
    client: httpx.Client,
    sessions: sessionmaker[Session] | None,
    now: datetime | None,
) -> BwtPoll:
    url = bwt_feed_url(base_url)
    state_path = folder / STATE_FILE
    state = _load_state(state_path)
    if state.get("url") != url:
        state = {"url": url}  # validators of another server mean nothing here
    headers = {}
    if state.get("etag"):
        headers["If-None-Match"] = state["etag"]
    if state.get("last_modified"):
        headers["If-Modified-Since"] = state["last_modified"]
    pending = _import_pending(folder, state, state_path, sessions, url)
    resp = get(client, "bwt", url, headers=headers)
    fetched = (now or datetime.now(UTC)).astimezone(UTC)
    if resp.status_code == 304:
        return BwtPoll("unchanged", url, fetched, report=pending)
    body = resp.content
    _check_feed(body, url)
    digest = hashlib.sha256(body).hexdigest()
    state["etag"] = resp.headers.get("etag")
    state["last_modified"] = resp.headers.get("last-modified")
    if digest == state.get("sha256"):  # a server without validators, or a re-sent feed
        write_atomic(state_path, json.dumps(state).encode())
        return BwtPoll("same_content", url, fetched, len(body), report=pending)
    archive = folder / f"bwt-feed-{fetched:%Y-%m}.tar"
    member = f"{fetched:%Y-%m}/bwt-{fetched:%Y-%m-%d_%H-%M-%S}.xml.gz"
    data = gzip.compress(body, compresslevel=6, mtime=int(fetched.timestamp()))
    hint = state.get("tar_end") if state.get("tar") == archive.name else None
    end = append_to_tar(archive, member, data, mtime=int(fetched.timestamp()), end=hint)
    state.update(sha256=digest, tar=archive.name, tar_end=end, member=member)
    write_atomic(state_path, json.dumps(state).encode())
    report = None
    if sessions is not None:
        report = _import(sessions, archive, member, data, url)
        state["imported"] = digest
        write_atomic(state_path, json.dumps(state).encode())
    return BwtPoll("new", url, fetched, len(body), archive, member, report)


def _import(
    sessions: sessionmaker[Session], archive: Path, member: str, data: bytes, url: str
) -> ImportReport:
    name = f"{archive}!{member}"  # as the archive's importer names the member
    return import_bwt_snapshots(sessions, [SnapshotSource(name, data)], sources=[url])


def _import_pending(
    folder: Path,
    state: dict[str, Any],
    state_path: Path,
    sessions: sessionmaker[Session] | None,
    url: str,
) -> ImportReport | None:
    """Import the last archived snapshot if its import did not finish (the store was down, the
    process stopped): the feed may not change again for a while, so it is read from the tar."""
    if sessions is None or not state.get("member") or state.get("imported") == state.get("sha256"):
        return None
    archive = folder / str(state.get("tar"))
    try:
        with tarfile.open(archive) as tf:
            fh = tf.extractfile(str(state["member"]))
            data = fh.read() if fh else None
    except (OSError, KeyError, tarfile.TarError, EOFError):
        data = None  # gone or damaged: `kpi import-bwt` on the folder reports what is left
    report = _import(sessions, archive, str(state["member"]), data, url) if data else None
    state["imported"] = state.get("sha256")
    write_atomic(state_path, json.dumps(state).encode())
    return report


__all__ = ["FEED_PATH", "STATE_FILE", "BwtPoll", "bwt_feed_url", "poll_bwt"]
