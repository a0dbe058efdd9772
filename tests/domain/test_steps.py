"""Derivation steps and issues as JSON-ready data."""

import json
from decimal import Decimal as D
from typing import Any

import pytest

from okr.domain.errors import DomainError, WeightsDoNotSum
from okr.domain.steps import (
    Issue,
    Severity,
    Step,
    join_terms,
    rounding_step,
    steps_from_data,
    steps_to_data,
)


def test_step_of_renders_decimals_exactly() -> None:
    step = Step.of("kr.increase", start=D("100"), target=D("2E+2"), current=150, progress=D("0.50"))
    assert step.params == {"start": "100", "target": "200", "current": "150", "progress": "0.5"}


def test_step_round_trips_through_json() -> None:
    steps = (Step.of("kr.ratio", current=D("3"), target=D("4"), progress=D("0.75")),)
    data = json.loads(json.dumps(steps_to_data(steps)))
    assert steps_from_data(data) == steps


def test_step_to_dict_shape() -> None:
    assert Step.of("mean.empty", scope="x").to_dict() == {
        "code": "mean.empty",
        "params": {"scope": "x"},
    }


def test_step_params_are_copied_and_hashable() -> None:
    params = {"progress": "0"}
    step = Step("kr.no_value", params)
    params["progress"] = "1"
    assert step.params == {"progress": "0"}
    assert hash(step) == hash(Step("kr.no_value", {"progress": "0"}))


def test_step_refuses_non_string_params() -> None:
    with pytest.raises(TypeError):
        Step("kr.no_value", {"progress": D(0)})  # type: ignore[dict-item]


@pytest.mark.parametrize(
    "data",
    [
        {"params": {}},
        {"code": "", "params": {}},
        {"code": "kr.no_value", "params": {"progress": 0}},
        {"code": "kr.no_value", "params": ["x"]},
        "kr.no_value",
    ],
    ids=["no-code", "empty-code", "number-param", "list-params", "not-object"],
)
def test_step_from_dict_refuses_malformed_data(data: Any) -> None:
    with pytest.raises(DomainError) as exc:
        Step.from_dict(data)
    assert exc.value.code == "derivation.invalid"


def test_steps_from_data_refuses_non_list() -> None:
    with pytest.raises(DomainError) as exc:
        steps_from_data("[]")  # type: ignore[arg-type]
    assert exc.value.code == "derivation.invalid"


def test_issue_to_dict_carries_severity() -> None:
    issue = Issue.warning("spec.tiers_gap", after="[1, 2)", before="(2, +inf)")
    assert issue.severity is Severity.WARNING
    assert issue.to_dict() == {
        "code": "spec.tiers_gap",
        "params": {"after": "[1, 2)", "before": "(2, +inf)"},
        "severity": "warning",
    }


def test_domain_error_to_dict_and_english_message() -> None:
    error = WeightsDoNotSum(
        "weights.do_not_sum",
        {"scope": "parts", "weights": "60 + 50", "sum": "110", "expected": "100"},
    )
    assert error.to_dict() == {
        "code": "weights.do_not_sum",
        "params": {"scope": "parts", "weights": "60 + 50", "sum": "110", "expected": "100"},
    }
    assert str(error) == "Weights of parts add up to 110 (60 + 50), not 100."


def test_domain_error_with_unknown_code_still_prints() -> None:
    assert str(DomainError("no.such", {"a": "1"})) == "no.such {'a': '1'}"


def test_join_terms_renders_each_number() -> None:
    assert join_terms([D("40"), D("30.0"), 20]) == "40 + 30 + 20"


def test_rounding_step_states_value_places_and_result() -> None:
    step = rounding_step(D("89.995"), 2)
    assert step == Step("round.half_up", {"value": "89.995", "places": "2", "rounded": "90"})
