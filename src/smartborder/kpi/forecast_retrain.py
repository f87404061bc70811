"""Retraining the wait forecaster from the node's own store on a schedule.

Seasons drift: a model trained in spring forecasts summer worse than one that has seen June.
With ``SMARTBORDER_FORECAST_RETRAIN=daily`` or ``weekly`` a serving node retrains on its
store's published waits (the last :data:`RETRAIN_DAYS` days) whenever the model file is older
than that, on a background thread, and the API picks the new file up (it reloads a model
whose file changed). ``smartborder kpi forecast-retrain`` does the same once (for cron).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from smartborder.i18n import Text
from smartborder.kpi.forecast import HORIZONS_H, WaitForecaster
from smartborder.kpi.forecast_bands import fit_with_bands
from smartborder.kpi.forecast_errors import ForecastInvalid
from smartborder.kpi.forecast_features import WaitObservation

log = logging.getLogger(__name__)

RETRAIN_INTERVALS: dict[str, timedelta | None] = {
    "off": None,
    "daily": timedelta(days=1),
    "weekly": timedelta(days=7),
}
RETRAIN_DAYS = 180  # the history a scheduled retrain reads: about two seasons
CHECK_EVERY_S = 3600.0  # how often the background job looks whether a retrain is due
MIN_READINGS = 500  # fewer published waits in the store: no retrain (the old model stays)


def retrain_interval(schedule: str) -> timedelta | None:
    """The interval of a schedule name (``off``: None); raises ForecastInvalid otherwise."""
    try:
        return RETRAIN_INTERVALS[schedule.strip().lower()]
    except KeyError:
        raise ForecastInvalid(
            Text(
                f"Unknown forecast retraining schedule {schedule!r}: use off, daily or weekly.",
                f"Calendario de reentrenamiento desconocido {schedule!r}: use off, daily o weekly.",
            )
        ) from None


def model_age(path: Path, *, now: datetime | None = None) -> timedelta | None:
    """How long ago the model file was written (None: there is none)."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    now = now or datetime.now(UTC)
    return now - datetime.fromtimestamp(mtime, UTC)


def retrain_due(path: Path, every: timedelta, *, now: datetime | None = None) -> bool:
    """True when there is no model at ``path`` or it is at least ``every`` old."""
    age = model_age(path, now=now)
    return age is None or age >= every


@dataclass(frozen=True)
class RetrainOutcome:
    """What one retraining did: ``trained`` (the file was replaced) or why not."""

    status: str  # "trained", "not_due", "too_few_readings", "busy" (another process)
    readings: int = 0
    path: Path | None = None
    model: WaitForecaster | None = None


def retrain(
    observations: Callable[[], Sequence[WaitObservation]],
    path: Path,
    *,
    every: timedelta | None,
    force: bool = False,
    seed: int = 0,
    horizons_h: Sequence[int] = HORIZONS_H,
    now: datetime | None = None,
) -> RetrainOutcome:
    """Retrain on ``observations()`` and replace the model at ``path`` (atomically) if it is
    due (older than ``every``; always with ``force``). With fewer than :data:`MIN_READINGS`
    readings nothing is written: the model in place keeps serving."""
    if not force and (every is None or not retrain_due(path, every, now=now)):
        return RetrainOutcome("not_due", path=path)
    obs = list(observations())
    if len(obs) < MIN_READINGS:
        return RetrainOutcome("too_few_readings", readings=len(obs), path=path)
    model = fit_with_bands(obs, rng=np.random.default_rng(seed), horizons_h=horizons_h)
    model.save(path)
    return RetrainOutcome("trained", readings=len(obs), path=path, model=model)


class ForecastRetrainer:
    """A daemon thread that calls :func:`retrain` every ``check_s`` seconds until closed."""

    def __init__(
        self,
        observations: Callable[[], Sequence[WaitObservation]],
        path: Path,
        *,
        every: timedelta,
        check_s: float = CHECK_EVERY_S,
    ) -> None:
        self.observations = observations
        self.path = path
        self.every = every
        self.check_s = check_s
        self.last: RetrainOutcome | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> RetrainOutcome:
        """Retrain if due. Several worker processes of one node share the model file: the
        one holding ``<model>.lock`` retrains, the others skip this round (``busy``)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self.last = RetrainOutcome("busy", path=self.path)
                return self.last
            try:
                self.last = retrain(self.observations, self.path, every=self.every)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
        if self.last.status == "trained":
            log.info("wait forecaster retrained on %d readings: %s", self.last.readings, self.path)
        return self.last

    def start(self) -> ForecastRetrainer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="smartborder-forecast-retrain", daemon=True
            )
            self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception as exc:  # a failed retrain keeps the old model serving
                log.warning("wait forecaster retrain failed: %s", exc)
            if self._stop.wait(self.check_s):
                break


__all__ = [
    "RETRAIN_DAYS",
    "RETRAIN_INTERVALS",
    "ForecastRetrainer",
    "RetrainOutcome",
    "model_age",
    "retrain",
    "retrain_due",
    "retrain_interval",
]
