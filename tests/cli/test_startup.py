"""Start-up is a feature: ``smartborder --help`` imports no command, the API app factory and
the CLI import none of the heavy libraries (each costs seconds of CPU), and ``serve --workers
2`` comes up on a fresh store (migrated once, before the workers start)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from smartborder import cli

HEAVY = ("scipy", "sklearn", "numba", "dask", "distributed", "matplotlib")
SRC = Path(__file__).resolve().parents[2] / "src"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTBORDER_")}
    env["SMARTBORDER_HOME"] = str(home)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    return env


def _modules_after(code: str, home: Path) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys; print(json.dumps(sorted(sys.modules)))"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_help_imports_no_command_module(tmp_path: Path) -> None:
    loaded = _modules_after(
        "import contextlib, io\n"
        "from smartborder.cli import app\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    app(['--help'])",
        tmp_path,
    )
    assert not loaded & {entry.module for entry in cli.COMMANDS.values()}
    assert not {m for m in loaded if m.split(".")[0] in (*HEAVY, "fastapi", "sqlalchemy")}


def test_api_app_factory_and_cli_import_no_heavy_library(tmp_path: Path) -> None:
    loaded = _modules_after(
        "import smartborder.cli, smartborder.commands.server\n"
        "from smartborder.api.app import create_app\n"
        "from smartborder.api.serving import served_app",
        tmp_path,
    )
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_built_app_imports_no_heavy_library(tmp_path: Path) -> None:
    loaded = _modules_after("from smartborder.api.app import create_app\ncreate_app()", tmp_path)
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}


def test_listed_summary_of_every_command_is_its_own_first_help_line() -> None:
    for name, entry in cli.COMMANDS.items():
        command = cli.load_command(name)
        assert command.name == name
        assert command.hidden == entry.hidden
        assert (command.help or "").strip().splitlines()[0] == entry.summary, name


def test_root_help_lists_every_visible_command() -> None:
    result = CliRunner().invoke(cli.app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    listed = {line.split()[1] for line in result.output.splitlines() if line.startswith("│ ")}
    assert listed >= {name for name, entry in cli.COMMANDS.items() if not entry.hidden}
    assert not listed & {name for name, entry in cli.COMMANDS.items() if entry.hidden}
    for entry in cli.COMMANDS.values():
        assert entry.hidden or entry.summary in result.output


def test_a_mistyped_command_is_a_usage_error_naming_the_close_one() -> None:
    result = CliRunner().invoke(cli.app, ["pots"])
    assert result.exit_code == 2
    assert "ports" in result.output


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc: no dependency for one listing)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return sorted(out)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.mark.slow
def test_serve_with_two_workers_comes_up_on_a_fresh_sqlite_store(tmp_path: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "smartborder.cli", "serve", "--workers", "2", "--port", str(port)],
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        ready = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    ready = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.2)
        assert ready == {"status": "ready", "database": "sqlite"}, "not ready within 60 s"
        # Both workers answer, none restarted for a failed migration.
        for _ in range(10):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
                assert r.status == 200
        # Workers are forked from the parent (which imported the app once); one killed with
        # SIGKILL is replaced by a new one, and the node goes on answering.
        deadline = time.monotonic() + 60  # uvicorn starts its workers one after the other
        while len(workers := _children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) >= 2, workers
        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = _children(proc.pid)
            if len(now) == len(workers) and workers[0] not in now:
                break
            time.sleep(0.2)
        assert len(now) == len(workers) and workers[0] not in now, (workers, now)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
    assert "database is locked" not in output
    assert "Traceback" not in output


def test_twin_names_are_what_they_name_whatever_is_imported_first(tmp_path: Path) -> None:
    code = (
        "import smartborder.twin.simulate, smartborder.twin.scenario\n"
        "from smartborder import twin\n"
        "from smartborder.twin import Scenario, simulate\n"
        "assert callable(simulate) and simulate is twin.simulate, simulate\n"
        "assert Scenario.__module__ == 'smartborder.twin.scenario'\n"
        "assert set(twin.__all__) <= set(dir(twin))\n"
        "assert all(hasattr(twin, n) for n in twin.__all__)"
    )
    loaded = _modules_after(code, tmp_path)
    assert "smartborder.twin.simulate" in loaded


def test_twin_records_import_without_the_simulator(tmp_path: Path) -> None:
    loaded = _modules_after("from smartborder.twin import RunResult, Scenario", tmp_path)
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
