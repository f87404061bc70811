"""Sub-command groups of the ``smartborder`` CLI, one module per domain (``commands/<domain>.py``
with a ``typer.Typer`` named ``app``), registered in :mod:`smartborder.cli`."""

from __future__ import annotations

from pathlib import Path

from smartborder.errors import InvalidInput
from smartborder.i18n import Text


class UsageError(InvalidInput):
    """The command line itself is wrong (a value outside its choices, a path that cannot be
    read): printed like every :class:`~smartborder.errors.SmartBorderError`, bilingual, but
    the CLI exits 2 (usage error), not 1 (rejected input). Give a specific ``code``."""

    code = "usage"


def choice(option: str, value: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``; else a :class:`UsageError` listing them."""
    if value in choices:
        return value
    listed = ", ".join(choices)
    raise UsageError(
        Text(
            f"{option} must be one of {listed}; got {value!r}.",
            f"{option} debe ser uno de {listed}; se recibió {value!r}.",
        ),
        code="usage.invalid_choice",
    )


def read_text(path: Path, *, code: str) -> str:
    """The text of an input file named on the command line; a path that is missing, a folder,
    unreadable or not UTF-8 is a :class:`UsageError` (exit 2) naming it and why."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        why = Text("no such file", "no existe el archivo")
    except IsADirectoryError:
        why = Text("it is a folder, not a file", "es una carpeta, no un archivo")
    except PermissionError:
        why = Text("permission denied", "permiso denegado")
    except UnicodeDecodeError as exc:
        why = Text(
            f"not UTF-8 text (byte {exc.start}); save it as UTF-8",
            f"no es texto UTF-8 (byte {exc.start}); guárdelo como UTF-8",
        )
    except OSError as exc:
        why = Text(exc.strerror or str(exc), exc.strerror or str(exc))
    raise UsageError(
        Text(f"Cannot read {path}: {why.en}.", f"No se puede leer {path}: {why.es}."),
        code=code,
    )
