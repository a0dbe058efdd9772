"""The template streak rules (okr.domain.streaks) that people's released results meet, for the
flags page, HR's acts on them and the record.

A person's history for a rule is their released results in the cycles of one template family
(every version of the template), oldest first; the rules are those of the family's newest
version the person was reviewed on. Every result's outcomes (okr.domain.outcomes) are worked
out from its composite, grade and ranks (the department rank stored at release, the company
rank counted over the review's released results in the same query) for absent rules. The
results of everyone (or of a department's subtree, or one person) are read in one query, only
in the template families that have streak rules; the acts on the shown page in one more, the
people in one more.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import joinedload

from okr.cycles.models import Cycle
from okr.db import utcnow
from okr.domain.outcomes import outcomes_for
from okr.domain.streaks import CycleResult, StreakRule, streak_of
from okr.errors import Invalid, StaleEdit
from okr.explain import describe
from okr.extensions import db
from okr.flags.carry import carry_points, take_back
from okr.flags.models import StreakAction
from okr.org.models import Person
from okr.people.filters import in_departments
from okr.reviews.cycle_results import company_rank
from okr.reviews.models import Appraisal, Review, ReviewTemplate
from okr.schemes.format import TemplateSpec


@dataclass
class MetStreak:
    person_id: int
    name: str
    appraisal_id: int  # the newest cycle of the run: the act's anchor
    rule: StreakRule
    label: str
    run: int
    cycles: list[str]  # the run's cycle labels, oldest first
    explanation: str
    run_ids: list[int]  # the run's appraisals, oldest first
    action: StreakAction | None = None  # the act made on this run (anchored on one of run_ids)
    person: Person | None = None

    @property
    def continued(self) -> list[str]:
        """The run's cycles after the one its act is anchored on (the run went on since)."""
        if self.action is None or self.action.appraisal_id not in self.run_ids:
            return []
        return self.cycles[self.run_ids.index(self.action.appraisal_id) + 1 :]


def _company_ranks(template_ids: list[int]) -> Subquery:
    """Each released, ranked result in these templates' families with its rank in its review."""
    families = select(ReviewTemplate.family).where(ReviewTemplate.id.in_(template_ids))
    return (
        select(
            Appraisal.id.label("id"),
            company_rank().label("rank"),
        )
        .join(Review, Review.id == Appraisal.review_id)
        .join(ReviewTemplate, ReviewTemplate.id == Review.template_id)
        .where(
            Appraisal.released_at.is_not(None),
            Appraisal.rank.is_not(None),
            ReviewTemplate.family.in_(families),
        )
        .subquery()
    )


def _history(
    specs: dict[int, TemplateSpec], departments: frozenset[int] | None, person_id: int | None
) -> list[tuple]:
    """The released, ranked results in the template families that have streak rules (none: no
    query), of the department subtree or the person, each with its company rank (over the whole
    review, before the filters)."""
    with_rules = sorted(i for i, spec in specs.items() if spec.domain.streaks)
    if not with_rules:
        return []
    company = _company_ranks(with_rules)
    stmt = (
        select(
            Appraisal.person_id,
            Person.name,
            ReviewTemplate.family,
            Review.template_id,
            Cycle.label,
            Appraisal.id,
            Appraisal.composite,
            func.coalesce(Appraisal.final_grade, Appraisal.grade),
            Appraisal.rank,
            company.c.rank,
        )
        .join(company, company.c.id == Appraisal.id)
        .join(Review, Review.id == Appraisal.review_id)
        .join(Cycle, Cycle.id == Review.cycle_id)
        .join(ReviewTemplate, ReviewTemplate.id == Review.template_id)
        .join(Person, Person.id == Appraisal.person_id)
        .order_by(Appraisal.person_id, ReviewTemplate.family, Cycle.start, Appraisal.id)
    )
    if departments is not None:
        stmt = stmt.where(in_departments(Person.department_id, departments))
    if person_id is not None:
        stmt = stmt.where(Appraisal.person_id == person_id)
    return list(db.session.execute(stmt))


def _results(specs: dict[int, TemplateSpec], rows: list[tuple]) -> list[CycleResult]:
    """One person's results in one template family, each with the outcomes it earned."""
    history = []
    for row in rows:
        ranks = {"department": row[8], "company": row[9]}
        applied = outcomes_for(specs[row[3]].domain.outcomes, row[6], row[7], ranks)
        history.append(
            CycleResult(
                row[6],
                row[7],
                ranks,
                frozenset(o.rule.key for o in applied if not o.pending),
                frozenset(o.rule.key for o in applied if o.pending),
            )
        )
    return history


