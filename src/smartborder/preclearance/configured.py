"""The pipeline a node runs, assembled from its settings."""

from __future__ import annotations

from smartborder.config import Settings
from smartborder.declarations import load_hs
from smartborder.preclearance.pipeline import Pipeline


def pipeline_for(settings: Settings) -> Pipeline:
    """The standard pipeline with this node's HS nomenclature (if configured)."""
    hs = load_hs(settings.hs_file) if settings.hs_file else None
    return Pipeline.default(hs=hs)
