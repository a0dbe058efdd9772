"""A streak rule's points carried into a period: counted whatever free_form says, within caps."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from okr.domain.composite import Adjustment, apply_adjustments, composite
from okr.domain.errors import InvalidAdjustment
from okr.domain.template import ReviewTemplate

NO_FREE_FORM = ReviewTemplate.of({"kr": 100}, deduction_cap=D("0.5"))


def test_carried_points_count_where_free_form_points_are_refused():
    carried = Adjustment("连续两季低于90: 2026 Q1 · 2026 Q2", points=D(-1), carried=True)
    with pytest.raises(InvalidAdjustment):
        apply_adjustments(NO_FREE_FORM, [Adjustment.free_form("x", -1)])
    result = apply_adjustments(NO_FREE_FORM, [carried])
    assert (result.deduction_raw, result.deduction, result.net) == (D(1), D("0.5"), D("-0.5"))
    assert result.steps[0].code == "adjust.carried"
    assert composite(NO_FREE_FORM, {"kr": D("0.9")}, [carried]).composite == D("89.5")