def met_streaks(
    specs: dict[int, TemplateSpec],
    departments: frozenset[int] | None = None,
    person_id: int | None = None,
) -> list[MetStreak]:
    """Every met streak rule, by person name, then rule (one query)."""
    runs: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for row in _history(specs, departments, person_id):
        runs[(row[0], row[2])].append(row)
    found = []
    for rows in runs.values():
        newest_spec = specs[rows[-1][3]]
        if not newest_spec.domain.streaks:
            continue
        history = _results(specs, rows)
        words = newest_spec.glossary()
        for rule in newest_spec.domain.streaks:
            verdict = streak_of(rule, history)
            if verdict.met:
                found.append(
                    MetStreak(
                        rows[-1][0],
                        rows[-1][1],
                        rows[-1][5],
                        rule,
                        words.outcomes.get(rule.key, rule.key),
                        verdict.run,
                        [r[4] for r in rows[len(rows) - verdict.run :]],
                        describe(verdict.step.code, verdict.step.params, words),
                        [r[5] for r in rows[len(rows) - verdict.run :]],
                    )
                )
    found.sort(key=lambda m: (m.name, m.person_id, m.rule.key))
    return found


def _covering(acts: list[StreakAction], met: MetStreak) -> StreakAction | None:
    """The act made on this run: anchored on one of its cycles (the one in force first, then
    the newest anchor), however many cycles the run went on for since."""
    mine = [a for a in acts if a.streak_key == met.rule.key and a.appraisal_id in met.run_ids]
    mine.sort(key=lambda a: (a.undone_at is None, met.run_ids.index(a.appraisal_id)))
    return mine[-1] if mine else None


def with_actions(found: list[MetStreak]) -> list[MetStreak]:
    """The shown streaks with their acts (who, when) and people (one query each, even for none)."""
    ids = sorted({i for m in found for i in m.run_ids})
    acts = list(
        db.session.scalars(
            select(StreakAction)
            .where(StreakAction.appraisal_id.in_(ids))
            .options(joinedload(StreakAction.acted_by), joinedload(StreakAction.undone_by))
        )
    )
    people = {
        p.id: p
        for p in db.session.scalars(
            select(Person)
            .where(Person.id.in_(sorted({m.person_id for m in found})))
            .options(joinedload(Person.department))
        )
    }
    for m in found:
        m.action = _covering(acts, m)
        m.person = people[m.person_id]
    return found


def _met(specs: dict[int, TemplateSpec], appraisal: Appraisal, key: str) -> MetStreak:
    for m in met_streaks(specs, person_id=appraisal.person_id):
        if m.appraisal_id == appraisal.id and m.rule.key == key:
            return m
    raise Invalid({"note": "not-met"})


def _act_on_run(met: MetStreak) -> StreakAction | None:
    """The act already made on this run (on any of its cycles), if any."""
    acts = db.session.scalars(
        select(StreakAction).where(
            StreakAction.appraisal_id.in_(met.run_ids), StreakAction.streak_key == met.rule.key
        )
    )
    return _covering(list(acts), met)


def act(
    specs: dict[int, TemplateSpec],
    appraisal: Appraisal,
    key: str,
    note: str,
    actor: Person,
    opened: int | None,
) -> StreakAction:
    """Record the consequence of a met streak as acted on (again, after an undo: the same row).

    Raises Invalid when the rule is not met by that run, StaleEdit when it is already in force
    or was changed since the page was drawn (`opened`: the version the page showed, None: no row)."""
    met = _met(specs, appraisal, key)
    action = _act_on_run(met)
    if action is None:
        if opened is not None:
            raise StaleEdit()
        action = StreakAction(
            appraisal_id=appraisal.id,
            person_id=appraisal.person_id,
            streak_key=key,
            consequence=met.rule.consequence.value,
            run=met.run,
            note=note,
            acted_by_id=actor.id,
        )
        db.session.add(action)
    else:
        if action.undone_at is None or action.version != opened:
            raise StaleEdit()
        action.note, action.run, action.acted_by_id = note, met.run, actor.id
        action.appraisal_id = met.appraisal_id  # acted on again: on the run as it is now
        action.acted_at, action.undone_at, action.undone_by_id = _now(), None, None
    action.points, action.cycles = met.rule.points, met.cycles
    db.session.flush()
    carry_points(action, met.label)  # a points consequence: into the next period
    return action


def undo(action: StreakAction, actor: Person, opened: int | None) -> None:
    """Undo an act in force (who, when); a stale or repeated undo raises StaleEdit."""
    if action.undone_at is not None or action.version != opened:
        raise StaleEdit()
    take_back(action)  # its carried points, unless their appraisal is finalized
    action.undone_at, action.undone_by_id = _now(), actor.id
    db.session.flush()


def _now() -> datetime:
    return utcnow()


def in_force(person_id: int) -> list[StreakAction]:
    """A person's acted-on consequences, oldest first (for the record)."""
    return list(
        db.session.scalars(
            select(StreakAction)
            .where(StreakAction.person_id == person_id, StreakAction.undone_at.is_(None))
            .order_by(StreakAction.acted_at, StreakAction.id)
        )
    )


__all__ = ["MetStreak", "act", "in_force", "met_streaks", "undo", "with_actions"]
