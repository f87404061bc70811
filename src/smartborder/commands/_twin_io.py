"""Scenario lookup and progress bars shared by the ``twin`` commands."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.twin import Scenario, load_scenario, shipped_scenarios
from smartborder.twin.errors import ScenarioInvalid

err = Console(stderr=True, emoji=False)


def resolve_scenario(ref: str) -> Scenario:
    """A scenario from a file path, or one of the shipped examples by name."""
    path = Path(ref)
    if path.exists():
        return load_scenario(path)
    shipped = shipped_scenarios()
    if ref in shipped:
        return load_scenario(shipped[ref])
    names = ", ".join(shipped)
    raise ScenarioInvalid(
        problems=[
            Problem(
                "",
                "twin.no_scenario",
                Text(
                    f"No file {ref!r} and no shipped scenario of that name; shipped: {names}.",
                    f"No existe el archivo {ref!r} ni un escenario incluido con ese nombre; incluidos: {names}.",
                ),
            )
        ]
    )


@contextmanager
def progress_bar(label: str, *, enabled: bool = True) -> Iterator[Callable[[int, int], None]]:
    """A Rich progress bar on stderr; yields the callback ``(done, total)``."""
    if not enabled:
        yield lambda done, total: None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


__all__ = ["progress_bar", "resolve_scenario"]
