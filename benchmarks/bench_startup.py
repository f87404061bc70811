"""Start-up: ``smartborder --help``, a command's overhead, the API app factory's import, and
``serve`` readiness (spawn to the first 200 from ``/readyz``), as medians of wall and CPU
(user + sys) time, beside the baselines measured in the same run: ``python -c pass`` (the
interpreter alone) and ``import fastapi`` (the web framework alone).

    PYTHONPATH=src python benchmarks/bench_startup.py [--runs 5] [--store HOME] [--src DIR]

``policy eval`` decides one traveler under the version in force at the port and instant (the
store read as the pipeline reads it; target ≤ 1.5 s wall). ``--only TEXT`` runs only the cases
whose name contains TEXT (and skips ``serve`` unless it matches).
``--store`` serves an existing home (e.g. one with 1 M declarations) besides a fresh one;
``--src`` measures another source tree (e.g. the commit before) with the same script.
CPU time is the figure to compare on a busy machine; wall time includes waiting for the CPU.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _env(src: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTBORDER_")}
    env["SMARTBORDER_HOME"] = str(home)
    env["PYTHONPATH"] = str(src)
    return env


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU (user + sys) seconds of one run of ``argv``."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {err[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def serve_ready(env: dict[str, str], workers: int, timeout_s: float = 120.0) -> float:
    """Seconds from spawning ``smartborder serve`` to its first 200 from ``/readyz``."""
    port = _free_port()
    argv = [sys.executable, "-c", "from smartborder.cli import main; main()", "serve"]
    argv += ["--port", str(port)]
    start = time.perf_counter()
    proc = subprocess.Popen(
        [*argv, "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - start < timeout_s:
            if proc.poll() is not None:
                raise SystemExit(f"serve exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        return float("nan")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _median_row(name: str, samples: list[tuple[float, float]]) -> str:
    wall = statistics.median(s[0] for s in samples)
    cpu = statistics.median(s[1] for s in samples)
    return f"{name:<44} {wall:8.3f} {cpu:8.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--store", type=Path, help="an existing SMARTBORDER_HOME to serve too")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="run only the cases whose name contains this")
    args = parser.parse_args()

    py = sys.executable
    cli = [py, "-c", "from smartborder.cli import main; main()"]
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        env = _env(args.src.resolve(), home)
        run_once([*cli, "db", "upgrade"], env)  # the fresh store exists before any timing
        traveler = Path(tmp) / "traveler.json"
        traveler.write_text(
            '{"nationality": "MEX", "date_of_birth": "1980-05-05", "purpose": "tourism"}'
        )
        cases = {
            "baseline: python -c pass": [py, "-c", "pass"],
            "baseline: import fastapi": [py, "-c", "import fastapi"],
            "smartborder --help": [*cli, "--help"],
            "smartborder ports --json (a command)": [*cli, "ports", "--json"],
            "smartborder db upgrade (store at head)": [*cli, "db", "upgrade"],
            "smartborder twin scenarios": [*cli, "twin", "scenarios"],
            "smartborder policy eval (rules in force)": [
                *cli,
                "policy",
                "eval",
                "--port",
                "2504",
                "--at",
                "2022-02-01T10:00:00-08:00",
                "--traveler",
                str(traveler),
            ],
            "import the API app factory": [
                py,
                "-c",
                "from smartborder.api.app import create_app",
            ],
        }
        print(f"source: {args.src}; medians of {args.runs} runs; seconds")
        print(f"{'':<44} {'wall':>8} {'cpu':>8}")
        for name, argv in cases.items():
            if args.only not in name and not name.startswith("baseline"):
                continue
            samples = [run_once(argv, env) for _ in range(args.runs)]
            print(_median_row(name, samples), flush=True)
        for workers in sorted({1, args.workers}) if args.only in "serve" else ():
            fresh = Path(tmp) / f"fresh-{workers}"
            waits = []
            for _ in range(args.runs):
                shutil.rmtree(fresh, ignore_errors=True)
                waits.append(serve_ready(_env(args.src.resolve(), fresh), workers))
            name = f"serve --workers {workers}: ready, fresh store"
            print(f"{name:<44} {statistics.median(waits):8.3f} {'':>8}", flush=True)
        if args.store is not None:
            for workers in sorted({1, args.workers}):
                waits = [
                    serve_ready(_env(args.src.resolve(), args.store), workers)
                    for _ in range(args.runs)
                ]
                name = f"serve --workers {workers}: ready, {args.store.name}"
                print(f"{name:<44} {statistics.median(waits):8.3f} {'':>8}", flush=True)


if __name__ == "__main__":
    main()
