"""A streak's explanation names only what its rule tests: the score, the grades, or either.

(A score-only rule once read "3 cycle(s) in a row < 90 or in [-]".)
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from okr.domain.calibration import ConsecutiveLowRule, CycleOutcome, consecutive_low
from okr.explain import describe_steps

SCORE = ConsecutiveLowRule(3, below=Decimal(90))
GRADES = ConsecutiveLowRule(2, grades=frozenset({"需鼓励"}))
EITHER = ConsecutiveLowRule(2, below=Decimal(80), grades=frozenset({"需鼓励"}))
LOW = [CycleOutcome(Decimal(70), "需鼓励")] * 3


@pytest.mark.parametrize(
    ("rule", "english", "chinese"),
    [
        (
            SCORE,
            "3 cycle(s) in a row < 90: reaches 3, flagged.",
            "连续 3 个周期 < 90：达到 3 个，已标出。",
        ),
        (
            GRADES,
            "3 cycle(s) in a row graded 需鼓励: reaches 2, flagged.",
            "连续 3 个周期等级为 需鼓励：达到 2 个，已标出。",
        ),
        (
            EITHER,
            "3 cycle(s) in a row < 80 or graded 需鼓励: reaches 2, flagged.",
            "连续 3 个周期 < 80 或等级为 需鼓励：达到 2 个，已标出。",
        ),
    ],
    ids=["score", "grades", "either"],
)
def test_each_rule_shape_reads_as_it_tests(app, rule, english, chinese):
    steps = consecutive_low(LOW, rule).steps
    with app.test_request_context(), force_locale("en"):
        assert describe_steps(steps) == [english]
    with app.test_request_context(), force_locale("zh"):
        assert describe_steps(steps) == [chinese]


def test_a_short_streak_says_not_flagged(app):
    steps = consecutive_low([CycleOutcome(Decimal(95), None), *LOW[:1]], SCORE).steps
    with app.test_request_context(), force_locale("zh"):
        assert describe_steps(steps) == ["连续 1 个周期 < 90：少于 3 个，不标出。"]
