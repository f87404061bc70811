"""English and Spanish text: every message a person reads exists in both.

Domains keep their messages beside their code as :class:`Text` pairs (the catalog of a
domain is its ``errors.py`` / ``messages.py``); this module holds the type, the language
negotiation and formatting.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, NamedTuple


class Lang(StrEnum):
    EN = "en"
    ES = "es"


class Text(NamedTuple):
    """A message in English and Spanish. ``format`` fills the same fields in both."""

    en: str
    es: str

    def get(self, lang: Lang | str) -> str:
        return self.es if Lang(lang) is Lang.ES else self.en

    def format(self, **fields: Any) -> Text:
        return Text(self.en.format(**fields), self.es.format(**fields))

    def both(self) -> str:
        return f"{self.en} / {self.es}"


def negotiate(accept_language: str | None, default: Lang = Lang.EN) -> Lang:
    """Pick English or Spanish from an HTTP ``Accept-Language`` header (RFC 9110 §12.5.4)."""
    if not accept_language:
        return default
    best: tuple[float, Lang] | None = None
    for part in accept_language.split(","):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in ("en", "es") and (best is None or q > best[0]):
            best = (q, Lang(primary))
    return best[1] if best else default


def pick_lang(query: str | None, accept_language: str | None) -> Lang:
    """A page's language: ``?lang=`` where it names English or Spanish (``es-MX`` too), else
    the browser's ``Accept-Language``; a language SmartBorder does not speak is no error."""
    primary = (query or "").strip().lower().split("-")[0]
    return Lang(primary) if primary in ("en", "es") else negotiate(accept_language)


__all__ = ["Lang", "Text", "negotiate", "pick_lang"]
