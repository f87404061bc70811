"""Serving the API with uvicorn, hardened at the connection: what ``smartborder serve`` runs.

uvicorn bounds idle keep-alive connections (``timeout_keep_alive``) and the number of
connections (``limit_concurrency``: beyond it, 503), but with httptools it reads request
headers of any size for as long as the client likes, and a connection that never sends a byte
is never closed. :class:`GuardedHttpTools` closes a connection whose request headers are not
complete within ``header_timeout_s`` (408 if it sent anything) and answers headers over
``max_header_bytes`` with 431. The app is wrapped, outermost, in
:class:`~smartborder.api.overload.ShedOverload` and
:class:`~smartborder.api.overload.BodyDeadline`.

Migrations run once, in the parent, before the workers start (:func:`serve`): two workers
migrating a fresh store race (SQLite: ``database is locked``; PostgreSQL: a unique violation).

With :class:`TlsFiles` the node serves HTTPS only: the certificate and key are checked once in
the parent (:meth:`TlsFiles.checked`, a clear error instead of a worker dying at start-up), and
each worker loads them into its own ``SSLContext`` (uvicorn builds it in ``Config.load``, after
the worker has started, so nothing unpicklable crosses to the workers).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import ssl
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from smartborder.api.overload import BodyDeadline, ShedOverload
from smartborder.errors import InvalidInput
from smartborder.i18n import Text

log = logging.getLogger("smartborder.api")


@dataclass(frozen=True)
class ServeLimits:
    """What one worker accepts from its clients (``smartborder serve`` options)."""

    max_connections: int = 4096  # per worker; beyond it uvicorn answers 503
    backlog: int = 2048
    keep_alive_s: int = 5
    header_timeout_s: float = 10.0
    max_header_bytes: int = 32 * 1024
    body_timeout_s: float = 30.0
    max_in_flight: int = 64
    max_queued: int = 256
    queue_wait_s: float = 0.5
    worker_start_s: int = 60  # uvicorn's health check: how long a worker may take to start


class TlsUnusable(InvalidInput):
    """The certificate or key given to serve HTTPS cannot be used."""

    code = "serve.tls_unusable"
    default_message = Text(
        "The TLS certificate or key cannot be used.",
        "No se puede usar el certificado o la llave TLS.",
    )


@dataclass(frozen=True)
class TlsFiles:
    """The PEM certificate chain and private key a node serves HTTPS with (``keyfile`` None:
    the key is in ``certfile``)."""

    certfile: Path
    keyfile: Path | None = None

    @classmethod
    def checked(cls, certfile: Path | None, keyfile: Path | None) -> TlsFiles:
        """The files, once a server context has loaded them; :class:`TlsUnusable` naming the
        file and why (missing, unreadable, not PEM, a key that is not the certificate's)."""
        if certfile is None:
            raise TlsUnusable(
                Text(
                    "--ssl-keyfile needs --ssl-certfile (the certificate of that key).",
                    "--ssl-keyfile requiere --ssl-certfile (el certificado de esa llave).",
                )
            )
        for option, path in (("--ssl-certfile", certfile), ("--ssl-keyfile", keyfile)):
            if path is not None and not path.is_file():
                why = (
                    ("is a folder", "es una carpeta")
                    if path.is_dir()
                    else ("does not exist", "no existe")
                )
                raise TlsUnusable(
                    Text(f"{option} {path} {why[0]}.", f"{option} {path} {why[1]}."),
                    extra={"path": str(path)},
                )
        try:
            ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(certfile, keyfile)
        except PermissionError as exc:
            raise TlsUnusable(
                Text(
                    f"Cannot read {exc.filename}: permission denied.",
                    f"No se puede leer {exc.filename}: permiso denegado.",
                )
            ) from None
        except (ssl.SSLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc.strerror or str(exc)
            raise TlsUnusable(
                Text(
                    f"The certificate {certfile} and key {keyfile or certfile} cannot serve TLS "
                    f"({reason}): give a PEM certificate and its unencrypted PEM private key.",
                    f"El certificado {certfile} y la llave {keyfile or certfile} no sirven para TLS "
                    f"({reason}): indique un certificado PEM y su llave privada PEM sin cifrar.",
                )
            ) from None
        return cls(certfile.resolve(), keyfile.resolve() if keyfile is not None else None)

    def uvicorn_options(self) -> dict[str, Any]:
        return {
            "ssl_certfile": str(self.certfile),
            "ssl_keyfile": str(self.keyfile) if self.keyfile is not None else None,
        }


def served_app() -> Any:
    """The app a worker serves: the store is already migrated by the parent."""
    from smartborder.api.app import create_app

    return create_app(migrate=False)


class ServeConfig(uvicorn.Config):
    """uvicorn's config carrying :class:`ServeLimits` (pickled whole to each worker) and
    wrapping the loaded app in the load-shedding and body-deadline middleware."""

    def __init__(self, app: Any, *, limits: ServeLimits, **kwargs: Any) -> None:
        super().__init__(
            app,
            http=GuardedHttpTools,
            limit_concurrency=limits.max_connections,
            backlog=limits.backlog,
            timeout_keep_alive=limits.keep_alive_s,
            timeout_worker_healthcheck=limits.worker_start_s,
            h11_max_incomplete_event_size=limits.max_header_bytes,
            **kwargs,
        )
        self.limits = limits

    def load(self) -> None:
        super().load()
        limits = self.limits
        self.loaded_app = ShedOverload(
            BodyDeadline(self.loaded_app, timeout_s=limits.body_timeout_s),
            max_in_flight=limits.max_in_flight,
            max_queued=limits.max_queued,
            max_wait_s=limits.queue_wait_s,
        )


def _raw_problem(status: int, reason: str, code: str, en: str, es: str) -> bytes:
    # Below the ASGI app: no Accept-Language yet (the headers are what failed), so both.
    body = json.dumps(
        {
            "type": f"https://smartborder.dev/problems/{code}",
            "title": reason,
            "status": status,
            "code": code,
            "detail": f"{en} / {es}",
        },
        ensure_ascii=False,
    ).encode()
    return (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    ).encode() + body


_HEADERS_TOO_LARGE = _raw_problem(
    431,
    "Request Header Fields Too Large",
    "headers_too_large",
    "The request headers are too large.",
    "Los encabezados de la solicitud son demasiado grandes.",
)
_HEADERS_TIMEOUT = _raw_problem(
    408,
    "Request Timeout",
    "header_timeout",
    "The request headers did not arrive in time.",
    "Los encabezados de la solicitud no llegaron a tiempo.",
)


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline and a size cap on request headers."""

    def __init__(self, config: uvicorn.Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        limits: ServeLimits = getattr(config, "limits", None) or ServeLimits()
        self._header_timeout_s = limits.header_timeout_s
        self._max_header_bytes = limits.max_header_bytes
        self._awaiting_headers = True
        self._header_bytes = 0
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()  # a connection that never sends a byte is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._awaiting_headers:
            end = data.find(b"\r\n\r\n")
            self._header_bytes += len(data) if end < 0 else end + 4
            if self._header_bytes > self._max_header_bytes:
                self._refuse(_HEADERS_TOO_LARGE)
                return
            if self._header_timer is None:
                self._arm_header_timer()  # the next request on a kept-alive connection
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._header_bytes = 0
        self._disarm_header_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._awaiting_headers = True  # what follows is the next request (or nothing: then
        super().on_message_complete()  # uvicorn's keep-alive timer closes the idle connection)

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._header_timer = self.loop.call_later(self._header_timeout_s, self._headers_late)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self._awaiting_headers or self.transport.is_closing():
            return
        if self._header_bytes and (self.cycle is None or self.cycle.response_complete):
            self._refuse(_HEADERS_TIMEOUT)
        else:  # nothing sent, or a response is under way: no status line to give
            self.transport.close()

    def _refuse(self, response: bytes) -> None:
        self._disarm_header_timer()
        self._awaiting_headers = False
        if not self.transport.is_closing():
            self.transport.write(response)
            self.transport.close()


def _fork_workers_from_here() -> None:
    """Import the app once in the parent and have uvicorn fork its workers (it spawns them:
    each worker then imports the whole app anew, ~1.5 s of CPU apiece, measured 2026-12-08,
    so two workers on a busy machine were ready only after 5.7 s). Forked after the import,
    a worker runs only ``create_app`` (~0.3 s of CPU). Safe here: the parent has started no
    thread and holds no connection (its migration engine is disposed); ``random`` reseeds in
    a forked child, and record ids come from the OS's CSPRNG through a buffer dropped in a
    forked child (``preclearance/_ids.py``), so workers do not share a random stream. uvicorn has no setting for the start method, so its module's
    context is replaced; a uvicorn without it keeps spawning (slower, still correct)."""
    import multiprocessing

    from uvicorn import _subprocess

    import smartborder.api.app  # noqa: F401 - imported for the workers to inherit

    if hasattr(_subprocess, "spawn"):
        _subprocess.spawn = multiprocessing.get_context("fork")  # type: ignore[assignment]


def serve(
    *,
    host: str,
    port: int,
    workers: int,
    limits: ServeLimits,
    log_level: str,
    tls: TlsFiles | None = None,
) -> None:
    """Migrate the configured store once, then serve it on ``host:port`` with ``workers``
    processes (uvicorn's supervisor restarts a worker that dies); over HTTPS with ``tls``."""
    from uvicorn.supervisors import Multiprocess

    from smartborder.config import Settings
    from smartborder.store import make_engine, upgrade

    settings = Settings()
    settings.ensure_home()
    os.environ["SMARTBORDER_HOME"] = str(settings.home)  # the workers read the same store
    engine = make_engine(settings.db_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    config = ServeConfig(
        "smartborder.api.serving:served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        limits=limits,
        **(tls.uvicorn_options() if tls is not None else {}),
    )
    server = uvicorn.Server(config)
    if workers > 1:
        _fork_workers_from_here()
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    else:
        server.run()
        if not server.started:
            sys.exit(3)  # uvicorn's STARTUP_FAILURE
