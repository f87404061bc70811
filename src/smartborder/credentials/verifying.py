"""Verifying credentials and presentations sent to this node, and receiving presentations
through exchanges (a fresh challenge the holder's proof must answer, usable once)."""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from smartborder.credentials import holder, recipes
from smartborder.credentials.errors import CredentialNonConforming, PresentationExists
from smartborder.credentials.holder import unenvelope_presentation
from smartborder.credentials.primitives import jose
from smartborder.credentials.status_lists import StatusLists
from smartborder.i18n import Text
from smartborder.store import credentials as repo
from smartborder.store.tables.credentials import ExchangeRow, PresentationRow


class Verifying(StatusLists):
    """Verify what is sent to this node (status read through :class:`StatusLists`); open
    exchanges and receive presentations."""

    def verify(
        self, session: Session, credential: Any, *, options: dict[str, Any], now: datetime
    ) -> recipes.VerificationResult:
        return recipes.verify(
            credential,
            now=now,
            resolver=self.resolver,
            types=self.types,
            status=self.status_checker(session),
            audience=options.get("domain"),
            nonce=options.get("challenge"),
            require_key_binding=options.get("requireKeyBinding", True) is not False,
            contexts=self.contexts,
        )

    def verify_presentation(
        self,
        session: Session,
        presentation: Any,
        *,
        options: dict[str, Any],
        now: datetime,
        require_proof: bool = True,
    ) -> holder.PresentationResult:
        return holder.verify_presentation(
            unenvelope_presentation(presentation),
            now=now,
            resolver=self.resolver,
            types=self.types,
            status=self.status_checker(session),
            challenge=options.get("challenge"),
            domain=options.get("domain"),
            require_proof=require_proof,
            contexts=self.contexts,
        )

    def open_exchange(
        self, session: Session, *, org: str, query: Any, now: datetime
    ) -> dict[str, Any]:
        """Start a presentation exchange: a fresh challenge the holder's proof must answer."""
        challenge = secrets.token_urlsafe(24)
        repo.add_exchange(
            session,
            ExchangeRow(challenge=challenge, org=org, query=json.dumps(query), created_at=now),
        )
        return {"query": query, "domain": self.base_url, "challenge": challenge}

    def receive(
        self, session: Session, *, org: str, presentation: Any, channel: str, now: datetime
    ) -> holder.PresentationResult:
        """Verify and store a presentation sent to this node; a reused id is a 409 Conflict.

        On the ``submission`` channel the presentation must be signed and answer a challenge
        from :meth:`open_exchange`, each challenge usable once.
        """
        vp = unenvelope_presentation(presentation)
        pid = self._presentation_id(vp)
        if repo.presentation_exists(session, pid):
            raise PresentationExists(extra={"presentationId": pid})
        options: dict[str, Any] = {}
        exchange: ExchangeRow | None = None
        if channel == "submission":
            challenge = holder.challenge_of(vp)
            exchange = repo.get_exchange(session, challenge, lock=True) if challenge else None
            if exchange is not None and exchange.used_at is None:
                options = {"challenge": challenge, "domain": self.base_url}
        result = self.verify_presentation(
            session, vp, options=options, now=now, require_proof=channel == "submission"
        )
        if channel == "submission":
            result.ran("exchange")
            if exchange is None or not options:
                result.fail(
                    "exchange",
                    "the presentation answers no open exchange (POST /presentations/available)",
                )
            else:
                exchange.used_at = now
        repo.add_presentation(
            session,
            PresentationRow(
                presentation_id=pid,
                org=org,
                holder=result.holder,
                channel=channel,
                received_at=now,
                verified=result.verified,
                document=vp if isinstance(vp, str) else json.dumps(vp),
                result=result.model_dump_json(),
            ),
        )
        return result

    @staticmethod
    def _presentation_id(vp: Any) -> str:
        claims = jose.unverified_claims(vp) if isinstance(vp, str) else vp
        vp_claim = claims.get("vp") if isinstance(claims, dict) else None
        if isinstance(vp_claim, dict):  # a VC 1.1 presentation JWT: its jti, or the vp's id
            claims = {"id": claims.get("jti") or vp_claim.get("id")}
        pid = claims.get("id") if isinstance(claims, dict) else None
        if not isinstance(pid, str) or not pid:
            raise CredentialNonConforming(
                Text(
                    "A presentation sent to this node needs an id (e.g. urn:uuid:...), so a resend is recognized.",
                    "Una presentación enviada a este nodo necesita un id (p. ej. urn:uuid:...), para reconocer un reenvío.",
                )
            )
        return pid


__all__ = ["Verifying"]
