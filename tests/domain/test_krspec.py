"""Key-result spec validation and tier intervals (overlaps, gaps, inclusive bounds)."""

from decimal import Decimal as D

import pytest

from okr.domain.errors import InvalidSpec
from okr.domain.krspec import (
    Direction,
    HoldScoring,
    KeyResultSpec,
    KRKind,
    ensure_valid_spec,
    validate_spec,
)
from okr.domain.steps import Severity
from okr.domain.tiers import Tier, find_tier, tiers_overlap


def codes(spec: KeyResultSpec) -> list[str]:
    return [i.code for i in validate_spec(spec)]


# Seed 003 customer-service replies: "2500<=r<3000: 3; 3000<=r<3500: 5; r>3500: 8; r<2500: 0".
REPLIES = (
    Tier.of(None, 2500, 0),
    Tier.of(2500, 3000, 3),
    Tier.of(3000, 3500, 5),
    Tier.of(3500, None, 8, lower_inclusive=False),
)
# Seed 003 purchase rate: "10<=r<20: 3; 20<=r<30: 5; r>=30: 8; r<10: 0" (no holes).
PURCHASE_RATE = (
    Tier.of(None, 10, 0),
    Tier.of(10, 20, 3),
    Tier.of(20, 30, 5),
    Tier.of(30, None, 8),
)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (KeyResultSpec.increase(100, 100), ["spec.increase_start_equals_target"]),
        (KeyResultSpec.increase(200, 100), ["spec.increase_target_below_start"]),
        (KeyResultSpec.decrease(5, 5), ["spec.decrease_start_equals_target"]),
        (KeyResultSpec.decrease(5, 8), ["spec.decrease_target_above_start"]),
        (KeyResultSpec(KRKind.INCREASE, target=D(5)), ["spec.missing_field"]),
        (KeyResultSpec(KRKind.DECREASE), ["spec.missing_field", "spec.missing_field"]),
        (KeyResultSpec.at_least(0), ["spec.target_not_positive"]),
        (KeyResultSpec.ratio(-1), ["spec.target_not_positive"]),
        (KeyResultSpec.at_most(-1), ["spec.at_most_target_negative"]),
        (KeyResultSpec(KRKind.AT_MOST), ["spec.missing_field"]),
        (KeyResultSpec.per_unit(80, 0, "0.5", 10), ["spec.step_not_positive"]),
        (KeyResultSpec.per_unit(80, -1, "0.5", 10), ["spec.step_not_positive"]),
        (KeyResultSpec.per_unit(80, 1, 0, 10), ["spec.points_per_step_not_positive"]),
        (KeyResultSpec.per_unit(80, 1, "0.5", 0), ["spec.max_points_not_positive"]),
        (KeyResultSpec.per_unit(80, 1, "0.5", -5), ["spec.max_points_not_positive"]),
        (KeyResultSpec(KRKind.PER_UNIT, start=D(1)), ["spec.missing_field"] * 4),
        (KeyResultSpec.tiered([]), ["spec.tiers_empty"]),
        (KeyResultSpec.at_most(0, strict=True), ["spec.strict_at_most_zero"]),
        (
            KeyResultSpec.at_least(3, HoldScoring.PROPORTIONAL, strict=True),
            ["spec.strict_proportional"],
        ),
        (
            KeyResultSpec(KRKind.INCREASE, D(1), D(2), hold_scoring=HoldScoring.PASS_FAIL),
            ["spec.hold_scoring_not_hold"],
        ),
        (
            KeyResultSpec(KRKind.RATIO, target=D(5), hold_strict=True),
            ["spec.hold_strict_not_hold"],
        ),
        (
            KeyResultSpec(
                KRKind.MILESTONE, hold_scoring=HoldScoring.PROPORTIONAL, hold_strict=True
            ),
            ["spec.hold_scoring_not_hold", "spec.hold_strict_not_hold"],
        ),
    ],
    ids=[
        "increase-start-equals-target",
        "increase-wrong-direction",
        "decrease-start-equals-target",
        "decrease-wrong-direction",
        "increase-missing-start",
        "decrease-missing-both",
        "at-least-zero-target",
        "ratio-negative-target",
        "at-most-negative-target",
        "at-most-missing-target",
        "per-unit-zero-step",
        "per-unit-negative-step",
        "per-unit-zero-points",
        "per-unit-zero-max",
        "per-unit-negative-max",
        "per-unit-missing-fields",
        "tiers-empty",
        "strict-at-most-zero-can-never-be-held",
        "strict-edge-with-partial-credit",
        "hold-scoring-on-increase",
        "strict-edge-on-ratio",
        "hold-rule-on-milestone",
    ],
)
def test_validate_spec_refuses_unscorable_specs(spec: KeyResultSpec, expected: list[str]) -> None:
    assert codes(spec) == expected
    with pytest.raises(InvalidSpec) as exc:
        ensure_valid_spec(spec)
    assert exc.value.code == expected[0]
    assert [i.code for i in exc.value.issues] == expected


