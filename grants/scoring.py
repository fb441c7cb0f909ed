"""Scores with the call's grid: weighted results on 100, pass marks, threshold, disagreement.

Pure functions over plain numbers, so that the rules can be read and tested on known values:

- a review's total is ``Σ weight × score / maximum`` over the criteria, scaled to 100 by the
  sum of the weights;
- an application's score is the mean of its complete reviews' totals, or the moderator's
  consensus score when there is one;
- it fails the grid when one criterion's mean score is under that criterion's pass mark, or its
  score is under the call's threshold;
- reviewers disagree when their totals are further apart than the call's gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class GridCriterion:
    id: int
    weight: Decimal
    max_score: Decimal
    pass_mark: Decimal


@dataclass(frozen=True)
class Result:
    score: Decimal | None  # None until a review is complete
    passes: bool | None
    needs_consensus: bool
    criterion_means: Mapping[int, Decimal]
    failed_criteria: tuple[int, ...]


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def review_total(grid: Iterable[GridCriterion], scores: Mapping[int, Decimal]) -> Decimal:
    """One reviewer's result on 100. ``scores``: {criterion id: score}, complete."""
    grid = list(grid)
    weights = sum((c.weight for c in grid), Decimal(0))
    if not weights:
        return Decimal(0)
    weighted = sum((c.weight * Decimal(scores[c.id]) / c.max_score for c in grid), Decimal(0))
    return _round(weighted * HUNDRED / weights)


def application_result(
    grid: Iterable[GridCriterion],
    reviews: Iterable[Mapping[int, Decimal]],
    *,
    threshold: Decimal,
    gap: Decimal,
    consensus: Decimal | None = None,
) -> Result:
    """The application's score from its complete reviews (each a {criterion id: score})."""
    grid = list(grid)
    reviews = [r for r in reviews if all(c.id in r for c in grid)]
    if not reviews:
        return Result(None, None, False, {}, ())
    totals = [review_total(grid, r) for r in reviews]
    means = {
        c.id: _round(sum((Decimal(r[c.id]) for r in reviews), Decimal(0)) / len(reviews))
        for c in grid
    }
    failed = tuple(c.id for c in grid if means[c.id] < c.pass_mark)
    disagree = len(totals) > 1 and (max(totals) - min(totals)) > gap
    if consensus is not None:
        score = _round(Decimal(consensus))
    else:
        score = _round(sum(totals, Decimal(0)) / len(totals))
    passes = not failed and score >= threshold
    return Result(score, passes, disagree and consensus is None, means, failed)
