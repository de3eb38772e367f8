"""Satisfaction arithmetic: the fraction of satisfied runs and its Wilson score interval.

The Wilson interval (Wilson, 1927) stays inside [0, 1] and behaves at 0 % and 100 %, where the
normal approximation collapses to a zero-width interval: 20 of 20 runs do not prove 100 %.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DASH = "\u2013"  # the en dash of ranges, as in `95% CI 76.4-99.1%`
Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


@dataclass(frozen=True)
class Satisfaction:
    satisfied: int
    runs: int
    low: float
    high: float

    @property
    def rate(self) -> float:
        return self.satisfied / self.runs if self.runs else 0.0

    def line(self) -> str:
        """`satisfaction: 95.0% (19/20 runs, 95% CI 76.4-99.1%)` (with an en dash in the range)."""
        return (
            f"satisfaction: {self.rate * 100:.1f}% ({self.satisfied}/{self.runs} runs, "
            f"95% CI {self.low * 100:.1f}{DASH}{self.high * 100:.1f}%)"
        )


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a binomial proportion; (0, 1) when there are no trials."""
    if trials <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= trials:
        raise ValueError("successes must be within [0, trials]")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    return max(0.0, centre - margin), min(1.0, centre + margin)


def satisfaction(satisfied: int, runs: int) -> Satisfaction:
    low, high = wilson(satisfied, runs)
    return Satisfaction(satisfied, runs, low, high)
