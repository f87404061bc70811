"""What the pipeline decides: an outcome, the reasons for it, and whom it binds."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from smartborder.i18n import Lang, Text

Agency = Literal["cbp", "anam"]
Leg = Literal["exit", "entry"]

#: The agency of a trip's entry leg, by direction: CBP into the U.S., ANAM into Mexico. The
#: other agency clears the exit leg (export).
ENTRY_AGENCY: dict[str, Agency] = {"northbound": "cbp", "southbound": "anam"}


def legs_of(direction: str) -> tuple[tuple[Agency, Leg], tuple[Agency, Leg]]:
    """``((exit agency, "exit"), (entry agency, "entry"))`` of a trip going ``direction``."""
    entry = ENTRY_AGENCY[direction]
    return ("anam" if entry == "cbp" else "cbp", "exit"), (entry, "entry")


def leg_of(agency: str, direction: str) -> Leg:
    """``entry`` if ``agency`` clears the trip into its country, else ``exit``."""
    return "entry" if ENTRY_AGENCY.get(direction) == agency else "exit"


StageName = Literal["validate", "credentials", "admissibility", "risk", "decision"]


class Outcome(StrEnum):
    """Outcomes in increasing severity; the most severe outcome among the reasons wins."""

    RELEASE = "release"  # proceed to the primary lane named by the decision
    DOCUMENTARY_REVIEW = "documentary_review"  # an officer reviews the documents
    INSPECT = "inspect"  # secondary inspection
    HOLD = "hold"  # do not proceed until an agency lifts the hold
    DENY = "deny"  # travelers only: not admissible (trucks get HOLD instead)

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {o: i for i, o in enumerate(Outcome)}


class Reason(BaseModel):
    """One reason of a decision: which stage and rule said it, what it calls for, and why."""

    model_config = ConfigDict(frozen=True)

    code: str
    stage: StageName
    rule_id: str
    outcome: Outcome
    message_en: str
    message_es: str
    agency: Agency | None = None

    @property
    def message(self) -> Text:
        return Text(self.message_en, self.message_es)

    def text(self, lang: Lang | str) -> str:
        return self.message.get(lang)


class Note(BaseModel):
    """Something a stage wants a reader of the decision to know that is not a reason."""

    model_config = ConfigDict(frozen=True)

    stage: StageName
    message_en: str
    message_es: str

    @property
    def message(self) -> Text:
        return Text(self.message_en, self.message_es)


class Decision(BaseModel):
    """The decision on one declaration version.

    ``agencies`` are those bound by it (northbound: CBP, southbound: ANAM). ``lane`` is the
    primary lane for a release (``fast``, ``sentri``, ``ready``, ``general``) or where the
    declaration goes otherwise (``secondary_documents``, ``secondary_inspection``), ``None`` for
    hold and deny. ``rule_versions`` maps each stage that used versioned rules to their version.
    ``random_selection`` is true when the agency's random control sample sent the declaration
    to examination (a reason of stage ``decision``, rule ``random.control_sample``; never a
    risk rule, and the risk score is the one the weight set gave).
    """

    model_config = ConfigDict(frozen=True)

    outcome: Outcome
    reasons: list[Reason]
    rule_versions: dict[str, str]
    agencies: list[Agency]
    lane: str | None
    risk_score: float | None
    decided_at: datetime
    notes: list[Note]
    random_selection: bool = False
    # The shadow model's features of a truck (not part of the decision's body: the writer
    # scores them and stores the score beside the decision; see risk.ShadowScorer).
    shadow_features: list[float] | None = Field(default=None, exclude=True, repr=False)
    shadow_model: str | None = Field(default=None, exclude=True, repr=False)

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]
