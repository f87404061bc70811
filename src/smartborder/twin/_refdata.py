"""The port reference names the twin uses, from :mod:`smartborder.ports` (the one definition)."""

from __future__ import annotations

from smartborder.ports import LaneType, Mode

__all__ = ["LaneType", "Mode"]
