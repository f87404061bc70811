"""The lifecycle of a pre-arrival record, and who may see and move it.

States: submitted → decided → arrived → released | inspected → closed (an inspection may
end in release). Amendments are accepted until arrival; each creates a new version.
"""

from __future__ import annotations

from enum import StrEnum

from smartborder.clients import Principal, Role
from smartborder.errors import Conflict, Forbidden
from smartborder.i18n import Text
from smartborder.store.declarations import Visibility


class State(StrEnum):
    SUBMITTED = "submitted"
    DECIDED = "decided"
    ARRIVED = "arrived"
    RELEASED = "released"
    INSPECTED = "inspected"
    CLOSED = "closed"


TRANSITIONS: dict[State, frozenset[State]] = {
    State.SUBMITTED: frozenset({State.DECIDED}),
    State.DECIDED: frozenset({State.ARRIVED, State.CLOSED}),
    State.ARRIVED: frozenset({State.RELEASED, State.INSPECTED}),
    State.INSPECTED: frozenset({State.RELEASED, State.CLOSED}),
    State.RELEASED: frozenset({State.CLOSED}),
    State.CLOSED: frozenset(),
}
AMENDABLE = frozenset({State.SUBMITTED, State.DECIDED})

# Which agency a direction's records bind: CBP for entries into the U.S., ANAM into Mexico.
AGENCY_DIRECTION: dict[Role, str] = {Role.CBP: "northbound", Role.ANAM: "southbound"}


class InvalidTransition(Conflict):
    code = "lifecycle.invalid_transition"


class NotAmendable(Conflict):
    code = "lifecycle.not_amendable"


class NotYourRecord(Forbidden):
    code = "lifecycle.not_submitter"


def visibility(principal: Principal) -> Visibility:
    """Carriers and brokers see their own submissions. Each agency sees every trip (every
    trip has a leg of each: an exit and an entry) and lists its own decisions."""
    if principal.role is Role.ADMIN:
        return Visibility()
    if principal.role.is_industry:
        return Visibility(org=principal.org)
    if principal.role in AGENCY_DIRECTION:
        return Visibility(agency=principal.role.value)
    return Visibility(nothing=True)


def is_exit_leg(principal: Principal, direction: str) -> bool:
    """Whether ``principal`` is the agency of the trip's exit leg (its export clearance)."""
    entry = AGENCY_DIRECTION.get(principal.role)
    return entry is not None and entry != direction


def check_transition(current: State, target: State) -> None:
    if target not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (closed)"
        raise InvalidTransition(
            Text(
                f"A record in state '{current}' cannot move to '{target}'; allowed: {allowed}.",
                f"Un registro en estado '{current}' no puede pasar a '{target}'; permitido: {allowed}.",
            ),
            extra={"state": current.value, "allowed": sorted(TRANSITIONS[current])},
        )


def check_amendable(current: State) -> None:
    if current not in AMENDABLE:
        raise NotAmendable(
            Text(
                f"The record is '{current}': amendments are accepted only before arrival.",
                f"El registro está '{current}': las enmiendas se aceptan solo antes del arribo.",
            )
        )


def check_can_move(principal: Principal, direction: str) -> None:
    """Only the agency a record binds (or an admin) records its arrival, release, inspection."""
    if principal.role is Role.ADMIN or AGENCY_DIRECTION.get(principal.role) == direction:
        return
    raise Forbidden(
        Text(
            f"Only the agency for {direction} records can change their state.",
            f"Solo la agencia de los registros {direction} puede cambiar su estado.",
        ),
        code="lifecycle.not_agency",
    )