def test_start_equals_target_messages_are_direction_specific() -> None:
    with pytest.raises(InvalidSpec) as up:
        ensure_valid_spec(KeyResultSpec.increase(100, 100))
    with pytest.raises(InvalidSpec) as down:
        ensure_valid_spec(KeyResultSpec.decrease(100, 100))
    assert up.value.params == {"start": "100"}
    assert "increasing" in str(up.value)
    assert "decreasing" in str(down.value)


def test_wrong_direction_error_names_start_and_target() -> None:
    with pytest.raises(InvalidSpec) as exc:
        ensure_valid_spec(KeyResultSpec.increase("50000", "40000"))
    assert exc.value.params == {"start": "50000", "target": "40000"}


@pytest.mark.parametrize(
    "spec",
    [
        KeyResultSpec.increase(50000, 60000),
        KeyResultSpec.decrease("8", "5.5"),
        KeyResultSpec.ratio(4000),
        KeyResultSpec.at_least(3),
        KeyResultSpec.at_most(0),
        KeyResultSpec.at_least(5, strict=True),
        KeyResultSpec.at_most(60, HoldScoring.PROPORTIONAL),
        KeyResultSpec.milestone(),
        KeyResultSpec.per_unit(80, 1, "0.5", 10),
        KeyResultSpec.per_unit(8, 1, 1, 10, Direction.DOWN),
        KeyResultSpec.tiered(PURCHASE_RATE),
    ],
    ids=[
        "increase",
        "decrease",
        "ratio",
        "at-least",
        "at-most-zero",
        "strict-at-least",
        "partial-at-most",
        "milestone",
        "per-unit-up",
        "per-unit-down",
        "contiguous-tiers",
    ],
)
def test_validate_spec_accepts_sound_specs_without_issues(spec: KeyResultSpec) -> None:
    assert validate_spec(spec) == ()


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        (Tier.of(2500, 3000, 3), Tier.of(3000, 3500, 5), False),
        (Tier.of(2500, 3000, 3, upper_inclusive=True), Tier.of(3000, 3500, 5), True),
        (
            Tier.of(2500, 3000, 3, upper_inclusive=True),
            Tier.of(3000, 3500, 5, lower_inclusive=False),
            False,
        ),
        (Tier.of(2500, 3000, 3), Tier.of(3000, 3500, 5, lower_inclusive=False), False),
        (Tier.of(2500, 3100, 3), Tier.of(3000, 3500, 5), True),
        (Tier.of(None, 2500, 0), Tier.of(2500, 3000, 3), False),
        (Tier.of(None, 2500, 0, upper_inclusive=True), Tier.of(2500, 3000, 3), True),
        (Tier.of(None, 100, 0), Tier.of(50, None, 3), True),
        (Tier.of(None, 10, 0), Tier.of(None, 5, 3), True),
        (Tier.of(10, 20, 1), Tier.of(12, 15, 2), True),
        (Tier.of(10, 20, 1), Tier.of(30, 40, 2), False),
    ],
    ids=[
        "half-open-neighbours",
        "closed-end-meets-closed-start",
        "closed-end-meets-open-start",
        "open-end-meets-open-start",
        "overlapping-ranges",
        "open-below-meets-start",
        "closed-below-meets-start",
        "both-unbounded-sides",
        "both-open-below",
        "nested",
        "apart",
    ],
)
def test_tiers_overlap_honours_inclusive_bounds(a: Tier, b: Tier, overlap: bool) -> None:
    assert tiers_overlap(a, b) is overlap
    assert tiers_overlap(b, a) is overlap


