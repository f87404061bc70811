"""The pipeline a node runs, assembled from its settings."""

from __future__ import annotations

from smartborder.admissibility.stage import AdmissibilityStage
from smartborder.config import Settings
from smartborder.declarations import load_hs
from smartborder.preclearance.credentials_stage import CredentialsStage
from smartborder.preclearance.pipeline import Pipeline
from smartborder.risk import PartyHistory
from smartborder.risk.history import StorePartyHistory
from smartborder.store import LazySessions


def pipeline_for(settings: Settings, *, history: PartyHistory | None = None) -> Pipeline:
    """The standard pipeline with this node's HS nomenclature (if configured), the credentials
    stage (this node's identities, trust registry and status lists), and the admissibility
    and risk stages reading the claims of verified credentials. The risk stage's party
    history is ``history``, by default a :class:`StorePartyHistory` on the node's store."""
    hs = load_hs(settings.hs_file) if settings.hs_file else None
    credentials = CredentialsStage.from_settings(settings)
    if history is None:
        history = StorePartyHistory(LazySessions(settings.db_url))
    return Pipeline.default(
        credentials=credentials,
        admissibility=AdmissibilityStage(claims=credentials.claims),
        hs=hs,
        claims=credentials.claims,
        history=history,
    )
