"""``smartborder plan``: a published version's lifecycle — propose, approve, activate, withdraw,
show — and which version is in force at a port and instant (here or at the peer node)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import typer

from smartborder.commands import choice
from smartborder.commands.policy import store_session

if TYPE_CHECKING:
    from smartborder.admissibility import Actor

app = typer.Typer(
    help="Plan lifecycle: propose, approve, activate, withdraw; which version is in force.",
    no_args_is_help=True,
)

AGENCY_HELP = "Acting agency: cbp (USA) or anam (MEX); default this node's SMARTBORDER_AGENCY."
BY_HELP = "Who acts (recorded with the transition)."


def _actor(agency: str | None, by: str) -> tuple[Actor, str | None]:
    """The actor and this node's agency (a sovereign node acts only as its own agency)."""
    from smartborder.admissibility import Actor
    from smartborder.config import Settings

    node_agency = Settings().agency
    acting = agency or node_agency
    if acting is not None:
        choice("--agency", acting, ("cbp", "anam"))
    return Actor(who=by, agency=acting), node_agency


def _instant(value: str, option: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"not an ISO 8601 instant: {value!r}", param_hint=option) from None


def _print(status: Any) -> None:
    print(json.dumps(status.model_dump(mode="json"), ensure_ascii=False, indent=2))


@app.command("show")
def show(version: str = typer.Argument(..., help="A published version (plan@n).")) -> None:
    """A version's state, approvals, activations, transitions (who, when) and next steps."""
    from smartborder.admissibility import plan_status

    with store_session() as session:
        _print(plan_status(session, version))


@app.command("propose")
def propose_cmd(
    version: str = typer.Argument(..., help="A published version (plan@n)."),
    baseline: str = typer.Option(
        "covid-us-land-2020", "--baseline", help="Baseline: plan id or version."
    ),
    start: datetime = typer.Option(
        ..., "--from", help="First day (YYYY-MM-DD).", formats=["%Y-%m-%d"]
    ),
    end: datetime = typer.Option(..., "--to", help="Last day (YYYY-MM-DD).", formats=["%Y-%m-%d"]),
    ports_opt: str = typer.Option(
        "2504,2506,2304,2402,2604", "--ports", help="Ports (comma-separated)."
    ),
    per_day: int = typer.Option(50, "--per-day", help="Generated pre-arrivals per port per day."),
    seed: int = typer.Option(0, "--seed", help="Random seed."),
    agency: str | None = typer.Option(None, "--agency", help=AGENCY_HELP),
    by: str = typer.Option("cli", "--by", help=BY_HELP),
) -> None:
    """draft → proposed, with the impact analysis against BASELINE on generated pre-arrivals."""
    import numpy as np

    from smartborder.admissibility import impact, propose, version_policies
    from smartborder.admissibility.versions import policies_in_force
    from smartborder.demo import generate_trips

    first: date = start.date()
    last: date = end.date()
    trips = generate_trips(
        [p.strip() for p in ports_opt.split(",") if p.strip()],
        first,
        last,
        per_day,
        rng=np.random.default_rng(seed),
    )
    actor, node_agency = _actor(agency, by)
    with store_session() as session:
        base = (
            version_policies(session, baseline)
            if "@" in baseline
            else policies_in_force(session, plan=baseline)
        )
        report = impact(version_policies(session, version), base, trips, start=first, end=last)
        _print(propose(session, version, impact=report, actor=actor, node_agency=node_agency))


@app.command("approve")
def approve_cmd(
    version: str = typer.Argument(..., help="A published version (plan@n)."),
    agency: str | None = typer.Option(None, "--agency", help=AGENCY_HELP),
    by: str = typer.Option("cli", "--by", help=BY_HELP),
) -> None:
    """The agency approves the version for its country (both, for a binational plan)."""
    from smartborder.admissibility import approve

    actor, node_agency = _actor(agency, by)
    with store_session() as session:
        _print(approve(session, version, actor=actor, node_agency=node_agency))


