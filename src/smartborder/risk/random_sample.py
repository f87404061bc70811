"""The random control sample: a small share of declarations examined at random.

Targeting only ever inspects what the rules point at, so its hits say nothing about what it
misses. A control sample drawn at random among declarations the pipeline would otherwise not
examine physically (outcome ``release`` or ``documentary_review``) is an unbiased sample of that
un-targeted stream: its findings estimate the non-compliance the targeting misses (as CBP's
Compliance Measurement examinations do). The draw uses the operating system's CSPRNG
(:mod:`secrets`), so nobody can predict or steer which declaration is drawn; it is stated in
the decision as ``random_selection`` with a reason of its own and never changes the risk score.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from smartborder.i18n import Text
from smartborder.risk.errors import RandomRateInvalid

#: The highest configurable rate: above a fifth of the flow it is no longer a small control
#: sample but a second, untargeted examination regime.
MAX_RANDOM_RATE = 0.2
#: The rule id of a random selection (a rule of the sample, never of the weight set).
RANDOM_RULE_ID = "random.control_sample"
RANDOM_REASON_CODE = "decision.random_selection"
#: Outcomes a random selection may turn into an examination (neither is a physical one).
ELIGIBLE_OUTCOMES = ("release", "documentary_review")
_BITS = 53  # a draw is uniform on [0, 2**53): finer than any configurable rate


def check_rate(rate: float) -> float:
    """``rate`` as a float in [0, MAX_RANDOM_RATE]; :class:`RandomRateInvalid` otherwise."""
    try:
        value = float(rate)
    except (TypeError, ValueError):
        raise RandomRateInvalid(rate) from None
    if not 0.0 <= value <= MAX_RANDOM_RATE:  # also rejects NaN
        raise RandomRateInvalid(rate)
    return value


class RandomSample:
    """Draws the random control sample at ``rate`` (0 ≤ rate ≤ 0.2) with a CSPRNG.

    ``draw()`` is ``True`` with probability ``rate``. ``bits`` is the random source (``k`` →
    a uniform integer of ``k`` bits); it is :func:`secrets.randbits` (the OS CSPRNG) unless a
    test names another. Rate 0 never selects; rate 1 (tests only, through ``unchecked``)
    always does.
    """

    __slots__ = ("_bits", "_threshold", "rate")

    def __init__(
        self,
        rate: float,
        *,
        bits: Callable[[int], int] = secrets.randbits,
        unchecked: bool = False,
    ) -> None:
        self.rate = float(rate) if unchecked else check_rate(rate)
        if not 0.0 <= self.rate <= 1.0:
            raise RandomRateInvalid(rate)
        self._threshold = round(self.rate * (1 << _BITS))
        self._bits = bits

    def draw(self) -> bool:
        """One draw: selected or not."""
        return self._threshold > 0 and self._bits(_BITS) < self._threshold

    def reason_text(self) -> Text:
        """Why a declaration was selected, in both languages (no risk finding)."""
        pct = f"{self.rate * 100:g} %"
        return Text(
            f"Selected at random for examination: the agency's control sample ({pct} of declarations that would otherwise be released or reviewed). Not a risk finding; the risk score is unchanged.",
            f"Seleccionada al azar para examen: muestra de control de la agencia ({pct} de las declaraciones que de otro modo se liberarían o revisarían). No es un hallazgo de riesgo; la puntuación de riesgo no cambia.",
        )


__all__ = [
    "ELIGIBLE_OUTCOMES",
    "MAX_RANDOM_RATE",
    "RANDOM_REASON_CODE",
    "RANDOM_RULE_ID",
    "RandomSample",
    "check_rate",
]