def test_overlapping_tiers_refused_with_both_labels() -> None:
    spec = KeyResultSpec.tiered(
        [Tier.of(2500, 3000, 3, upper_inclusive=True), Tier.of(3000, 3500, 5)]
    )
    with pytest.raises(InvalidSpec) as exc:
        ensure_valid_spec(spec)
    assert exc.value.code == "spec.tiers_overlap"
    assert exc.value.params == {"first": "[2500, 3000]", "second": "[3000, 3500)"}


@pytest.mark.parametrize(
    ("tier", "code"),
    [
        # Seed 003 response time: "90s <= t < 75s" is printed reversed.
        (Tier.of(90, 75, 3), "spec.tier_bounds_reversed"),
        (Tier.of(5, 5, 3), "spec.tier_empty"),
        (Tier.of(5, 5, 3, lower_inclusive=False, upper_inclusive=True), "spec.tier_empty"),
        (Tier.of(1, 5, -1), "spec.tier_points_negative"),
    ],
    ids=["reversed-seed-response-time", "empty-half-open", "empty-open-closed", "negative-points"],
)
def test_malformed_tier_refused(tier: Tier, code: str) -> None:
    assert codes(KeyResultSpec.tiered([tier])) == [code]


def test_single_point_tier_is_allowed_when_closed_both_sides() -> None:
    spec = KeyResultSpec.tiered([Tier.of(None, 5, 0), Tier.of(5, 5, 3, upper_inclusive=True)])
    assert [i.code for i in validate_spec(spec)] == ["spec.tiers_uncovered_above"]


def test_tiers_giving_no_points_refused() -> None:
    assert codes(KeyResultSpec.tiered([Tier.of(None, None, 0)])) == ["spec.tiers_no_points"]


def test_seed_reply_tiers_warn_that_3500_itself_is_uncovered() -> None:
    issues = validate_spec(KeyResultSpec.tiered(REPLIES))
    assert [(i.code, i.severity) for i in issues] == [("spec.tiers_gap", Severity.WARNING)]
    assert issues[0].params == {"after": "[3000, 3500)", "before": "(3500, +inf)"}
    assert ensure_valid_spec(KeyResultSpec.tiered(REPLIES)) == issues


def test_tiers_warn_about_ranges_below_lowest_and_above_highest() -> None:
    spec = KeyResultSpec.tiered([Tier.of(10, 20, 3), Tier.of(25, 30, 5, upper_inclusive=True)])
    assert [(i.code, i.params) for i in validate_spec(spec)] == [
        ("spec.tiers_uncovered_below", {"tier": "[10, 20)"}),
        ("spec.tiers_gap", {"after": "[10, 20)", "before": "[25, 30]"}),
        ("spec.tiers_uncovered_above", {"tier": "[25, 30]"}),
    ]


def test_tier_order_does_not_matter_for_validation() -> None:
    assert validate_spec(KeyResultSpec.tiered(tuple(reversed(PURCHASE_RATE)))) == ()


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (D("2499.99"), D(0)),
        (D(2500), D(3)),
        (D("2999.99"), D(3)),
        (D(3000), D(5)),
        (D("3499.99"), D(5)),
        (D("3500.01"), D(8)),
        (D(-1), D(0)),
    ],
    ids=[
        "below-2500",
        "exactly-2500",
        "below-3000",
        "exactly-3000",
        "below-3500",
        "above-3500",
        "neg",
    ],
)
def test_find_tier_on_seed_reply_edges(value: D, points: D) -> None:
    tier = find_tier(REPLIES, value)
    assert tier is not None
    assert tier.points == points


def test_find_tier_returns_none_in_the_gap() -> None:
    assert find_tier(REPLIES, D(3500)) is None


@pytest.mark.parametrize(
    ("tier", "label"),
    [
        (Tier.of(2500, 3000, 3), "[2500, 3000)"),
        (Tier.of(None, 2500, 0), "(-inf, 2500)"),
        (Tier.of(3500, None, 8, lower_inclusive=False), "(3500, +inf)"),
        (Tier.of("0.5", "1.50", 1, upper_inclusive=True), "[0.5, 1.5]"),
        (Tier.of(None, None, 1), "(-inf, +inf)"),
    ],
    ids=["half-open", "open-below", "open-above", "closed", "everything"],
)
def test_tier_label_uses_interval_notation(tier: Tier, label: str) -> None:
    assert tier.label == label
