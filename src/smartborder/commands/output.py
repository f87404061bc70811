"""How the CLI prints an error: bilingual, on stderr, DIDs and paths kept copyable."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from smartborder.errors import SmartBorderError

# Messages carry DIDs (did:key:... stays as is: no emoji codes) and paths (never wrapped
# mid-word: a path must stay copyable).
err_console = Console(stderr=True, emoji=False, soft_wrap=True)


def report_error(exc: SmartBorderError) -> None:
    """Print ``exc``'s code, its English and Spanish messages and each problem, on stderr."""
    err_console.print(f"[bold red]error[/] {escape(f'[{exc.code}]')} {escape(exc.message.en)}")
    err_console.print(f"[dim]        {escape(exc.message.es)}[/]")
    for p in exc.problems:
        line = f"  {p.pointer or '/'}  {p.code}: {p.message.en} / {p.message.es}"
        err_console.print(escape(line))
