"""Exploration: a configurable share of the declarations whose score falls just under the
inspection threshold — the cases the deciding risk version is least sure of — is inspected
anyway, so the learned model gets labels where they teach it most (the DATE authors show
that inspecting only what a model already ranks high starves it of labels).

An exploration inspection is stated as such in the decision (reason ``risk.exploration``),
never disguised as risk. Draws come from the operating system's CSPRNG, so nobody can
predict which declaration is explored.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Exploration:
    """Inspect a ``rate`` share of the declarations scoring within ``band`` points under the
    inspection threshold (``rate`` 0: off)."""

    rate: float
    band: float

    def __post_init__(self) -> None:
        if not 0 <= self.rate <= 1 or not self.band > 0:
            raise ValueError("exploration rate is a share in [0, 1] and its band positive")

    def near(self, score: float, threshold: float) -> bool:
        """Whether ``score`` is uncertain: under ``threshold`` by at most ``band`` points."""
        return threshold - self.band <= score < threshold

    def draw(self) -> bool:
        """A CSPRNG draw that is true with probability ``rate``."""
        return self.rate > 0 and secrets.randbits(53) < self.rate * (1 << 53)


__all__ = ["Exploration"]
