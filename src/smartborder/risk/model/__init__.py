"""The learned risk model: features, outcomes, training, evaluation, shadow scoring.

Outcomes (declarations with what their inspections found) are read from JSON lines or the
store (:func:`read_outcomes`), replayed in time order as the pipeline saw them
(:func:`replay`), and a LightGBM model is trained on the labelled ones (:func:`train`) into a
versioned file (:class:`LearnedModel`). :func:`evaluate` judges it against the weight set on a
later period; the node scores every truck it decides with the shadow model
(:class:`ShadowScorer`), beside the decision, never deciding — until a promotion makes it the
risk version that decides trucks (:class:`DecidingModel`, with cut-offs calibrated at
promotion), or a demotion returns to the weight set. Each worker's :class:`ModelSlots` hold
the deciding and the shadow model, reloaded within a second of a change. See
docs/risk-model.md.
"""

from smartborder.risk.model.deciding import Cutoffs, DecidingModel, calibrate, feature_label
from smartborder.risk.model.errors import (
    ModelFileInvalid,
    ModelNotFound,
    NotEnoughData,
    NothingToDemote,
    OutcomesInvalid,
    PeriodNotLater,
    PromotionRefused,
)
from smartborder.risk.model.evaluation import evaluate, selection_figures
from smartborder.risk.model.exploration import Exploration
from smartborder.risk.model.features import (
    CATEGORY_FEATURES,
    FEATURE_NAMES,
    FeatureSpace,
    ViolationCounts,
    raw_features,
)
from smartborder.risk.model.learned import LearnedModel
from smartborder.risk.model.outcomes import (
    FindingCodes,
    LabelledDeclaration,
    outcome_line,
    read_outcomes,
)
from smartborder.risk.model.registry import (
    deciding_version,
    demote,
    judge_promotion,
    load_model,
    model_listing,
    promote,
    record_promotion,
    register,
    shadow_scorer,
)
from smartborder.risk.model.replay import Replay, Replayed, replay
from smartborder.risk.model.shadow import ShadowScorer
from smartborder.risk.model.slots import ModelSlots, Slots
from smartborder.risk.model.stored import outcomes_from_store, stored_lookup
from smartborder.risk.model.training import MIN_LABELLED, MIN_VIOLATIONS, check_labels, train

__all__ = [
    "CATEGORY_FEATURES",
    "Exploration",
    "FEATURE_NAMES",
    "Cutoffs",
    "DecidingModel",
    "MIN_LABELLED",
    "MIN_VIOLATIONS",
    "FeatureSpace",
    "FindingCodes",
    "LabelledDeclaration",
    "LearnedModel",
    "ModelFileInvalid",
    "ModelNotFound",
    "ModelSlots",
    "NotEnoughData",
    "NothingToDemote",
    "OutcomesInvalid",
    "PeriodNotLater",
    "PromotionRefused",
    "Replay",
    "Replayed",
    "ShadowScorer",
    "Slots",
    "ViolationCounts",
    "calibrate",
    "deciding_version",
    "demote",
    "feature_label",
    "check_labels",
    "evaluate",
    "judge_promotion",
    "load_model",
    "model_listing",
    "outcome_line",
    "outcomes_from_store",
    "promote",
    "record_promotion",
    "register",
    "shadow_scorer",
    "stored_lookup",
    "raw_features",
    "read_outcomes",
    "replay",
    "selection_figures",
    "train",
]
