"""The rewards and penalties (奖惩) a result earns, alike on the appraisal page, in results.xlsx
and in the record.

The template's rules (okr.domain.outcomes) apply to the composite, the final grade (else the
computed one) and the ranks: the department rank stored when the review is released, and the
rank in the whole review among the released results (ties share a rank). Before release a rank
rule is pending, never "not earned". A highest-value rule compares the result's value of its
indicator with the highest among the released results of its department (or the whole review);
every result at that value earns it, and before release it is pending too.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from okr.domain.numbers import fmt, to_decimal
from okr.domain.outcomes import Highest, Outcome, OutcomeRule, outcomes_for
from okr.explain import OUTCOME_WORDS, describe
from okr.extensions import db
from okr.reviews.models import Appraisal
from okr.schemes.format import TemplateSpec


def needs_company_rank(spec: TemplateSpec) -> bool:
    return any(o.when.rank and o.when.scope == "company" for o in spec.domain.outcomes)


def company_rank(appraisal: Appraisal) -> int | None:
    """The rank of a released result in its whole review, or None before release."""
    if appraisal.rank is None or appraisal.composite is None:
        return None
    higher = db.session.scalar(
        select(func.count(Appraisal.id)).where(
            Appraisal.review_id == appraisal.review_id,
            Appraisal.rank.is_not(None),
            Appraisal.composite > appraisal.composite,
        )
    )
    return int(higher or 0) + 1


class CompanyRanks:
    """Every released result's rank in the review, from one query (for a whole export)."""

    def __init__(self, review_id: int) -> None:
        self.composites = sorted(
            db.session.scalars(
                select(Appraisal.composite).where(
                    Appraisal.review_id == review_id,
                    Appraisal.rank.is_not(None),
                    Appraisal.composite.is_not(None),
                )
            )
        )

    def of(self, appraisal: Appraisal) -> int | None:
        if appraisal.rank is None or appraisal.composite is None:
            return None
        return len(self.composites) - bisect_right(self.composites, appraisal.composite) + 1


def _indicator_value(values: Mapping[str, Any] | None, ref: str) -> Decimal | None:
    """The exact value entered for "section.indicator", or None when there is none."""
    section, _dot, indicator = ref.partition(".")
    text = ((values or {}).get(section) or {}).get(indicator)
    return None if text is None or str(text).strip() == "" else to_decimal(str(text))


class HighestValues:
    """The highest value of each indicator the template's highest-value rules name, among the
    review's released (ranked) results, per department and in the whole review, from one query:
    for a whole export, or for one appraisal (`department_id`: only its department is read when
    no rule looks at the whole review)."""

    def __init__(
        self, spec: TemplateSpec, review_id: int, department_id: int | None = None
    ) -> None:
        self.refs = sorted(
            {(o.when.highest, o.when.scope) for o in spec.domain.outcomes if o.when.highest}
        )
        self.tops: dict[tuple[str, str, int | None], Decimal] = {}
        if not self.refs:
            return
        stmt = select(Appraisal.department_id, Appraisal.indicator_values).where(
            Appraisal.review_id == review_id, Appraisal.rank.is_not(None)
        )
        if department_id is not None and all(scope == "department" for _r, scope in self.refs):
            stmt = stmt.where(Appraisal.department_id == department_id)
        for department, values in db.session.execute(stmt):
            for ref, scope in self.refs:
                value = _indicator_value(values, ref)
                where = (ref, scope, department if scope == "department" else None)
                if value is not None and (where not in self.tops or value > self.tops[where]):
                    self.tops[where] = value

    def of(self, appraisal: Appraisal) -> dict[tuple[str, str], Highest]:
        """Per (indicator, scope) the result's value and its scope's highest; empty before
        release (the rules are pending)."""
        if appraisal.rank is None:
            return {}
        found = {}
        for ref, scope in self.refs:
            department = appraisal.department_id if scope == "department" else None
            value = _indicator_value(appraisal.indicator_values, ref)
            found[(ref, scope)] = Highest(value, self.tops.get((ref, scope, department)))
        return found


def highest_of(spec: TemplateSpec, appraisal: Appraisal) -> dict[tuple[str, str], Highest]:
    """One appraisal's highest-value inputs (nothing read when the template has no such rule)."""
    if not any(o.when.highest for o in spec.domain.outcomes):
        return {}
    return HighestValues(spec, appraisal.review_id, appraisal.department_id).of(appraisal)


def outcomes_of(
    spec: TemplateSpec,
    appraisal: Appraisal,
    composite: Decimal | None,
    grade: str | None,
    company: int | None,
    highest: Mapping[tuple[str, str], Highest] | None = None,
) -> list[Outcome]:
    """The rules that apply to the result (`grade`: the final grade, else the computed one;
    `highest`: HighestValues.of the appraisal, read by highest_of when not given)."""
    ranks = {"department": appraisal.rank, "company": company}
    if highest is None:
        highest = highest_of(spec, appraisal)
    return outcomes_for(spec.domain.outcomes, composite, grade, ranks, highest)


def sentences(spec: TemplateSpec, found: Sequence[Outcome]) -> list[tuple[str, bool]]:
    """Each outcome as the sentence that says why, and whether it waits for the ranking."""
    words = spec.glossary()
    return [(describe(o.step.code, o.step.params, words), o.pending) for o in found]


def outcome_headers(spec: TemplateSpec) -> list[str]:
    """A column per rule, named by its label and what it gives: "超过108分奖励 (元)"."""
    labels = spec.glossary().outcomes
    return [
        f"{labels.get(rule.key, rule.key)} ({OUTCOME_WORDS[rule.gives.value]})"
        for rule in spec.domain.outcomes
    ]


def outcome_cells(rules: Sequence[OutcomeRule], found: Sequence[Outcome]) -> list[Any]:
    """Per rule: its amount when it applies (a number to pay or sum), the range HR settles
    within as text, "when ranked" while pending, empty when it does not apply."""
    applying = {o.rule.key: o for o in found}
    cells: list[Any] = []
    for rule in rules:
        outcome = applying.get(rule.key)
        if outcome is None:
            cells.append(None)
        elif outcome.pending:
            cells.append(_("when ranked"))
        elif rule.amount is not None:
            cells.append(rule.amount)
        else:
            cells.append(f"{fmt(rule.low)}…{fmt(rule.high)}")  # type: ignore[arg-type]
    return cells
