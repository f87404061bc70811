"""The composition root: one place that assembles a SmartBorder node from its settings.

A node is its store (engine, sessions, the group-commit writer), its token signer, its
pipeline with every stage (filing, credentials with this node's identities, trust registry
and status lists, admissibility, risk with the party history), and the background work that
keeps them fresh. The API (``api.create_app``), the CLI and the demo all build the node
here, and all write through it: a submission or a batch is prepared
(``preclearance.prepare``) and stored by the node's writer (``preclearance.store_many``); an
amendment is version *n*, prepared against the stored record and stored the same way.

::

    with Node.open(Settings()) as node:
        items = node.submit_many(principal, payloads)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from functools import cached_property
from types import TracebackType
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from smartborder.admissibility import RulesInForce
from smartborder.clients import ClientRegistry, Principal, TokenSigner
from smartborder.config import Settings
from smartborder.consular import (
    ConsularOffice,
    NoticeDispatcher,
    channels_from_settings,
    notices_for,
)
from smartborder.credentials import CredentialService, KeyType, NodeKeys, Peers, node_did
from smartborder.declarations import load_hs
from smartborder.errors import NotFound
from smartborder.exchange import (
    Agreement,
    Deliverer,
    LeaderLoop,
    NodeSigner,
    PeerNode,
    load_agreement,
)
from smartborder.i18n import Text
from smartborder.kpi import (
    ForecastRetrainer,
    WaitObservation,
    engine_for,
    forecast_model_path,
    retrain_interval,
    stored_observations,
)
from smartborder.preclearance import (
    AdmissibilityStage,
    BatchItem,
    CredentialsStage,
    Pipeline,
    PreparedSubmission,
    SubmissionResult,
    amendment_target,
    batch_items,
    prepare,
    prepare_amendment,
    prepare_batch,
    store_many,
)
from smartborder.risk import (
    Exploration,
    ModelSlots,
    PartyHistory,
    RandomSample,
    ShadowScorer,
    StoreViolationHistory,
    ViolationHistory,
)
from smartborder.risk.history import StorePartyHistory
from smartborder.store import LazySessions, make_engine, session_factory, transaction, upgrade
from smartborder.store import exchange as exchange_repo
from smartborder.store import risk as risk_repo
from smartborder.store.group_commit import GroupCommitter, file_lock
from smartborder.trips import Outcome, TripLink


class ExchangeOff(NotFound):
    code = "exchange.off"
    default_message = Text(
        "This node exchanges no documents: it has no SMARTBORDER_AGENCY and SMARTBORDER_EXCHANGE_PEER.",
        "Este nodo no intercambia documentos: no tiene SMARTBORDER_AGENCY ni SMARTBORDER_EXCHANGE_PEER.",
    )


#: What the writer stores in one go: one submission, or a batch (stored in one transaction).
Unit = tuple[PreparedSubmission, ...]
Stored = list[SubmissionResult | BaseException]


def store_units(
    session: Session,
    units: Sequence[Unit],
    *,
    link: TripLink | None = None,
    shadow: ModelSlots | ShadowScorer | None = None,
) -> list[Stored]:
    """The writer's handler: every unit's submissions in one call of ``store_many`` (and,
    on a node that exchanges with the other agency's, their trip documents in the outbox;
    with a shadow model, the shadow scores of the trucks stored, scored in one call), in the
    same transaction."""
    prepared = [p for unit in units for p in unit]
    results = store_many(session, prepared)
    if shadow is not None:
        store_shadow_scores(session, shadow, prepared, results)
    if link is not None:
        exchange_repo.add_outbox(session, link.outbox_rows(prepared, results))
    out: list[Stored] = []
    start = 0
    for unit in units:
        out.append(results[start : start + len(unit)])
        start += len(unit)
    return out


def store_shadow_scores(
    session: Session,
    shadow: ModelSlots | ShadowScorer,
    prepared: Sequence[PreparedSubmission],
    results: Sequence[Any],
) -> None:
    """Score the stored trucks' shadow features, one call per model (the model that encoded
    each truck's vector: the shadow slot may have changed since), and store the scores."""
    by_model: dict[str, list[tuple[str, int, Sequence[float]]]] = {}
    for p, r in zip(prepared, results, strict=True):
        if p.shadow is not None and isinstance(r, SubmissionResult) and r.created:
            by_model.setdefault(p.shadow_model or "", []).append(
                (p.record["id"], int(p.version["version"]), p.shadow)
            )
    if not by_model:
        return
    at = prepared[0].record["updated_at"]
    for model_id, items in by_model.items():
        if isinstance(shadow, ShadowScorer):
            scorer: ShadowScorer | None = shadow if model_id in ("", shadow.model_id) else None
        else:
            scorer = shadow.scorer(model_id)
        if scorer is not None:
            risk_repo.store_shadow_scores(session.connection(), scorer.rows(items, at=at))


