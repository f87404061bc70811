"""Published policy versions: publishing validates a plan, compiles it, and stores its Cedar
text as a new immutable version ``<plan>@<n>``; decisions cite that label."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from smartborder.admissibility.cedar import Policies, load_policies
from smartborder.admissibility.compile import compile_plan
from smartborder.admissibility.errors import PlanNotFound, VersionNotFound
from smartborder.admissibility.plan import (
    BUILTIN_PLANS,
    DEFAULT_PLAN,
    digest,
    parse_plan,
)
from smartborder.admissibility.service import policies_for
from smartborder.i18n import Text
from smartborder.store import admissibility as q
from smartborder.store.tables.admissibility import PolicyVersionRow


class PublishedVersion(BaseModel):
    version: str
    plan_id: str
    number: int
    digest: str
    title_en: str
    title_es: str
    published_at: datetime
    published_by: str
    policy_count: int
    created: bool = True  # False when the same text was already the plan's latest version
    cedar: str | None = None
    plan_yaml: str | None = None


def _model(row: PolicyVersionRow, *, full: bool = False, created: bool = True) -> PublishedVersion:
    policies = load_policies(row.cedar, plan_id=row.plan_id, version=row.version_id)
    return PublishedVersion(
        version=row.version_id,
        plan_id=row.plan_id,
        number=row.number,
        digest=row.digest,
        title_en=row.title_en,
        title_es=row.title_es,
        published_at=row.published_at,
        published_by=row.published_by,
        policy_count=len(policies),
        created=created,
        cedar=row.cedar if full else None,
        plan_yaml=row.plan_yaml if full else None,
    )


def publish(
    session: Session, plan_yaml: str, *, published_by: str, now: datetime | None = None
) -> PublishedVersion:
    """Validate, compile and store ``plan_yaml`` as the plan's next version (in ``session``'s
    transaction). Refuses an invalid plan or policy set (nothing is written); publishing the
    text of the latest version again returns that version with ``created=False``."""
    plan = parse_plan(plan_yaml)
    cedar = compile_plan(plan)
    sha = digest(cedar)
    latest = q.latest_version(session, plan.id)
    if latest is not None and latest.digest == sha:
        return _model(latest, created=False)
    number = q.next_number(session, plan.id)
    version_id = f"{plan.id}@{number}"
    load_policies(cedar, plan_id=plan.id, version=version_id)  # raises PolicyInvalid
    row = PolicyVersionRow(
        version_id=version_id,
        plan_id=plan.id,
        number=number,
        digest=sha,
        cedar=cedar,
        plan_yaml=plan_yaml,
        title_en=plan.title.en[:300],
        title_es=plan.title.es[:300],
        published_at=(now or datetime.now(UTC)).astimezone(UTC),
        published_by=published_by[:200],
    )
    q.add_version(session, row)
    return _model(row)


def list_versions(session: Session, plan_id: str | None = None) -> list[PublishedVersion]:
    return [_model(r) for r in q.list_versions(session, plan_id)]


def _row(session: Session, version_id: str) -> PolicyVersionRow:
    row = q.get_version(session, version_id)
    if row is None:
        raise VersionNotFound(
            Text(
                f"No published version {version_id!r} (versions look like covid-us-land-2020@1).",
                f"No existe la versión publicada {version_id!r} (las versiones son como covid-us-land-2020@1).",
            )
        )
    return row


def get_version(session: Session, version_id: str) -> PublishedVersion:
    return _model(_row(session, version_id), full=True)


def version_policies(session: Session, version_id: str) -> Policies:
    """The ready policy set of a published version (parsed once, cached by text)."""
    row = _row(session, version_id)
    return load_policies(row.cedar, plan_id=row.plan_id, version=row.version_id)


def policies_in_force(
    session: Session, plan: str = DEFAULT_PLAN, version: str | None = None
) -> Policies:
    """``version`` if given; else the plan's latest published version; else the built-in draft."""
    if version:
        return version_policies(session, version)
    latest = q.latest_version(session, plan)
    if latest is not None:
        return load_policies(latest.cedar, plan_id=latest.plan_id, version=latest.version_id)
    if plan not in BUILTIN_PLANS:  # never a file path from a caller of the API
        raise PlanNotFound(
            Text(
                f"No plan {plan!r}: publish it first, or use {', '.join(BUILTIN_PLANS)}.",
                f"No existe el plan {plan!r}: publíquelo primero, o use {', '.join(BUILTIN_PLANS)}.",
            )
        )
    return policies_for(plan)
