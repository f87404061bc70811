"""A promoted model deciding: its score mapped to the weight set's lanes by cut-offs
calibrated at promotion, and reasons from the features that pushed the score up.

**The cut-offs (the choice made here).** A weight set maps points to lanes by thresholds; a
model gives a violation probability, whose scale says nothing about how many trucks it sends
to inspection. So at promotion the model's scores of every truck of the judged (later) period
are ranked — labelled or not, as the node will see them — and :func:`calibrate` sets:

- ``inspect``: the score of the ``round(rate × n)``-th highest truck, so that the model
  inspects the agency's inspection rate of that period's trucks (the rate it was judged at);
- ``documentary_review``: the score at the share the weight set sent to documentary review
  or further on that same period, so the review lane keeps its volume too (never above
  ``inspect``);
- ``explore``: the score ranked as many trucks again under ``inspect``: the band of
  uncertain cases where exploration draws its share (the weight set's band is in points).

The cut-offs are stored with the promotion and shown in every decision's note. A traveler is
always scored by the weight set (the model scores trucks).

**Reasons.** A truck the model sends to review or inspection gets one reason per feature that
pushed its score up most (SHAP values from the booster, at most ``REASONS``), each with the
stable code ``risk.model.<feature>`` and a bilingual message naming the feature and its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from smartborder.i18n import Text
from smartborder.risk.model.features import (
    CATEGORY_FEATURES,
    FACT_FEATURES,
    HISTORY_FEATURES,
    RawFeatures,
)
from smartborder.risk.model.learned import LearnedModel
from smartborder.risk.model.replay import Replayed
from smartborder.risk.model.training import check_labels
from smartborder.risk.scoring import RuleSet

#: At most this many features become reasons of one decision.
REASONS = 3


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """Scores at or above ``documentary_review`` / ``inspect`` send a truck there; scores in
    [``explore``, ``inspect``) are the uncertain band exploration draws from."""

    inspect: float
    documentary_review: float
    explore: float
    inspection_rate: float  # the share of the period's trucks ``inspect`` was set to inspect
    review_rate: float  # the share the weight set sent to review or further on that period
    trucks: int  # calibrated on this many trucks

    def lane(self, score: float) -> str:
        if score >= self.inspect:
            return "inspect"
        if score >= self.documentary_review:
            return "documentary_review"
        return "release"

    def to_json(self) -> dict[str, Any]:
        return {
            "inspect": self.inspect,
            "documentary_review": self.documentary_review,
            "explore": self.explore,
            "inspection_rate": self.inspection_rate,
            "review_rate": self.review_rate,
            "trucks": self.trucks,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Cutoffs:
        return cls(**{k: type_(data[k]) for k, type_ in _FIELDS.items()})


_FIELDS = {
    "inspect": float,
    "documentary_review": float,
    "explore": float,
    "inspection_rate": float,
    "review_rate": float,
    "trucks": int,
}


def _kth_highest(sorted_desc: np.ndarray, share: float) -> float:
    k = max(1, min(len(sorted_desc), round(share * len(sorted_desc))))
    return float(sorted_desc[k - 1])


def calibrate(model: LearnedModel, replayed: Replayed, *, rate: float, rules: RuleSet) -> Cutoffs:
    """The cut-offs that make ``model`` inspect ``rate`` of the trucks of ``replayed`` filed
    after its training period, and review as many as the weight set ``rules`` did there."""
    later = [i for i, t in enumerate(replayed.filed_at) if t > model.trained_until]
    if not later:
        check_labels("promote", 0, 0)
    scores = np.sort(model.predict(model.space.encode([replayed.rows[i] for i in later])))[::-1]
    review_threshold = rules.thresholds["truck"].documentary_review
    review_rate = float(np.mean(replayed.weight_score[later] >= review_threshold))
    inspect = _kth_highest(scores, rate)
    review = min(inspect, _kth_highest(scores, max(rate, review_rate)))
    explore = min(inspect, _kth_highest(scores, min(1.0, 2 * rate)))
    return Cutoffs(
        inspect=inspect,
        documentary_review=review,
        explore=explore,
        inspection_rate=rate,
        review_rate=round(max(rate, review_rate), 4),
        trucks=len(later),
    )


class DecidingModel:
    """A promoted model with its cut-offs: what the risk stage decides trucks with."""

    def __init__(self, model: LearnedModel, cutoffs: Cutoffs) -> None:
        self.model = model
        self.cutoffs = cutoffs
        self.version = f"model:{model.id}"
        self._space = model.space

    def encode(self, raw: RawFeatures) -> list[float]:
        return self._space.encode_one(raw)

    def score(self, vector: list[float]) -> float:
        """The violation probability of one encoded truck (one LightGBM call)."""
        return float(self.model.predict(np.array([vector], dtype=np.float64))[0])

    def reasons(self, vector: list[float]) -> list[tuple[str, Text]]:
        """``(feature, message)`` of the features that pushed this truck's score up most."""
        out: list[tuple[str, Text]] = []
        for f in self.model.explain(vector, top=REASONS + 4):
            if f["contribution"] <= 0 or len(out) == REASONS:
                continue
            name = str(f["feature"])
            out.append((name, _reason_text(self.version, name, f["value"], f["contribution"])))
        return out

    def note(self, score: float, lane: str) -> Text:
        c = self.cutoffs
        cut = c.inspect if lane == "inspect" else c.documentary_review
        es_lane = {"inspect": "inspección", "documentary_review": "revisión documental"}[lane]
        return Text(
            f"Risk score {score:.4f} (violation probability by the learned model {self.version}) reached the {lane} cut-off {cut:.4f}, calibrated at promotion so the model inspects {c.inspection_rate:.2%} and reviews {c.review_rate:.2%} of trucks.",
            f"La puntuación de riesgo {score:.4f} (probabilidad de infracción según el modelo aprendido {self.version}) alcanzó el corte {cut:.4f} de {es_lane}, calibrado al promoverlo para que el modelo inspeccione el {c.inspection_rate:.2%} y revise el {c.review_rate:.2%} de los camiones.",
        )