def build_pipeline(
    settings: Settings,
    *,
    history: PartyHistory | None = None,
    credentials: CredentialsStage | None = None,
    agency: str | None = None,
    violations: ViolationHistory | None = None,
    rules: RulesInForce | None = None,
    models: ModelSlots | None = None,
) -> Pipeline:
    """The standard pipeline of a node: its HS nomenclature (if configured), the credentials
    stage (this node's identities, trust registry, status lists, peers), and admissibility
    and risk stages reading the claims of verified credentials, and the agency's random
    control sample (``random_examination_rate``). The admissibility stage decides under the
    versions ``rules`` finds in force (without ``rules``: the default plan). The risk stage's
    party history is ``history``, by default one over the node's store."""
    hs = load_hs(settings.hs_file) if settings.hs_file else None
    if credentials is None:
        credentials = CredentialsStage.from_settings(settings)
    if history is None:
        history = StorePartyHistory(LazySessions(settings.db_url))
    return Pipeline.default(
        credentials=credentials,
        admissibility=AdmissibilityStage(claims=credentials.claims, rules=rules),
        hs=hs,
        claims=credentials.claims,
        history=history,
        agency=agency,  # type: ignore[arg-type]
        violations=violations,
        models=models,
        exploration=Exploration(settings.risk_exploration_rate, settings.risk_exploration_band)
        if settings.risk_exploration_rate > 0
        else None,
        random_sample=RandomSample(settings.random_examination_rate),
    )


def _write_lock(engine: Engine) -> Callable[[], AbstractContextManager[Any]]:
    """SQLite files: one writer at a time across worker processes; servers need none."""
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        return file_lock(f"{engine.url.database}.write-lock")
    return nullcontext


def _write_engine(engine: Engine, settings: Settings) -> Engine | None:
    """A database server gets the group-commit writer its own one-connection engine, without
    the pool's liveness ping: the ping is a round trip before every batch (measured ~8 % of a
    PostgreSQL submission's server time). A connection lost between batches fails one batch;
    SQLAlchemy then invalidates the pool, and group commit retries the items one by one on a
    new connection (submissions are idempotent)."""
    if engine.dialect.name == "sqlite":
        return None
    return make_engine(settings.db_url, pool_pre_ping=False, pool_size=1, max_overflow=2)


