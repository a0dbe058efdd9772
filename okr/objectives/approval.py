"""Weights of an owner's set and its approval: draft -> submitted -> approved (or returned)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from okr.cycles.models import Cycle
from okr.cycles.rules import check_planning_window
from okr.domain.errors import DomainError
from okr.domain.numbers import HUNDRED
from okr.domain.weights import check_weights
from okr.errors import Invalid
from okr.explain import error_message
from okr.extensions import db
from okr.objectives.aspects import aspect_problems
from okr.objectives.changes import load_objective, record_change
from okr.objectives.models import Objective
from okr.objectives.queries import set_query
from okr.org.models import Person


@dataclass
class WeightReport:
    """Whether an owner's set can be submitted, with every weight problem in words."""

    objectives_sum: object = None
    problems: list[str] = field(default_factory=list)
    by_objective: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def weight_report(objectives: list[Objective]) -> WeightReport:
    """Objective weights must sum to 100 %, and each objective's key-result weights too; never normalised."""
    report = WeightReport()
    if not objectives:
        report.problems.append(_("There are no objectives yet."))
        return report
    report.objectives_sum = sum(o.weight for o in objectives)
    try:
        check_weights([o.weight for o in objectives], HUNDRED, scope="objectives")
    except DomainError as exc:
        report.problems.append(
            _(
                "The objective weights add up to %(sum)s%%, not 100%%.",
                sum=exc.params.get("sum", "?"),
            )
        )
    for objective in objectives:
        if not objective.key_results:
            if objective.progress_rule != "own_krs":
                continue  # its progress comes from the objectives aligned to it
            message = _("“%(title)s” has no key results.", title=objective.title)
        else:
            try:
                check_weights(
                    [kr.weight for kr in objective.key_results], HUNDRED, scope="key results"
                )
                continue
            except DomainError as exc:
                message = (
                    _(
                        "The key-result weights of “%(title)s” add up to %(sum)s%%, not 100%%.",
                        title=objective.title,
                        sum=exc.params["sum"],
                    )
                    if "sum" in exc.params
                    else error_message(exc)
                )
        report.problems.append(message)
        report.by_objective[objective.id] = message
    return report


def _load_set(objective: Objective) -> list[Objective]:
    objective = load_objective(objective.id)
    stmt = set_query(
        objective.cycle,
        objective.level,
        owner_id=objective.owner_id,
        department_id=objective.department_id,
    ).options(db.selectinload(Objective.key_results))
    return list(db.session.scalars(stmt))


def submit_set(objective: Objective, actor: Person) -> list[Objective]:
    """Submit an owner's whole set for approval; refused with the sums shown unless weights add up,
    and with what each objective lacks when the cycle asks for quantity, quality and time targets."""
    check_planning_window(db.session.get_one(Cycle, objective.cycle_id), actor)  # identity map
    objectives = _load_set(objective)
    report = weight_report(objectives)
    cycle = db.session.get_one(Cycle, objective.cycle_id)  # loaded with the set
    problems = report.problems + aspect_problems(cycle, objectives)
    if problems:  # weights, and the cycle's quantity / quality / time rule when it has one
        raise Invalid({"_": " ".join(problems)})
    for item in objectives:
        if item.status in ("draft", "returned"):
            item.status = "submitted"
            item.review_comment = ""
            record_change(item, actor, "submitted")
    db.session.flush()
    return objectives


def decide_set(objective: Objective, actor: Person, approve: bool, comment: str) -> list[Objective]:
    """Approve a submitted set, or return it with a comment saying what to change."""
    if not approve and not comment.strip():
        raise Invalid({"comment": _("Say what should change before returning the OKRs.")})
    whole = _load_set(objective)
    objectives = [o for o in whole if o.status == "submitted"]
    if not objectives:
        raise Invalid({"_": _("Nothing is waiting for approval in this set.")})
    report = weight_report(whole)
    if approve and not report.ok:  # the submit checks hold at approval too
        raise Invalid({"_": " ".join(report.problems)})
    for item in objectives:
        item.status = "approved" if approve else "returned"
        item.review_comment = "" if approve else comment.strip()
        record_change(
            item, actor, "approved" if approve else "returned", {"comment": comment.strip()}
        )
    db.session.flush()
    return objectives


@dataclass
class Approval:
    """A submitted objective's approval as its page shows it: the decision, or who decides."""

    can_decide: bool
    waiting: int  # objectives of the set that wait
    approver: Person | None  # who normally decides; None when it falls to HR
    hr: list[Person] = field(default_factory=list)


def approval_of(objective: Objective, viewer: Person) -> Approval | None:
    """For a submitted objective: may the viewer decide, how much waits, and otherwise who decides."""
    from okr.objectives.access import can_approve
    from okr.org.models import Department

    if objective.status != "submitted":
        return None
    same_set = set_query(
        objective.cycle,
        objective.level,
        owner_id=objective.owner_id,
        department_id=objective.department_id,
    ).where(Objective.status == "submitted")
    waiting = db.session.scalar(
        select(func.count()).select_from(same_set.order_by(None).subquery())
    )
    if can_approve(viewer, objective):
        return Approval(True, waiting, None)
    approver_id = None
    if objective.level == "individual":
        approver_id = db.session.scalar(
            select(Person.manager_id).where(Person.id == objective.owner_id)
        )
    elif objective.level == "department" and objective.department_id is not None:
        parent = db.session.scalar(
            select(Department.parent_id).where(Department.id == objective.department_id)
        )
        if parent is not None:
            approver_id = db.session.scalar(
                select(Department.head_id).where(Department.id == parent)
            )
    approver = db.session.get(Person, approver_id) if approver_id else None
    hr = list(
        db.session.scalars(
            select(Person).where(Person.is_admin, Person.active).order_by(Person.name).limit(3)
        )
    )
    return Approval(False, waiting, approver, hr)


def reopen_if_broken(objective: Objective, actor: Person) -> str | None:
    """After an edit: a submitted or approved set that fails the submit checks goes back to its
    owner (status "returned", the reason as the comment, an audit line), so approval never
    stands for weights that do not add up. Returns the reason, or None when nothing changed."""
    cycle = db.session.get(Cycle, objective.cycle_id)  # from the identity map, as a rule
    assert cycle is not None
    stmt = set_query(
        cycle, objective.level, owner_id=objective.owner_id, department_id=objective.department_id
    ).options(db.selectinload(Objective.key_results))
    objectives = list(db.session.scalars(stmt))
    decided = [o for o in objectives if o.status in ("submitted", "approved")]
    if not decided:
        return None
    report = weight_report(objectives)
    if report.ok:
        return None
    reason = _(
        "%(problems)s Approval was withdrawn: these OKRs are back with their owner; "
        "fix the weights and submit them again.",
        problems=" ".join(report.problems),
    )
    for item in decided:
        item.status = "returned"
        item.review_comment = reason
        record_change(item, actor, "reopened", {"comment": reason})
    db.session.flush()
    return reason
