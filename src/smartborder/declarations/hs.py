"""The HS 2022 nomenclature: the set of 6-digit subheadings, loaded once per file.

Without a file only the structure and chapter of a code are checked (see :mod:`.checks`); with
one (``SMARTBORDER_HS_FILE``, a CSV with ``hscode`` and ``level`` columns such as the UN Comtrade
``harmonized-system.csv``) every code must also be a real subheading.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from smartborder.errors import InvalidInput
from smartborder.i18n import Text


class HSFileInvalid(InvalidInput):
    code = "declaration.hs_file.invalid"
    default_message = Text(
        "The HS nomenclature file cannot be read; it must be a CSV with 'hscode' and 'level' columns.",
        "No se puede leer el archivo de nomenclatura SA; debe ser un CSV con columnas 'hscode' y 'level'.",
    )


@dataclass(frozen=True, slots=True)
class HSNomenclature:
    """The subheadings (6-digit codes) and their descriptions, from one file."""

    source: str
    subheadings: frozenset[str]
    descriptions: dict[str, str]

    def __contains__(self, code: object) -> bool:
        return code in self.subheadings

    def __len__(self) -> int:
        return len(self.subheadings)

    def chapter(self, chapter: str) -> list[str]:
        """The subheadings of a 2-digit chapter, sorted."""
        return sorted(c for c in self.subheadings if c.startswith(chapter))


def load_hs(path: Path | str) -> HSNomenclature:
    """Load the nomenclature at ``path`` (cached: each file is read once per process)."""
    return _load(str(Path(path).resolve()))


@lru_cache(maxsize=8)
def _load(path: str) -> HSNomenclature:
    codes: set[str] = set()
    descriptions: dict[str, str] = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"hscode", "level"} <= set(reader.fieldnames):
                raise HSFileInvalid(extra={"path": path})
            for row in reader:
                code = (row["hscode"] or "").strip()
                if (row["level"] or "").strip() == "6" and len(code) == 6 and code.isdigit():
                    codes.add(code)
                    descriptions[code] = (row.get("description") or "").strip()
    except OSError as exc:
        raise HSFileInvalid(
            Text(
                f"Cannot read the HS nomenclature file {path}: {exc.strerror}. Check SMARTBORDER_HS_FILE.",
                f"No se puede leer el archivo de nomenclatura SA {path}: {exc.strerror}. Revise SMARTBORDER_HS_FILE.",
            )
        ) from exc
    if not codes:
        raise HSFileInvalid(extra={"path": path})
    return HSNomenclature(source=path, subheadings=frozenset(codes), descriptions=descriptions)


__all__ = ["HSFileInvalid", "HSNomenclature", "load_hs"]