class Node:
    """One SmartBorder node: settings, store, writer, signer, pipeline and its stages."""

    def __init__(self, settings: Settings, *, migrate: bool = True) -> None:
        settings.ensure_home()
        self.settings = settings
        self.engine = make_engine(settings.db_url)
        if migrate:
            upgrade(self.engine)
        self.sessions = session_factory(self.engine)
        self.write_engine = _write_engine(self.engine, settings)
        self.write_lock = _write_lock(self.engine)
        self.agreement: Agreement = load_agreement(settings.agreement_file)
        # Tokens are checked against this view of the client table (reloaded in the
        # background once serving): a disabled or deleted client's tokens stop working.
        self.clients = ClientRegistry(self.sessions)
        self.signer = TokenSigner.from_home(
            settings.home, ttl_s=settings.token_ttl_s, clients=self.clients
        )
        sessions = self.sessions
        self.history = StorePartyHistory(lambda: sessions)
        self.credentials = CredentialsStage.from_settings(
            settings,
            sessions=self.sessions,
            # mutual recognition of trusted traders, where the agreement says so
            equivalents=self.agreement.equivalents(settings.agency) if settings.agency else None,
        )
        # parties with violations found by inspections score higher (risk, weight set 1.2)
        self.violations = StoreViolationHistory(lambda: sessions)
        # The admissibility versions in force (reloaded within a second of any activation).
        self.rules = RulesInForce(self.sessions)
        # the learned models: the promoted one (if any) decides trucks, the latest registered
        # candidate scores them in shadow beside the decisions (``smartborder risk train``
        # registers one); reloaded within a second of a promotion, demotion or registration
        self.models = ModelSlots(self.sessions, violations=self.violations)
        self.pipeline = build_pipeline(
            settings,
            history=self.history,
            credentials=self.credentials,
            agency=settings.agency,
            violations=self.violations,
            rules=self.rules,
            models=self.models,
        )
        self.link, self.deliverer = self._exchange(settings)
        link, models = self.link, self.models
        if link is not None:  # received trips are scored in shadow too
            link.on_stored = lambda session, prepared, results: store_shadow_scores(
                session, models, prepared, results
            )
        # documents accepted from the peer are applied in order, by one worker at a time
        self.applier = (
            LeaderLoop(
                "exchange-applier",
                settings.home / "exchange-applier.lock",
                link.apply_round,
            )
            if link is not None
            else None
        )
        if link is not None and self.applier is not None:
            link.on_received = self.applier.notify
        self.writer: GroupCommitter[Unit, Stored] = GroupCommitter(
            session_factory(self.write_engine or self.engine),
            lambda session, units: store_units(session, units, link=link, shadow=models),
            write_lock=self.write_lock,
        )
        self.forecast_retrainer = self._forecast_retrainer(settings)
        self._serving = False

    @property
    def shadow(self) -> ShadowScorer | None:
        """The model scoring trucks in shadow now (this process's view)."""
        return self.models.shadow

    def _forecast_retrainer(self, settings: Settings) -> ForecastRetrainer | None:
        """With SMARTBORDER_FORECAST_RETRAIN daily or weekly: the job that retrains the wait
        forecaster from this node's store when its model file is older than that."""
        every = retrain_interval(settings.forecast_retrain)
        if every is None:
            return None
        engine, days = self.engine, settings.forecast_retrain_days

        def observations() -> list[WaitObservation]:
            return stored_observations(engine_for(engine), last_days=days)

        return ForecastRetrainer(observations, forecast_model_path(settings.home), every=every)

    def _exchange(self, settings: Settings) -> tuple[TripLink | None, Deliverer | None]:
        """A node with an agency and a peer exchanges trips with the other agency's node."""
        if settings.agency is None or not settings.exchange_peer.strip():
            return None, None
        other = "anam" if settings.agency == "cbp" else "cbp"
        peer = PeerNode(
            settings.exchange_peer,
            agency=other,
            client_id=settings.exchange_client_id,
            client_secret=settings.exchange_client_secret,
            # the peers' client: HTTPS trusting SMARTBORDER_PEERS_CA_FILE, no redirects
            http=Peers([], ca_file=settings.peers_ca_file, timeout_s=10.0).http(),
        )
        did = node_did(settings)
        fragment, key = NodeKeys.from_settings(settings).active(KeyType.ED25519)
        signer = NodeSigner(did=did, kid=f"{did}#{fragment}", key=key, agency=settings.agency)
        deliverer = Deliverer(
            self.sessions,
            peer=peer,
            signer=signer,
            agreement=self.agreement.ref,
            lock_path=settings.home / "exchange-deliverer.lock",
            write_lock=self.write_lock,
        )
        link = TripLink(
            agency=settings.agency,
            agreement=self.agreement,
            peer=peer,
            signer=signer,
            pipeline=self.pipeline,
            sessions=self.sessions,
            write_lock=self.write_lock,
            on_queued=deliverer.notify,
        )
        return link, deliverer

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Node:
        """A node over the store named by ``settings`` (migrated to head unless told not)."""
        return cls(settings, migrate=migrate)

    @property
    def exit_view(self) -> Callable[[str, dict[str, Any]], dict[str, Any]] | None:
        """On a node deciding as both agencies, what the exit leg's agency sees of a filing:
        the data elements the agreement shares (a sovereign node shows what it holds)."""
        if self.settings.agency is not None:
            return None
        agreement = self.agreement
        return lambda kind, payload: agreement.share_of("trip", payload, kind)

    @cached_property
    def credential_service(self) -> CredentialService:
        """The VC-API's issuing, status and verifying service over this node's store, built
        on first use (a node that never issues or verifies through the API never loads its
        schemas)."""
        return CredentialService.from_settings(self.settings, sessions=self.sessions)

    @cached_property
    def notices(self) -> NoticeDispatcher:
        """Sends the consular notices (``SMARTBORDER_NOTICE_*`` channels) in the background."""
        return NoticeDispatcher(
            self.sessions, channels_from_settings(self.settings), write_lock=self.write_lock
        )

    @cached_property
    def consular(self) -> ConsularOffice:
        """The consular office (expiring credentials, renewals), built on first use; the
        notices of a renewal are sent by :attr:`notices` once it commits."""
        notices = self.notices
        return ConsularOffice(
            self.credential_service,
            notices=notices_for(
                notices.channel_names, webhook_url=self.settings.notice_webhook_url.strip()
            ),
            on_queued=notices.notify,
        )

    def serve(self) -> None:
        """Start the background work a serving node needs, so that no decision waits on the
        store or a peer for it: the party history is loaded, then topped up on its own
        thread; the client table is reloaded every second (token checks); the trust
        registry and the peers' DID documents and status lists are refreshed on the
        credentials stage's threads."""
        if not self._serving:
            self.history.keep_fresh()
            self.violations.keep_fresh()
            self.clients.keep_fresh()
            self.rules.keep_fresh()
            self.models.keep_fresh()
            self.credentials.start()
            if self.deliverer is not None:
                self.deliverer.start()
            if self.applier is not None:
                self.applier.start()
            if self.notices.channels:  # consular notices queued by renewals
                self.notices.start()
            if self.forecast_retrainer is not None:
                self.forecast_retrainer.start()
            self._serving = True

    def close(self) -> None:
        """Stop the writer (pending writes finish) and the background work, and close every
        database connection."""
        self.writer.close()
        if self.applier is not None:
            self.applier.close()
        if "notices" in self.__dict__:
            self.notices.close()
        if self.deliverer is not None:
            self.deliverer.close()
            self.deliverer.peer.close()
        self.history.close()
        self.violations.close()
        self.rules.close()
        self.models.close()
        self.credentials.close()
        if self.forecast_retrainer is not None:
            self.forecast_retrainer.close()
        self.signer.close()
        self.engine.dispose()
        if self.write_engine is not None:
            self.write_engine.dispose()

    def __enter__(self) -> Node:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- the one write path ---------------------------------------------------------------

    def prepare(
        self,
        principal: Principal,
        payload: Mapping[str, Any],
        *,
        now: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> PreparedSubmission:
        """Validate and decide one declaration (the CPU part; nothing stored yet)."""
        return prepare(
            principal,
            payload,
            decider=self.pipeline,
            now=now or datetime.now(UTC),
            idempotency_key=idempotency_key,
        )

    async def submit(
        self,
        principal: Principal,
        payload: Mapping[str, Any],
        *,
        now: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> SubmissionResult:
        """Prepare one declaration and store it in the writer's next group commit; answer
        once it is committed (the event loop waits on the commit, no thread waits)."""
        prepared = self.prepare(principal, payload, now=now, idempotency_key=idempotency_key)
        (result,) = await asyncio.wrap_future(self.writer.enqueue((prepared,)))
        if isinstance(result, BaseException):
            raise result
        self._queued()
        return result

    def _queued(self) -> None:
        if self.deliverer is not None:
            self.deliverer.notify()

    def share_inspection(self, session: Session, inspection_id: str) -> None:
        """Queue, in ``session``'s transaction, the events this node's agency added to an
        inspection, for the other agency's node (joint inspection across the two nodes)."""
        if self.link is not None:
            rows = self.link.inspection_rows(session, inspection_id)
            if rows:
                exchange_repo.add_outbox(session, rows)
                self._queued()

    def share_states(self, session: Session, declaration_id: str) -> None:
        """Queue, in ``session``'s transaction, the lifecycle states this node recorded on a
        trip (arrived, inspected, released, closed) and has not sent, for the other agency's
        node (each agency sees the other's decision and state)."""
        if self.link is not None:
            rows = self.link.state_rows(session, declaration_id)
            if rows:
                exchange_repo.add_outbox(session, rows)
                self._queued()

    def receive(self, principal: Principal, documents: Sequence[Any]) -> list[Outcome]:
        """Documents from the other agency's node: each checked and, if good, held durably
        and acknowledged; applied afterwards, once, in order (the applier's loop, or
        :meth:`apply_received`)."""
        if self.link is None:
            raise ExchangeOff()
        return self.link.accept(documents, actor=principal.client_id, now=datetime.now(UTC))

    def apply_received(self) -> int:
        """Apply every document accepted and still waiting (in this thread); how many."""
        done = 0
        while self.link is not None and (n := self.link.apply_pending()) > 0:
            done += n
        return done

    def submit_many(
        self, principal: Principal, payloads: Sequence[Any], *, now: datetime | None = None
    ) -> list[BatchItem]:
        """Prepare every item of a batch on its own and store the good ones in one
        transaction; each item gets its record and decision, or its problems."""
        failed, ready = prepare_batch(
            principal, payloads, decider=self.pipeline, now=now or datetime.now(UTC)
        )
        stored = self.writer.run(tuple(p for _, p in ready)) if ready else []
        self._queued()
        return batch_items(len(payloads), failed, ready, stored)

    def amend(
        self,
        principal: Principal,
        declaration_id: str,
        payload: Mapping[str, Any],
        *,
        now: datetime | None = None,
    ) -> SubmissionResult:
        """Version *n* of a record: prepared against the stored record, stored by the writer
        only if the record has not changed meanwhile (409 ``declaration.amended_meanwhile``)."""
        with transaction(self.sessions) as session:
            target = amendment_target(session, principal, declaration_id, decider=self.pipeline)
        prepared = prepare_amendment(
            target, principal, payload, decider=self.pipeline, now=now or datetime.now(UTC)
        )
        if isinstance(prepared, SubmissionResult):  # the same content again: a retry
            return prepared
        (result,) = self.writer.run((prepared,))
        if isinstance(result, BaseException):
            raise result
        self._queued()
        return result


__all__ = [
    "ExchangeOff",
    "Node",
    "Stored",
    "Unit",
    "build_pipeline",
    "store_shadow_scores",
    "store_units",
]
