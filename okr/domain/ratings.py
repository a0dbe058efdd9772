"""Qualitative ratings: a part's criteria score and the peer score.

* A rating ``r`` on scale ``[a, b]`` normalises to ``(r - a) / (b - a)``: the scale minimum
  is 0, the maximum 1 (so one star of five is 0, three stars 0.5).
* The part's fraction is the weighted mean of the normalised ratings by criterion weight.
* Ratings outside the scale, or for an unknown criterion, are refused.  A missing rating
  (absent or None) makes the part incomplete: fraction None and the missing keys listed,
  never counted as zero.
* Peer score = plain mean of the fractions of the raters who submitted a complete sheet.
  A rater rating themself is refused; an incomplete sheet is left out (and said so); fewer
  counted raters than the template's minimum leaves the part missing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from okr.domain.errors import InvalidRating, InvalidTemplate
from okr.domain.numbers import Number, fmt, in_domain_context, to_decimal
from okr.domain.steps import Step
from okr.domain.template import Criterion, validate_criteria
from okr.domain.weights import plain_mean, weighted_mean

Ratings = Mapping[str, Number | None]


@dataclass(frozen=True)
class PartScore:
    """A part as a 0..1 fraction (None when incomplete) with what is missing and why."""

    fraction: Decimal | None
    missing: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def complete(self) -> bool:
        """Whether the part could be scored."""
        return self.fraction is not None


@dataclass(frozen=True)
class PeerScore:
    """The peer part: mean over counted raters, each rater's own part score kept."""

    fraction: Decimal | None
    counted_raters: tuple[str, ...]
    per_rater: Mapping[str, PartScore]
    steps: tuple[Step, ...]

    @property
    def complete(self) -> bool:
        """Whether enough raters submitted complete sheets."""
        return self.fraction is not None


def normalise(criterion: Criterion, rating: Number) -> Decimal:
    """(rating - scale min) / (scale max - scale min); ratings outside the scale are refused."""
    value = to_decimal(rating)
    low, high = criterion.scale.min, criterion.scale.max
    if value < low or value > high:
        raise InvalidRating(
            "rating.out_of_scale",
            {"criterion": criterion.key, "rating": fmt(value), "min": fmt(low), "max": fmt(high)},
        )
    return (value - low) / (high - low)


@in_domain_context
def criteria_score(criteria: Sequence[Criterion], ratings: Ratings) -> PartScore:
    """Weighted mean of normalised ratings; any missing rating leaves the part incomplete."""
    if not criteria:
        raise InvalidTemplate("template.criteria_missing", {"part": "ratings"})
    validate_criteria("ratings", criteria)
    known = {c.key for c in criteria}
    for key in ratings:
        if key not in known:
            raise InvalidRating("rating.unknown_criterion", {"criterion": key})
    steps: list[Step] = []
    pairs: list[tuple[Decimal, Decimal]] = []
    missing: list[str] = []
    for criterion in criteria:
        rating = ratings.get(criterion.key)
        if rating is None:
            missing.append(criterion.key)
            continue
        fraction = normalise(criterion, rating)
        steps.append(
            Step.of(
                "rating.normalised",
                criterion=criterion.key,
                rating=to_decimal(rating),
                min=criterion.scale.min,
                max=criterion.scale.max,
                fraction=fraction,
            )
        )
        pairs.append((fraction, criterion.weight))
    if missing:
        steps.append(Step.of("part.incomplete", missing=", ".join(missing)))
        return PartScore(None, tuple(missing), tuple(steps))
    mean = weighted_mean(pairs, scope="criteria")
    assert mean.value is not None
    return PartScore(mean.value, (), tuple(steps) + mean.steps)


@in_domain_context
def peer_score(
    criteria: Sequence[Criterion],
    sheets: Mapping[str, Ratings],
    ratee_id: str,
    min_raters: int = 1,
) -> PeerScore:
    """Mean of the complete sheets of submitted raters (never the ratee); too few -> missing."""
    if min_raters < 1:
        raise InvalidTemplate("template.min_raters", {"minimum": str(min_raters)})
    if ratee_id in sheets:
        raise InvalidRating("peer.self_rating", {"rater": ratee_id})
    steps: list[Step] = []
    per_rater: dict[str, PartScore] = {}
    counted: list[str] = []
    for rater, ratings in sheets.items():
        score = criteria_score(criteria, ratings)
        per_rater[rater] = score
        if score.fraction is None:
            missing = ", ".join(score.missing)
            steps.append(Step.of("peer.rater_incomplete", rater=rater, missing=missing))
            continue
        counted.append(rater)
        steps.append(Step.of("peer.rater", rater=rater, fraction=score.fraction))
    if len(counted) < min_raters:
        steps.append(Step.of("peer.too_few_raters", count=len(counted), minimum=min_raters))
        return PeerScore(None, tuple(counted), per_rater, tuple(steps))
    fractions = [f for r in counted if (f := per_rater[r].fraction) is not None]
    mean = plain_mean(fractions, scope="peer")
    return PeerScore(mean.value, tuple(counted), per_rater, tuple(steps) + mean.steps)
