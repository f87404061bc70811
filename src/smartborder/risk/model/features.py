"""The learned model's features: one function for training and for shadow scoring.

:func:`raw_features` turns a truck declaration, the facts the risk stage computed for it
(:func:`smartborder.risk.truck_facts` with the party history, verified claims and recent
violations applied) and a violation history into numbers and category strings; a
:class:`FeatureSpace` (its vocabularies learned at training and kept in the model file) encodes
the strings as LightGBM category codes. Training replays outcomes through these two calls, and
the pipeline's risk stage calls them for every truck it decides: no second implementation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import numpy as np

from smartborder.declarations import TruckShipment
from smartborder.risk.facts import party_key
from smartborder.risk.violations import carrier_key

#: Truck facts used as they are (bools as 0/1), in this order.
FACT_FEATURES: tuple[str, ...] = (
    "fast",
    "ctpat",
    "driver_fast_card",
    "shipment_count",
    "line_count",
    "total_weight_kg",
    "max_kg_per_piece",
    "min_lines_weight_ratio",
    "minutes_before_arrival",
    "seal_missing",
    "container",
    "in_bond",
    "usmca_claimed",
    "usmca_goods_mismatch",
    "pedimento_missing",
    "first_time_shipper",
    "first_time_consignee",
    "carta_porte_party_mismatch",
    "ctpat_verified",
    "usmca_verified",
    "carta_porte_verified",
    "recent_violation_shipper",
    "recent_violation_consignee",
    "recent_violation_carrier",
)
#: Party history and route numbers computed here.
HISTORY_FEATURES: tuple[str, ...] = (
    "northbound",
    "hs_chapter_count",
    "third_country_origin_lines",
    "violations_365d_shipper",
    "violations_365d_consignee",
    "violations_365d_carrier",
)
#: One 0/1 feature per HS chapter (01–97) found on any line.
CHAPTER_FEATURES: tuple[str, ...] = tuple(f"hs_chapter_{c:02d}" for c in range(1, 98))
#: Category features (LightGBM categorical): the route and the parties.
CATEGORY_FEATURES: tuple[str, ...] = (
    "port_code",
    "main_origin",  # origin country of the heaviest line
    "lading_country",  # of the first shipment
    "carrier",  # SCAC
    "main_shipper",  # party key of the first shipment's shipper
)
FEATURE_NAMES: tuple[str, ...] = (
    FACT_FEATURES + HISTORY_FEATURES + CHAPTER_FEATURES + CATEGORY_FEATURES
)
_N_NUMERIC = len(FACT_FEATURES) + len(HISTORY_FEATURES) + len(CHAPTER_FEATURES)
HISTORY_WINDOW = timedelta(days=365)
_MISSING = float("nan")  # a category value the model has no code for
_HOME = frozenset({"MEX", "USA"})


class ViolationCounts(Protocol):
    """How many violations were found on party keys in a period (a violation history)."""

    def count_between(self, keys: Iterable[str], since: datetime, until: datetime) -> int: ...


RawFeatures = tuple[list[float], tuple[str, ...]]


def raw_features(
    declaration: TruckShipment,
    facts: Mapping[str, Any],
    *,
    violations: ViolationCounts | None,
    now: datetime,
) -> RawFeatures:
    """The numbers (``FACT_FEATURES``, ``HISTORY_FEATURES``, ``CHAPTER_FEATURES``) and the
    category strings (``CATEGORY_FEATURES``) of one truck declaration as of ``now``."""
    row = [float(facts[name]) for name in FACT_FEATURES]
    shipments = declaration.shipments
    shipper_keys = [party_key(s.shipper) for s in shipments]
    if violations is not None:
        since = now - HISTORY_WINDOW
        v_shipper = violations.count_between(dict.fromkeys(shipper_keys), since, now)
        v_consignee = violations.count_between(
            dict.fromkeys(party_key(s.consignee) for s in shipments), since, now
        )
        v_carrier = violations.count_between((carrier_key(declaration),), since, now)
    else:
        v_shipper = v_consignee = v_carrier = 0
    chapters = [0.0] * len(CHAPTER_FEATURES)
    third = 0
    heaviest_kg, main_origin = -1.0, ""
    for s in shipments:
        for line in s.lines:
            ch = int(line.hs_code[:2])
            if 1 <= ch <= 97:
                chapters[ch - 1] = 1.0
            origin = line.origin_country or ""
            if origin and origin not in _HOME:
                third += 1
            if line.weight_kg > heaviest_kg:
                heaviest_kg, main_origin = line.weight_kg, origin
    row += [
        1.0 if str(declaration.direction) == "northbound" else 0.0,
        float(sum(chapters)),
        float(third),
        float(v_shipper),
        float(v_consignee),
        float(v_carrier),
    ]
    row += chapters
    cats = (
        declaration.port_code,
        main_origin,
        shipments[0].foreign_place_of_lading.country,
        declaration.scac,
        shipper_keys[0],
    )
    return row, cats


@dataclass(frozen=True)
class FeatureSpace:
    """The category vocabularies a model learned (value → code); unseen values are missing."""

    vocab: tuple[Mapping[str, int], ...]

    @classmethod
    def learn(cls, cats: Sequence[tuple[str, ...]], *, min_count: int = 20) -> FeatureSpace:
        """Vocabularies of the category values seen at least ``min_count`` times (rarer
        values carry too little evidence; they count as missing)."""
        vocab: list[dict[str, int]] = []
        for j in range(len(CATEGORY_FEATURES)):
            counts = Counter(c[j] for c in cats)
            kept = sorted(v for v, n in counts.items() if n >= min_count and v)
            vocab.append({v: i for i, v in enumerate(kept)})
        return cls(tuple(vocab))

    def encode(self, rows: Sequence[RawFeatures]) -> np.ndarray:
        """A float matrix, one row per declaration, columns in ``FEATURE_NAMES`` order (the
        rows of :meth:`encode_one`). Row by row: the numbers are Python lists, and copying
        each into its row measured faster than ``np.array`` or ``np.fromiter`` over them."""
        out = np.empty((len(rows), len(FEATURE_NAMES)), dtype=np.float64)
        vocab = self.vocab
        for i, (nums, cats) in enumerate(rows):
            out[i, :_N_NUMERIC] = nums
            for j, value in enumerate(cats):
                out[i, _N_NUMERIC + j] = vocab[j].get(value, _MISSING)
        return out

    def vector(
        self,
        declaration: TruckShipment,
        facts: Mapping[str, Any],
        *,
        violations: ViolationCounts | None,
        now: datetime,
    ) -> list[float]:
        """One declaration's encoded features (what shadow scoring stores and scores)."""
        return self.encode_one(raw_features(declaration, facts, violations=violations, now=now))

    def encode_one(self, raw: RawFeatures) -> list[float]:
        """One declaration's raw features encoded (a row of :meth:`encode`)."""
        nums, cats = raw
        vocab = self.vocab
        return nums + [float(vocab[j].get(v, _MISSING)) for j, v in enumerate(cats)]

    def to_json(self) -> list[dict[str, int]]:
        return [dict(v) for v in self.vocab]

    @classmethod
    def from_json(cls, data: Any) -> FeatureSpace:
        if not isinstance(data, list) or len(data) != len(CATEGORY_FEATURES):
            raise ValueError("the category vocabularies do not match the feature list")
        return cls(tuple({str(k): int(i) for k, i in v.items()} for v in data))


CATEGORY_INDEXES: tuple[int, ...] = tuple(range(_N_NUMERIC, len(FEATURE_NAMES)))

__all__ = [
    "CATEGORY_FEATURES",
    "CATEGORY_INDEXES",
    "FACT_FEATURES",
    "FEATURE_NAMES",
    "HISTORY_FEATURES",
    "FeatureSpace",
    "RawFeatures",
    "ViolationCounts",
    "raw_features",
]
