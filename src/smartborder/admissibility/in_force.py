"""Which policy version decides a crossing: the one in force at the port at the arrival instant,
for the destination country — the same lookup for the pipeline and the self-check.

Each process keeps the whole activation history in memory with every version's parsed,
schema-validated Cedar policies (compiled once per version, warmed in the background), so a
lookup is two dictionary reads and never touches the store. Like the client registry, the view
is reloaded on a background thread: the in-force generation (one row, bumped by every
activation, supersession and withdrawal) is polled every ``refresh_s`` (1 s), and only a
changed generation reloads the activations — so an activation in any process takes effect
in every worker within about a second. Where nothing is in force, the default plan decides.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from smartborder.admissibility.cedar import Policies, load_policies
from smartborder.admissibility.graph import DESTINATION, port_graph
from smartborder.admissibility.model import AdmissibilityResult
from smartborder.admissibility.plan import DEFAULT_PLAN
from smartborder.admissibility.plan_history import (
    Activation,
    activations,
    index,
    pick,
    port_and_region,
)
from smartborder.admissibility.service import PlanRef, _direction, evaluate, policies_for
from smartborder.errors import SmartBorderError
from smartborder.store import Refresher
from smartborder.store import admissibility as q

log = logging.getLogger("smartborder.admissibility")

REFRESH_S = 1.0
Sessions = Callable[[], Session]
Windows = dict[tuple[str, str, str], list[Activation]]
# (country, port code or region id) → (effective_from, effective_until, version) windows
Flat = dict[tuple[str, str], tuple[tuple[datetime, datetime | None, str], ...]]


def _flat(windows: Windows) -> Flat:
    return {
        (country, ident): tuple((a.effective_from, a.effective_until, a.version) for a in acts)
        for (country, _, ident), acts in windows.items()
    }


@cache
def _places() -> dict[str, tuple[str, str]]:
    """Port code or crossing number → (port code, region id): where to look, in order."""
    _, region_of, crossing_port = port_graph()
    out = {code: (code, region) for code, region in region_of.items()}
    out.update({c: (code, region_of[code]) for c, code in crossing_port.items()})
    return out


class RulesInForce:
    """The versions in force in this process's view, and the lookup both deciders use."""

    def __init__(
        self,
        sessions: Sessions | None = None,
        *,
        fallback: PlanRef = DEFAULT_PLAN,
        refresh_s: float = REFRESH_S,
        warm: bool = True,
    ) -> None:
        self._sessions = sessions
        self.refresh_s = refresh_s
        self._warm = warm
        self.fallback = policies_for(fallback)
        if warm:
            self.fallback.warm()
        self._versions: dict[str, Policies] = {}
        self._view: tuple[int, Windows, Flat] = (-1, {}, {})
        self._reload_lock = threading.Lock()
        self._refresher = Refresher("smartborder-rules-in-force", self.reload, refresh_s=refresh_s)
        if sessions is not None:
            try:
                self.reload()
            except SQLAlchemyError as exc:  # a store not migrated yet: the default plan decides
                log.warning("rules in force not loaded: %s", exc)

    @property
    def generation(self) -> int:
        return self._view[0]

    # --- the lookup ------------------------------------------------------------------------------

    def activation_at(
        self, port: str, at: datetime, direction: Any = "northbound"
    ) -> Activation | None:
        """The activation in force at ``port`` at ``at`` for ``direction`` (None: the default)."""
        if at.tzinfo is None:
            return None  # evaluation refuses the naive instant with its own problem
        code, region = port_and_region(port)
        country = DESTINATION[_direction(direction)]
        return pick(self._view[1], country=country, port=code, region=region, at=at)

    def policies_at(self, port: str, at: datetime, direction: Any = "northbound") -> Policies:
        """The policy set that decides a crossing at ``port`` at ``at`` going ``direction``:
        what :meth:`activation_at` names, read from flat tuples (this runs per decision)."""
        gen, _, flat = self._view
        if not flat or at.tzinfo is None:
            return self.fallback
        where = _places().get(port)
        if where is None:
            return self.fallback  # evaluation refuses the unknown port with its own problem
        country = DESTINATION.get(direction) or DESTINATION[_direction(direction)]
        for place in where:  # the port's own activation, else its region's
            for start, until, version in flat.get((country, place), ()):
                if start <= at and (until is None or at < until):
                    return self._versions.get(version, self.fallback)
        return self.fallback

    def evaluate(
        self,
        traveler: Any,
        *,
        port: str,
        at: datetime,
        direction: Any = "northbound",
        claims: Mapping[str, Any] | None = None,
    ) -> AdmissibilityResult:
        """:func:`~smartborder.admissibility.evaluate` under the version in force there and then."""
        return evaluate(
            traveler,
            port=port,
            at=at,
            plan=self.policies_at(port, at, direction),
            direction=direction,
            claims=claims,
        )

    # --- keeping the view fresh ------------------------------------------------------------------

    def reload(self, *, force: bool = False) -> bool:
        """Read the generation; if it changed (or ``force``), read every activation and load
        the versions they name. Returns whether the view changed."""
        if self._sessions is None:
            return False
        with self._reload_lock:
            with self._sessions() as session:
                gen = q.generation(session)
                if gen == self._view[0] and not force:
                    return False
                rows = activations(session)
                cedar = {
                    v: q.get_version(session, v)
                    for v in {a.version for a in rows}
                    if v not in self._versions
                }
            for version_id, row in cedar.items():
                if row is None:
                    continue
                try:
                    policies = load_policies(row.cedar, plan_id=row.plan_id, version=version_id)
                except SmartBorderError as exc:  # e.g. a schema change since it was published
                    log.error("version %s in force but not loadable: %s", version_id, exc)
                    continue
                self._versions[version_id] = policies.warm() if self._warm else policies
            windows = index(rows)
            self._view = (gen, windows, _flat(windows))
            return True

    def keep_fresh(self) -> RulesInForce:
        """Poll the generation every ``refresh_s`` on a daemon thread until :meth:`close`."""
        if self._sessions is not None:
            self._refresher.start()
        return self

    def close(self) -> None:
        self._refresher.close()
