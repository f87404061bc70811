"""The two model slots of a node, kept fresh: the model that decides trucks (none: the weight
set decides) and the shadow model that scores them beside the decision.

What fills the slots is in the store: the latest change of the deciding version
(``risk_deciding``: a promotion names a model and its cut-offs, a demotion returns to the
weight set) and the latest registered model still in the shadow slot (a promoted model leaves
it, so the next registered candidate goes on being scored). Every worker keeps its slots in
memory and reloads them the way the plans in force are reloaded
(:class:`smartborder.store.Refresher`): a cheap generation (the latest change, the number of
registered and of shadow models) is polled every second and only a changed generation loads
models — so a promotion, a demotion or a newly registered model takes effect in every worker
within about a second, without a restart. Models are loaded (their boosters built) on the
background thread, never on a decision's path.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import NamedTuple

import orjson
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from smartborder.errors import SmartBorderError
from smartborder.risk.model.deciding import Cutoffs, DecidingModel
from smartborder.risk.model.features import ViolationCounts
from smartborder.risk.model.learned import LearnedModel
from smartborder.risk.model.shadow import ShadowScorer
from smartborder.store import Refresher
from smartborder.store import risk as repo

log = logging.getLogger("smartborder.risk")

Sessions = Callable[[], Session]


class Slots(NamedTuple):
    """What decides and what scores in shadow, as of one generation."""

    deciding: DecidingModel | None
    shadow: ShadowScorer | None


class ModelSlots:
    """This process's view of the deciding and the shadow model.

    Without ``sessions`` the slots are fixed (``deciding``, ``shadow``): a pipeline built in
    a test or a benchmark. With ``sessions`` they are read from the store now, and after
    :meth:`keep_fresh` reloaded whenever the store's generation changes.
    """

    def __init__(
        self,
        sessions: Sessions | None = None,
        *,
        violations: ViolationCounts | None = None,
        deciding: DecidingModel | None = None,
        shadow: ShadowScorer | None = None,
        refresh_s: float = 1.0,
    ) -> None:
        self._sessions = sessions
        self.violations = violations
        self.view = Slots(deciding, shadow)
        self._generation: tuple[int, int, int] | None = None
        self._models: dict[str, LearnedModel] = {}
        self._scorers: dict[str, ShadowScorer] = {}
        if shadow is not None:
            self._scorers[shadow.model_id] = shadow
        self._lock = threading.Lock()
        self._refresher = Refresher("smartborder-risk-models", self.reload, refresh_s=refresh_s)
        if sessions is not None:
            try:
                self.reload()
            except SQLAlchemyError as exc:  # a store not migrated yet: the weight set decides
                log.warning("risk models not loaded: %s", exc)

    @property
    def deciding(self) -> DecidingModel | None:
        return self.view.deciding

    @property
    def shadow(self) -> ShadowScorer | None:
        return self.view.shadow

    def scorer(self, model_id: str) -> ShadowScorer | None:
        """The shadow scorer of a model this process has scored with (the writer scores a
        truck with the model that encoded it, even if the slot changed meanwhile)."""
        return self._scorers.get(model_id)

    def reload(self, *, force: bool = False) -> bool:
        """Read the generation; if it changed (or ``force``), refill the slots. Returns
        whether they changed."""
        if self._sessions is None:
            return False
        with self._lock:
            with self._sessions() as session:
                gen = repo.models_generation(session)
                if gen == self._generation and not force:
                    return False
                change = repo.deciding(session)
                shadow_row = repo.latest_model(session, "shadow")
                deciding = None
                if change is not None and change.action == "promote" and change.model_id:
                    model = self._model(session, change.model_id)
                    if model is not None:
                        cutoffs = Cutoffs.from_json(orjson.loads(change.cutoffs or "{}"))
                        deciding = DecidingModel(model, cutoffs)
                shadow = None
                if shadow_row is not None:
                    shadow = self._scorers.get(shadow_row.id)
                    model = self._model(session, shadow_row.id) if shadow is None else None
                    if model is not None:
                        shadow = ShadowScorer(model, violations=self.violations)
                        self._scorers[shadow_row.id] = shadow
            for slot in (deciding, shadow):
                if slot is not None:
                    _ = slot.model.booster  # built here, not on the first decision's path
            self.view = Slots(deciding, shadow)
            self._generation = gen
            return True

    def _model(self, session: Session, model_id: str) -> LearnedModel | None:
        """A registered model, or ``None`` (logged) if it is gone or no longer loads — e.g.
        trained on another feature list than this version computes: then the weight set
        decides, or no shadow model scores, rather than a node that cannot open."""
        model = self._models.get(model_id)
        if model is None:
            row = repo.get_model(session, model_id)
            if row is None:
                log.error("risk model %s is named but not registered; not used", model_id)
                return None
            try:
                model = LearnedModel.from_json(
                    orjson.loads(row.body), source=f"risk_models/{model_id}"
                )
            except (SmartBorderError, orjson.JSONDecodeError) as exc:
                log.error("risk model %s does not load, not used: %s", model_id, exc)
                return None
            self._models[model_id] = model
        return model

    def keep_fresh(self) -> ModelSlots:
        """Poll the generation every ``refresh_s`` on a daemon thread until :meth:`close`."""
        if self._sessions is not None:
            self._refresher.start()
        return self

    def close(self) -> None:
        self._refresher.close()


__all__ = ["ModelSlots", "Slots"]
