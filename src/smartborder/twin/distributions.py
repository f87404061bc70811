"""Service-time distributions that know their moments and sample from a numpy Generator.

Each is a small frozen dataclass with ``mean``, ``variance`` and ``sample(rng, n)`` (seconds).
Scenarios declare them as ``{dist: lognormal, mean_s: 34, cv: 0.5}``; :func:`parse_distribution`
turns such a mapping into an object and says what is wrong when it cannot.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np
from numpy.typing import NDArray

from smartborder.errors import Problem
from smartborder.i18n import Text
from smartborder.twin.errors import ScenarioInvalid

FloatArray = NDArray[np.float64]


class Distribution(Protocol):
    """A non-negative random duration in seconds."""

    @property
    def mean(self) -> float: ...

    @property
    def variance(self) -> float: ...

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Exponential:
    mean_s: float

    @property
    def mean(self) -> float:
        return self.mean_s

    @property
    def variance(self) -> float:
        return self.mean_s**2

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.exponential(self.mean_s, n)

    def to_dict(self) -> dict[str, Any]:
        return {"dist": "exponential", "mean_s": self.mean_s}


@dataclass(frozen=True, slots=True)
class Deterministic:
    mean_s: float

    @property
    def mean(self) -> float:
        return self.mean_s

    @property
    def variance(self) -> float:
        return 0.0

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return np.full(n, self.mean_s)

    def to_dict(self) -> dict[str, Any]:
        return {"dist": "deterministic", "mean_s": self.mean_s}


@dataclass(frozen=True, slots=True)
class _MeanCv:
    """A distribution given by its mean and coefficient of variation (sd / mean)."""

    mean_s: float
    cv: float
    name: ClassVar[str]

    @property
    def mean(self) -> float:
        return self.mean_s

    @property
    def variance(self) -> float:
        return (self.cv * self.mean_s) ** 2

    def to_dict(self) -> dict[str, Any]:
        return {"dist": self.name, "mean_s": self.mean_s, "cv": self.cv}


@dataclass(frozen=True, slots=True)
class LogNormal(_MeanCv):
    """Log-normal with the given mean and coefficient of variation (sd / mean)."""

    name: ClassVar[str] = "lognormal"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        sigma2 = math.log1p(self.cv**2)
        mu = math.log(self.mean_s) - sigma2 / 2.0
        return rng.lognormal(mu, math.sqrt(sigma2), n)


@dataclass(frozen=True, slots=True)
class Gamma(_MeanCv):
    """Gamma with the given mean and coefficient of variation (shape = 1 / cv²)."""

    name: ClassVar[str] = "gamma"

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean_s / shape, n)


@dataclass(frozen=True, slots=True)
class Empirical:
    """Resamples observed durations (seconds) with replacement."""

    values_s: tuple[float, ...]

    @property
    def mean(self) -> float:
        return float(np.mean(self.values_s))

    @property
    def variance(self) -> float:
        return float(np.var(self.values_s))

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.choice(np.asarray(self.values_s, dtype=np.float64), n)

    def to_dict(self) -> dict[str, Any]:
        return {"dist": "empirical", "values_s": list(self.values_s)}


@dataclass(frozen=True, slots=True)
class Scaled:
    """Another distribution with every duration multiplied by ``factor`` (used by calibration)."""

    base: Distribution
    factor: float

    @property
    def mean(self) -> float:
        return self.base.mean * self.factor

    @property
    def variance(self) -> float:
        return self.base.variance * self.factor**2

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return self.base.sample(rng, n) * self.factor

    def to_dict(self) -> dict[str, Any]:
        out = self.base.to_dict()
        if "values_s" in out:
            out["values_s"] = [v * self.factor for v in out["values_s"]]
        else:
            out["mean_s"] = out["mean_s"] * self.factor
        return out


_KINDS = ("exponential", "deterministic", "lognormal", "gamma", "empirical")


def _problem(pointer: str, en: str, es: str) -> ScenarioInvalid:
    return ScenarioInvalid(problems=[Problem(pointer, "twin.bad_distribution", Text(en, es))])


def parse_distribution(spec: Mapping[str, Any] | float, *, pointer: str = "") -> Distribution:
    """A distribution from ``{dist: ..., mean_s: ..., cv: ...}``; a bare number is deterministic."""
    if isinstance(spec, int | float):
        spec = {"dist": "deterministic", "mean_s": float(spec)}
    kind = str(spec.get("dist", "exponential")).lower()
    if kind not in _KINDS:
        raise _problem(
            pointer + "/dist",
            f"Unknown distribution {kind!r}; use one of {', '.join(_KINDS)}.",
            f"Distribución desconocida {kind!r}; use una de {', '.join(_KINDS)}.",
        )
    if kind == "empirical":
        values: Sequence[float] = spec.get("values_s") or []
        if not values or any(float(v) < 0 for v in values):
            raise _problem(
                pointer + "/values_s",
                "An empirical distribution needs a non-empty list of durations >= 0 (values_s).",
                "Una distribución empírica necesita una lista no vacía de duraciones >= 0 (values_s).",
            )
        return Empirical(tuple(float(v) for v in values))
    mean = spec.get("mean_s")
    if not isinstance(mean, int | float) or mean <= 0:
        raise _problem(
            pointer + "/mean_s",
            "mean_s must be a number of seconds greater than 0.",
            "mean_s debe ser un número de segundos mayor que 0.",
        )
    if kind == "exponential":
        return Exponential(float(mean))
    if kind == "deterministic":
        return Deterministic(float(mean))
    cv = spec.get("cv", 0.5)
    if not isinstance(cv, int | float) or cv <= 0:
        raise _problem(
            pointer + "/cv",
            "cv (standard deviation / mean) must be a number greater than 0.",
            "cv (desviación estándar / media) debe ser un número mayor que 0.",
        )
    return (
        LogNormal(float(mean), float(cv)) if kind == "lognormal" else Gamma(float(mean), float(cv))
    )


__all__ = [
    "Deterministic",
    "Distribution",
    "Empirical",
    "Exponential",
    "Gamma",
    "LogNormal",
    "Scaled",
    "parse_distribution",
]
