"""The rewards and penalties (奖惩) a result earns, alike on the appraisal page, in results.xlsx
and in the record.

The template's rules (okr.domain.outcomes) apply to the composite, the final grade (else the
computed one) and the ranks: the department rank stored when the review is released, and the
rank in the whole review among the released results (ties share a rank). Before release a rank
rule is pending, never "not earned".
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from okr.domain.numbers import fmt
from okr.domain.outcomes import Outcome, OutcomeRule, outcomes_for
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


def outcomes_of(
    spec: TemplateSpec,
    appraisal: Appraisal,
    composite: Decimal | None,
    grade: str | None,
    company: int | None,
) -> list[Outcome]:
    """The rules that apply to the result (`grade`: the final grade, else the computed one)."""
    ranks = {"department": appraisal.rank, "company": company}
    return outcomes_for(spec.domain.outcomes, composite, grade, ranks)


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
