"""Two sovereign nodes on one machine: CBP's and ANAM's, each with its own home (store, keys),
exchanging trips over loopback HTTP.

``python -m smartborder.demo.binational`` (``make run-binational``) prepares both homes, the
OAuth2 client each node holds at the other (role ``peer``), a carrier, a broker and an agency
client at each, then serves CBP on :8000 and ANAM on :8001 until interrupted. Tests start the
same pair on free ports (:func:`start_pair`).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from smartborder.clients import create_client
from smartborder.config import Settings
from smartborder.store import make_engine, session_factory, transaction, upgrade

AGENCIES = ("cbp", "anam")


@dataclass
class NodeProcess:
    agency: str
    port: int
    home: Path
    env: dict[str, str]
    clients: dict[str, dict[str, str]]  # role -> client_id, client_secret, org
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _tokens: dict[str, tuple[str, float]] = field(default_factory=dict, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, log: Path | None = None, workers: int = 1) -> None:
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (owned by the child)
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "smartborder"),
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.agency} node exited with {self.process.returncode}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.agency} node not ready on :{self.port} in {timeout_s} s")

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def token(self, role: str) -> str:
        """An access token of the ``role`` client (kept until it nearly expires)."""
        cached = self._tokens.get(role)
        if cached and cached[1] > time.monotonic():
            return cached[0]
        c = self.clients[role]
        r = httpx.post(
            self.base_url + "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(c["client_id"], c["client_secret"]),
            timeout=10,
        )
        r.raise_for_status()
        body = r.json()
        self._tokens[role] = (str(body["access_token"]), time.monotonic() + body["expires_in"] - 60)
        return self._tokens[role][0]


def _create(settings: Settings, org: str, role: str) -> dict[str, str]:
    engine = make_engine(settings.db_url)
    try:
        upgrade(engine)
        with transaction(session_factory(engine)) as session:
            new = create_client(session, org=org, role=role)
        return {"client_id": new.client_id, "client_secret": new.client_secret, "org": org}
    finally:
        engine.dispose()


def prepare_pair(
    root: Path,
    ports: Mapping[str, int],
    *,
    extra_env: Mapping[str, str] | None = None,
    database_urls: Mapping[str, str] | None = None,
) -> dict[str, NodeProcess]:
    """Both nodes' homes, clients and environments under ``root`` (nothing started)."""
    nodes: dict[str, NodeProcess] = {}
    settings: dict[str, Settings] = {}
    for agency in AGENCIES:
        home = root / agency
        home.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "SMARTBORDER_HOME": str(home),
            "SMARTBORDER_AGENCY": agency,
            "SMARTBORDER_BASE_URL": f"http://127.0.0.1:{ports[agency]}",
            "SMARTBORDER_PEERS_LOOPBACK_HTTP": "true",  # two nodes on one machine
            **(extra_env or {}),
        }
        if database_urls and agency in database_urls:
            env["SMARTBORDER_DATABASE_URL"] = database_urls[agency]
        settings[agency] = Settings(
            home=home, database_url=env.get("SMARTBORDER_DATABASE_URL") or None, agency=agency
        )
        nodes[agency] = NodeProcess(agency, ports[agency], home, env, {})
    for agency, node in nodes.items():
        other = "anam" if agency == "cbp" else "cbp"
        # the client the *other* node uses to deliver here
        peer = _create(settings[agency], f"{other.upper()} node", "peer")
        nodes[other].env.update(
            SMARTBORDER_PEERS=node.base_url,  # its DIDs and status lists: inspection reports
            SMARTBORDER_EXCHANGE_PEER=node.base_url,
            SMARTBORDER_EXCHANGE_CLIENT_ID=peer["client_id"],
            SMARTBORDER_EXCHANGE_CLIENT_SECRET=peer["client_secret"],
        )
        node.clients = {
            "carrier": _create(settings[agency], "Transportes Frontera SA de CV", "carrier"),
            "broker": _create(
                settings[agency], f"Customs Broker of the {agency.upper()} side", "broker"
            ),
            agency: _create(settings[agency], agency.upper(), agency),
            "admin": _create(settings[agency], f"{agency.upper()} administrators", "admin"),
        }
        (node.home / "binational-clients.json").write_text(json.dumps(node.clients, indent=2))
    return nodes


@contextmanager
def running_pair(
    root: Path, ports: Mapping[str, int], **kwargs: Any
) -> Iterator[dict[str, NodeProcess]]:
    """Both nodes started and ready; stopped on exit."""
    nodes = prepare_pair(root, ports, **kwargs)
    try:
        for node in nodes.values():
            node.start(log=node.home / "serve.log")
        for node in nodes.values():
            node.wait_ready()
        yield nodes
    finally:
        for node in nodes.values():
            node.stop()


def main() -> None:  # pragma: no cover - run by hand (make run-binational)
    root = Path(os.environ.get("SMARTBORDER_BINATIONAL_HOME", ".smartborder-binational"))
    with running_pair(root, {"cbp": 8000, "anam": 8001}) as nodes:
        for node in nodes.values():
            print(
                f"{node.agency.upper()} node: {node.base_url}  (clients: {node.home / 'binational-clients.json'})"
            )
        print("Ctrl-C stops both nodes.")
        try:
            while all(n.process and n.process.poll() is None for n in nodes.values()):
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":  # pragma: no cover
    main()
