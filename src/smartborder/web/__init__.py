"""Server-rendered pages and their static assets (served locally, never from a CDN)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

WEB_DIR = Path(__file__).parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"

templates = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"])
)

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "WEB_DIR", "templates"]
