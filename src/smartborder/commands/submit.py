"""``smartborder submit``: file pre-arrival declarations from JSON files or folders."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from smartborder.clients import ROLE_SCOPES, Principal, Role
from smartborder.commands import UsageError, read_text
from smartborder.config import Settings
from smartborder.i18n import Text
from smartborder.node import Node
from smartborder.preclearance import BatchItem

console = Console(emoji=False)


def _files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            out.append(path)
        else:
            raise UsageError(
                Text(f"No such file or folder: {path}", f"No existe el archivo o carpeta: {path}"),
                code="submit.path_not_found",
            )
    return out


def _load(path: Path) -> list[tuple[str, Any]]:
    """(where, payload) for each declaration in a file: an object or a list of objects."""
    try:
        data = json.loads(read_text(path, code="submit.path_unreadable"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return [(str(path), _Unreadable(str(exc)))]
    if isinstance(data, list):
        return [(f"{path}[{i}]", item) for i, item in enumerate(data)]
    return [(str(path), data)]


class _Unreadable:
    def __init__(self, why: str) -> None:
        self.why = why


def _unreadable(index: int, p: _Unreadable) -> BatchItem:
    return BatchItem(
        index=index,
        error={
            "code": "submit.malformed_json",
            "message_en": f"not valid JSON: {p.why}",
            "message_es": f"JSON no válido: {p.why}",
            "errors": [],
        },
    )


def submit(
    paths: list[Path] = typer.Argument(..., help="JSON files (an object or a list) or folders."),
    org: str = typer.Option("local", "--org", help="Organization that files the declarations."),
    role: str = typer.Option("carrier", "--role", help="carrier or broker."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON."),
) -> None:
    """Validate, decide and store declarations in the local store; print each decision.

    Exit code 0 when every declaration was accepted, 1 when any was rejected, 2 when a path
    cannot be read (nothing is submitted then).
    """
    parsed = Role(role) if role in ("carrier", "broker") else None
    if parsed is None:
        raise typer.BadParameter("use carrier or broker", param_hint="--role")
    settings = Settings()
    settings.ensure_home()
    entries = [e for f in _files(paths) for e in _load(f)]
    principal = Principal(f"cli:{getpass.getuser()}", org, parsed, ROLE_SCOPES[parsed])
    results: list[tuple[str, BatchItem]] = []
    with Node.open(settings) as node, Progress(console=console, transient=True) as progress:
        task = progress.add_task("submitting", total=len(entries))
        for start in range(0, len(entries), 500):
            chunk = entries[start : start + 500]
            good = [(w, p) for w, p in chunk if not isinstance(p, _Unreadable)]
            items = node.submit_many(principal, [p for _, p in good], now=datetime.now(UTC))
            stored = iter(items)  # in the order of ``good``; keep the files' order
            for i, (where, p) in enumerate(chunk):
                item = _unreadable(i, p) if isinstance(p, _Unreadable) else next(stored)
                results.append((where, item))
            progress.advance(task, len(chunk))
    rejected = sum(1 for _, it in results if it.error)
    if as_json:
        print(
            json.dumps(
                [
                    {"source": w, **it.model_dump(mode="json", exclude={"index"})}
                    for w, it in results
                ]
            )
        )
    else:
        _print(results)
    if rejected:
        raise typer.Exit(1)


def _print(results: list[tuple[str, BatchItem]]) -> None:
    table = Table("source", "kind", "port", "outcome", "lane", "reasons / problems")
    for where, it in results:
        if it.error:
            problems = "; ".join(
                f"{e['pointer']}: {e['message_en']}" for e in it.error["errors"][:3]
            )
            table.add_row(
                escape(where),
                "",
                "",
                "[red]rejected[/]",
                "",
                escape(problems or it.error["message_en"]),
            )
            continue
        assert it.record is not None and it.decision is not None
        reasons = "; ".join(r["code"] for r in it.decision.get("reasons", [])[:3])
        table.add_row(
            escape(where),
            it.record.kind,
            it.record.port_code,
            it.decision["outcome"],
            str(it.decision.get("lane") or ""),
            escape(reasons),
        )
    console.print(table)
    ok = sum(1 for _, it in results if not it.error)
    console.print(
        f"{ok} accepted, {len(results) - ok} rejected / {ok} aceptadas, {len(results) - ok} rechazadas"
    )
