"""HTTP and files for the public sources ``data fetch`` reads (BTS counts, CBP's BWT feed).

One client (:func:`http_client`); every way a request can fail becomes one
:class:`~smartborder.kpi.errors.FetchFailed` naming the source and the URL in English and
Spanish (:func:`get`); files are written whole or not at all (:func:`write_atomic`), carry a
SHA-256 beside them (:func:`write_checksum`, :func:`verify_checksum`), and snapshots are
appended to a tar so that a crash mid-append never loses the members before it
(:func:`append_to_tar`).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tarfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import httpx

from smartborder.i18n import Text
from smartborder.kpi.errors import FetchFailed

SourceName = Literal["bts", "bwt"]
Reason = Literal["offline", "timeout", "http_status", "truncated", "not_data", "checksum"]

# Each source's name, and in Spanish with the "de" it takes ("de los datos", "del feed").
SOURCES: dict[str, Text] = {
    "bts": Text("BTS Border Crossing Entry Data", "de los datos de cruces de BTS (Border Crossing Entry Data)"),
    "bwt": Text("CBP Border Wait Times feed", "del feed de tiempos de espera de CBP (Border Wait Times)"),
}  # fmt: skip
_RETRY: dict[str, Text] = {
    "bts": Text(
        "retry later: a partial download resumes where it stopped",
        "reintente más tarde: una descarga parcial continúa donde se detuvo",
    ),
    "bwt": Text("the next poll tries again", "el siguiente sondeo lo intenta de nuevo"),
}
_REASONS: dict[str, Text] = {
    "offline": Text(
        "cannot connect (offline, DNS failure or connection refused: {detail})",
        "no se puede conectar (sin red, fallo de DNS o conexión rechazada: {detail})",
    ),
    "timeout": Text("no answer within {detail} s", "sin respuesta en {detail} s"),
    "http_status": Text("the server answered HTTP {detail}", "el servidor respondió HTTP {detail}"),
    "truncated": Text("the body was cut short ({detail})", "el cuerpo llegó incompleto ({detail})"),
    "not_data": Text(
        "the server sent {detail} instead of the data (a captive portal or an error page?)",
        "el servidor envió {detail} en lugar de los datos (¿un portal cautivo o una página de error?)",
    ),
    "checksum": Text(
        "the file does not match its recorded SHA-256 ({detail})",
        "el archivo no coincide con su SHA-256 registrado ({detail})",
    ),
}
USER_AGENT = "SmartBorder/0.1 (+https://github.com/smartborder; data fetch)"
CHUNK = 1 << 16


def fetch_failed(source: SourceName, url: str, reason: Reason, detail: object) -> FetchFailed:
    """The error for ``source`` failing at ``url`` for ``reason``, in both languages."""
    name, why = SOURCES[source], _REASONS[reason].format(detail=detail)
    retry = _RETRY[source]
    return FetchFailed(
        Text(
            f"Cannot fetch the {name.en} from {url}: {why.en}. Nothing was imported; {retry.en}.",
            f"Falló la descarga {name.es} desde {url}: {why.es}. No se importó nada; {retry.es}.",
        ),
        extra={"source": source, "url": url, "reason": reason, "detail": str(detail)},
    )


def http_client(*, timeout_s: float = 60.0) -> httpx.Client:
    """A client for the public sources: redirects followed (a portal's redirect then shows as
    HTML), ``timeout_s`` to connect and between bytes."""
    return httpx.Client(
        timeout=httpx.Timeout(timeout_s),
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
    )


def looks_like_html(content_type: str, body: bytes) -> bool:
    """An HTML page (by its type or its first bytes) where data was expected."""
    if "html" in content_type.lower():
        return True
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def shown_url(url: str, params: Mapping[str, str | int] | None = None) -> str:
    """``url`` with ``params`` as a person would type them (not percent-encoded), for messages."""
    if not params:
        return url
    return url + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def get(
    client: httpx.Client,
    source: SourceName,
    url: str,
    *,
    params: Mapping[str, str | int] | None = None,
    headers: Mapping[str, str] | None = None,
) -> httpx.Response:
    """GET ``url`` with its whole body read; a 304 is returned as is (the caller asked for it
    with a conditional header). Anything else but a 2xx with data raises :class:`FetchFailed`."""
    shown = shown_url(url, params)
    timeout = client.timeout.read
    try:
        resp = client.get(url, params=params, headers=headers)
    except httpx.TimeoutException:
        raise fetch_failed(source, shown, "timeout", timeout) from None
    except httpx.RemoteProtocolError as exc:  # the peer closed before the declared length
        raise fetch_failed(source, shown, "truncated", exc) from None
    except httpx.ReadError as exc:
        raise fetch_failed(source, shown, "truncated", exc) from None
    except httpx.TransportError as exc:  # ConnectError covers DNS failures and refusals
        raise fetch_failed(source, shown, "offline", str(exc) or type(exc).__name__) from None
    if resp.status_code == 304:
        return resp
    if not 200 <= resp.status_code < 300:
        raise fetch_failed(source, shown, "http_status", f"{resp.status_code} {resp.reason_phrase}")
    if looks_like_html(resp.headers.get("content-type", ""), resp.content):
        raise fetch_failed(source, shown, "not_data", "an HTML page")
    return resp


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all: a temporary file beside it, then a rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def sha256_file(path: Path, *, limit: int | None = None) -> str:
    """The SHA-256 (hex) of ``path``, or of its first ``limit`` bytes."""
    digest = hashlib.sha256()
    left = limit
    with open(path, "rb") as fh:
        while left is None or left > 0:
            chunk = fh.read(CHUNK if left is None else min(CHUNK, left))
            if not chunk:
                break
            digest.update(chunk)
            if left is not None:
                left -= len(chunk)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    """Where the SHA-256 of ``path`` is recorded: ``path.sha256`` (``sha256sum -c`` reads it)."""
    return path.with_name(path.name + ".sha256")


def write_checksum(path: Path, digest: str) -> None:
    write_atomic(checksum_path(path), f"{digest}  {path.name}\n".encode())


def verify_checksum(path: Path, source: SourceName, url: str) -> str:
    """The SHA-256 of ``path`` if it matches the one recorded beside it; else :class:`FetchFailed`."""
    recorded_file = checksum_path(path)
    try:
        recorded = recorded_file.read_text().split()[0]
    except (OSError, IndexError):
        raise fetch_failed(source, url, "checksum", f"no checksum at {recorded_file}") from None
    actual = sha256_file(path)
    if actual != recorded:
        raise fetch_failed(
            source, url, "checksum", f"{path} has {actual[:12]}…, recorded {recorded[:12]}…"
        )
    return actual


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold ``folder/.fetch.lock`` (``flock``): two fetches into one folder take turns instead of
    writing the same part file or tar at once."""
    with open(folder / ".fetch.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _tar_end(path: Path, hint: int | None) -> int:
    """Offset just past the last complete member of the tar at ``path`` (0 if none).

    ``hint`` (the end recorded after the last append) is trusted when the file still ends
    there or has only the end-of-archive zeros after it; otherwise the members are scanned and
    one cut short (a crash mid-append) is dropped.
    """
    size = path.stat().st_size
    if hint is not None and hint <= size:
        with open(path, "rb") as fh:
            fh.seek(hint)
            if not fh.read(512).strip(b"\0"):
                return hint
    end = 0
    try:
        with tarfile.open(path, "r:") as tf:
            for member in tf:
                stop = member.offset_data + -(-member.size // 512) * 512
                if stop > size:
                    break
                end = stop
    except (tarfile.TarError, OSError, EOFError):
        pass  # the members before the damage stand
    return end


def append_to_tar(path: Path, name: str, data: bytes, *, mtime: int, end: int | None) -> int:
    """Append ``data`` as member ``name`` to the tar at ``path`` (created if absent), durably.

    The member is written over the old end-of-archive marker, then the marker again, then
    fsync. ``end`` is the offset :func:`append_to_tar` returned last time (``None``: scan).
    Returns the new end (past the member, before the marker).
    """
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), mtime, 0o644
    header = info.tobuf(tarfile.USTAR_FORMAT, "utf-8", "surrogateescape")
    padding = b"\0" * (-len(data) % 512)
    start = _tar_end(path, end) if path.exists() else 0
    with open(path, "r+b" if path.exists() else "wb") as fh:
        fh.seek(start)
        fh.write(header + data + padding + b"\0" * 1024)  # two zero blocks end the archive
        fh.truncate()
        fh.flush()
        os.fsync(fh.fileno())
    return start + len(header) + len(data) + len(padding)


__all__ = [
    "SOURCES",
    "append_to_tar",
    "checksum_path",
    "fetch_failed",
    "folder_lock",
    "get",
    "http_client",
    "shown_url",
    "looks_like_html",
    "sha256_file",
    "verify_checksum",
    "write_atomic",
    "write_checksum",
]