# What each feature is, in both languages (HS chapters are named by number).
_LABELS: dict[str, tuple[str, str]] = {
    "fast": ("FAST lane claimed", "carril FAST declarado"),
    "ctpat": ("C-TPAT declared", "C-TPAT declarado"),
    "driver_fast_card": ("driver's FAST card", "tarjeta FAST del conductor"),
    "shipment_count": ("shipments on the truck", "embarques en el camión"),
    "line_count": ("manifest lines", "líneas del manifiesto"),
    "total_weight_kg": ("total weight (kg)", "peso total (kg)"),
    "max_kg_per_piece": ("heaviest kg per piece", "máximo de kg por pieza"),
    "min_lines_weight_ratio": (
        "lines' weight against the total",
        "peso de las líneas frente al total",
    ),
    "minutes_before_arrival": (
        "minutes filed before arrival",
        "minutos presentada antes del arribo",
    ),
    "seal_missing": ("seal missing", "sello faltante"),
    "container": ("containerized", "en contenedor"),
    "in_bond": ("in bond", "en tránsito (in bond)"),
    "usmca_claimed": ("USMCA preference claimed", "preferencia T-MEC solicitada"),
    "usmca_goods_mismatch": (
        "USMCA claim on goods of other origin",
        "T-MEC solicitado para bienes de otro origen",
    ),
    "pedimento_missing": ("pedimento missing", "pedimento faltante"),
    "first_time_shipper": ("first-time shipper", "remitente por primera vez"),
    "first_time_consignee": ("first-time consignee", "destinatario por primera vez"),
    "carta_porte_party_mismatch": (
        "Carta Porte parties differ",
        "partes de la Carta Porte distintas",
    ),
    "ctpat_verified": ("C-TPAT verified", "C-TPAT verificado"),
    "usmca_verified": ("USMCA certificate verified", "certificado T-MEC verificado"),
    "carta_porte_verified": ("Carta Porte verified", "Carta Porte verificada"),
    "recent_violation_shipper": ("shipper's recent violation", "infracción reciente del remitente"),
    "recent_violation_consignee": (
        "consignee's recent violation",
        "infracción reciente del destinatario",
    ),
    "recent_violation_carrier": (
        "carrier's recent violation",
        "infracción reciente del transportista",
    ),
    "northbound": ("northbound", "hacia el norte"),
    "hs_chapter_count": ("HS chapters on the manifest", "capítulos SA en el manifiesto"),
    "third_country_origin_lines": (
        "lines of third-country origin",
        "líneas de origen de terceros países",
    ),
    "violations_365d_shipper": (
        "shipper's violations in a year",
        "infracciones del remitente en un año",
    ),
    "violations_365d_consignee": (
        "consignee's violations in a year",
        "infracciones del destinatario en un año",
    ),
    "violations_365d_carrier": (
        "carrier's violations in a year",
        "infracciones del transportista en un año",
    ),
    "port_code": ("port of entry", "puerto de entrada"),
    "main_origin": ("origin of the heaviest line", "origen de la línea más pesada"),
    "lading_country": ("country of lading", "país de carga"),
    "carrier": ("carrier (SCAC)", "transportista (SCAC)"),
    "main_shipper": ("shipper", "remitente"),
}
LABELLED = (*FACT_FEATURES, *HISTORY_FEATURES, *CATEGORY_FEATURES)  # a test pins _LABELS to it


def feature_label(name: str) -> tuple[str, str]:
    """A feature's name as a person reads it, in English and Spanish."""
    if name.startswith("hs_chapter_") and name[11:].isdigit():
        return f"HS chapter {name[11:]} on a line", f"capítulo SA {name[11:]} en una línea"
    return _LABELS.get(name, (name, name))


def _reason_text(version: str, name: str, value: Any, contribution: float) -> Text:
    en, es = feature_label(name)
    shown = value if isinstance(value, str) else f"{value:g}"
    return Text(
        f"The learned model {version} weighs {en} = {shown} towards a violation (+{contribution:.2f} log-odds).",
        f"El modelo aprendido {version} pondera {es} = {shown} hacia una infracción (+{contribution:.2f} log-odds).",
    )


__all__ = ["REASONS", "Cutoffs", "DecidingModel", "calibrate", "feature_label"]