@app.command("activate")
def activate_cmd(
    version: str = typer.Argument(..., help="An approved version (plan@n)."),
    effective_from: str = typer.Option(
        ..., "--from", help="From when: ISO 8601 with offset (e.g. 2026-12-24T00:00-08:00)."
    ),
    regions: str = typer.Option("", "--regions", help="Region ids (comma-separated)."),
    ports_opt: str = typer.Option("", "--ports", help="Port codes (comma-separated)."),
    supersedes: str = typer.Option("", "--supersedes", help="Versions this one replaces there."),
    agency: str | None = typer.Option(None, "--agency", help=AGENCY_HELP),
    by: str = typer.Option("cli", "--by", help=BY_HELP),
) -> None:
    """Put the version in force for the agency's country at regions and ports from an instant
    (every worker of the node decides with it within about a second)."""
    from smartborder.admissibility import activate

    actor, node_agency = _actor(agency, by)

    def items(text: str) -> list[str]:
        return [x.strip() for x in text.split(",") if x.strip()]

    with store_session() as session:
        _print(
            activate(
                session,
                version,
                effective_from=_instant(effective_from, "--from"),
                regions=items(regions),
                port_codes=items(ports_opt),
                supersedes=items(supersedes),
                actor=actor,
                node_agency=node_agency,
            )
        )


@app.command("withdraw")
def withdraw_cmd(
    version: str = typer.Argument(..., help="A published version (plan@n)."),
    effective_from: str | None = typer.Option(
        None, "--from", help="From when, if in force (ISO 8601 with offset; default now)."
    ),
    reason: str = typer.Option("", "--reason", help="Why (recorded)."),
    agency: str | None = typer.Option(None, "--agency", help=AGENCY_HELP),
    by: str = typer.Option("cli", "--by", help=BY_HELP),
) -> None:
    """Withdraw the version (for the agency's country, from an instant, if in force)."""
    from smartborder.admissibility import withdraw

    actor, node_agency = _actor(agency, by)
    with store_session() as session:
        _print(
            withdraw(
                session,
                version,
                actor=actor,
                effective_from=_instant(effective_from, "--from") if effective_from else None,
                reason=reason or None,
                node_agency=node_agency,
            )
        )


@app.command("in-force")
def in_force_cmd(
    port: str | None = typer.Option(None, "--port", help="Port code or crossing number."),
    at: str | None = typer.Option(None, "--at", help="Instant, ISO 8601 with offset."),
    direction: str = typer.Option("northbound", "--direction", help="northbound or southbound."),
    peer: str | None = typer.Option(
        None, "--peer", help="Ask the other agency's node (its base URL) instead of this store."
    ),
) -> None:
    """Which version was in force at PORT at instant AT (none: the default plan); without
    --port and --at, every activation (the in-force history)."""
    if (port is None) != (at is None):
        raise typer.BadParameter("give both --port and --at, or neither", param_hint="--port")
    if peer is not None:
        print(json.dumps(_from_peer(peer, port, at, direction), ensure_ascii=False, indent=2))
        return
    from smartborder.admissibility import version_in_force
    from smartborder.admissibility.plan_history import activations

    with store_session() as session:
        if port is not None and at is not None:
            found = version_in_force(
                session, port=port, at=_instant(at, "--at"), direction=direction
            )
            out: Any = {
                "port": port,
                "at": at,
                "direction": direction,
                "activation": found.model_dump(mode="json") if found else None,
                "default": found is None,
            }
        else:
            out = [a.model_dump(mode="json") for a in activations(session)]
    print(json.dumps(out, ensure_ascii=False, indent=2))


def _from_peer(base: str, port: str | None, at: str | None, direction: str) -> Any:
    """The peer node's public ``GET /plans/in-force`` (how one node reads the other's rules)."""
    import httpx

    from smartborder.errors import Unavailable
    from smartborder.i18n import Text

    params = {"port": port, "at": at, "direction": direction} if port and at else {}
    try:
        resp = httpx.get(f"{base.rstrip('/')}/plans/in-force", params=params, timeout=10.0)
        resp.raise_for_status()
    except httpx.HTTPError as exc:
        raise Unavailable(
            Text(
                f"The peer node at {base} did not answer /plans/in-force: {exc}",
                f"El nodo par en {base} no respondió /plans/in-force: {exc}",
            ),
            code="plans.peer_unavailable",
        ) from None
    return resp.json()
