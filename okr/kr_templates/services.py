"""KR templates: reusable weighted key results per position, checked like real ones, and applied.

A template's key results are stored as JSON with numbers as exact text; they pass the same rule
checks as key results typed into the form (okr.objectives.definition, okr.domain.krspec) and
their weights must add up to 100.  Applying a template gives each chosen person a draft
individual objective with those key results; people who already have an objective with that
title in the cycle are skipped, so applying twice never duplicates.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from okr.cycles.models import Cycle
from okr.cycles.rules import plan_editable
from okr.domain.errors import DomainError
from okr.domain.numbers import HUNDRED
from okr.domain.weights import check_weights
from okr.errors import Invalid
from okr.explain import error_message
from okr.extensions import db
from okr.kr_templates.builtin import BUILT_IN, kr
from okr.kr_templates.models import KRTemplate
from okr.labels import status_label
from okr.objectives.definition import KeyResultData, apply_definition
from okr.objectives.models import KeyResult, Objective
from okr.objectives.progress import refresh_key_result, refresh_objective_chain
from okr.objectives.queries import individual_objectives
from okr.objectives.services import ObjectiveData, after_set_change, new_objective
from okr.org.models import Person

# Stored <-> typed ----------------------------------------------------------------------

NUMBERS = ("start", "target", "step", "points_per_step", "max_points")


def _number(text: Any) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def kr_data(item: dict[str, Any]) -> KeyResultData:
    """A stored template key result as the data a key result is created from."""
    return KeyResultData(
        title=item.get("title", ""),
        unit=item.get("unit", ""),
        kind=item["kind"],
        weight=_number(item.get("weight")) or Decimal(0),
        **{name: _number(item.get(name)) for name in NUMBERS},
        **{name: item.get(name) or None for name in ("direction", "aspect")},
        tiers=copy.deepcopy(item.get("tiers") or []),
        hold_scoring=item.get("hold_scoring") or None,
        hold_strict=bool(item.get("hold_strict")),
        confirm_gaps=True,  # a stored template passed the checks; any gap in it was confirmed
    )


def kr_item(data: KeyResultData) -> dict[str, Any]:
    """Key-result data as stored in a template (exact text numbers)."""
    return kr(
        data.title.strip(),
        data.unit.strip(),
        data.kind,
        str(data.weight),
        **{name: _text(getattr(data, name)) for name in NUMBERS},
        direction=data.direction,
        tiers=data.tiers or [],
        hold_scoring=data.hold_scoring,  # a hold kind without one: met or not met
        hold_strict=data.hold_strict,
        aspect=data.aspect,
    )


def check_key_results(rows: list[KeyResultData]) -> list[str]:
    """Every row's rule is checked as for a real key result and the weights must sum to 100; return warnings.

    Errors are keyed like the form fields ("krs-2-target"); the weight sum goes to the form ("_").
    """
    if not rows:
        raise Invalid({"_": _("Add at least one key result.")})
    errors: dict[str, str] = {}
    warnings: list[str] = []
    for index, data in enumerate(rows):
        try:
            warnings += apply_definition(KeyResult(), data, dated=False)  # validation only
        except Invalid as exc:
            for name, message in exc.errors.items():
                errors[f"krs-{index}-{name}" if name != "_" else "_"] = message
    try:
        check_weights([row.weight for row in rows], HUNDRED, scope="key results")
    except DomainError as exc:
        errors["_"] = (
            _("The key-result weights add up to %(sum)s%%, not 100%%.", sum=exc.params["sum"])
            if exc.code == "weights.do_not_sum"
            else error_message(exc)
        )
    if errors:
        raise Invalid(errors)
    return warnings


# Built-ins -----------------------------------------------------------------------------


def load_builtin_templates() -> int:
    """Create or refresh seed 001's templates by name; running it again changes nothing. Returns how many changed."""
    names = [spec["name"] for spec in BUILT_IN]
    existing = {
        t.name: t for t in db.session.scalars(select(KRTemplate).where(KRTemplate.name.in_(names)))
    }
    changed = 0
    for spec in BUILT_IN:
        template = existing.get(spec["name"])
        if template is None:
            template = KRTemplate(name=spec["name"])
            db.session.add(template)
        values = {
            "position": spec["position"],
            "objective_title": spec["objective_title"],
            "key_results": copy.deepcopy(spec["key_results"]),
            "built_in": True,
        }
        if any(getattr(template, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(template, key, value)
            changed += 1
    db.session.flush()
    return changed


# Editing -------------------------------------------------------------------------------


@dataclass
class TemplateData:
    name: str
    position: str
    objective_title: str
    rows: list[KeyResultData]


def _ensure_editable(template: KRTemplate | None) -> None:
    if template is not None and template.built_in:
        raise Invalid({"_": _("Built-in templates cannot be changed; copy one and edit the copy.")})


def save_template(template: KRTemplate | None, data: TemplateData) -> tuple[KRTemplate, list[str]]:
    """Create or change a template; each key result's rule is checked and the weights must sum to 100."""
    _ensure_editable(template)
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = _("Enter a name.")
    elif db.session.scalar(
        select(KRTemplate.id).where(
            KRTemplate.name == name, KRTemplate.id != (template.id if template else -1)
        )
    ):
        errors["name"] = _("Another template is called “%(name)s”.", name=name)
    if not data.objective_title.strip():
        errors["objective_title"] = _("Enter the objective title.")
    try:
        warnings = check_key_results(data.rows)
    except Invalid as exc:
        errors = {**exc.errors, **errors}
        warnings = []
    if errors:
        raise Invalid(errors)
    if template is None:
        template = KRTemplate(built_in=False)
        db.session.add(template)
    template.name = name
    template.position = data.position.strip()
    template.objective_title = data.objective_title.strip()
    template.key_results = [kr_item(row) for row in data.rows]
    db.session.flush()
    return template, warnings


def copy_template(template: KRTemplate) -> KRTemplate:
    """A non-built-in copy that can be edited, named "<name> (copy)", "<name> (copy 2)" ..."""
    taken = set(
        db.session.scalars(
            select(KRTemplate.name).where(KRTemplate.name.startswith(template.name[:80]))
        )
    )
    name = _("%(name)s (copy)", name=template.name[:80])
    number = 2
    while name in taken:
        name = _("%(name)s (copy %(n)d)", name=template.name[:80], n=number)
        number += 1
    duplicate = KRTemplate(
        name=name,
        position=template.position,
        objective_title=template.objective_title,
        key_results=copy.deepcopy(template.key_results),
        built_in=False,
    )
    db.session.add(duplicate)
    db.session.flush()
    return duplicate


def delete_template(template: KRTemplate) -> None:
    """Remove a template of our own; objectives created from it stay."""
    _ensure_editable(template)
    db.session.delete(template)
    db.session.flush()


# Applying ------------------------------------------------------------------------------


@dataclass
class ApplyResult:
    """Who got a new objective and who already had one with the template's title."""

    title: str
    created: list[Person] = field(default_factory=list)
    skipped: list[Person] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """Sets whose approval was withdrawn because the new objective broke their weights."""


def apply_template(
    template: KRTemplate, cycle: Cycle, people: list[Person], weight: Decimal, actor: Person
) -> ApplyResult:
    """Give each person a draft objective with the template's key results, while the cycle is planned.

    People who already have an individual objective with the template's title in the cycle are
    skipped, so applying the same template again creates nothing new.
    """
    _check_application(cycle, weight)
    title = template.objective_title.strip()
    result = ApplyResult(title)
    if not people:
        return result
    have = set(
        db.session.scalars(
            individual_objectives(cycle.id, [p.id for p in people])
            .where(Objective.title == title)
            .with_only_columns(Objective.owner_id)
        )
    )
    rows = [kr_data(item) for item in template.key_results]
    for person in people:
        if person.id in have:
            result.skipped.append(person)
            continue
        objective = _objective_from(
            rows, cycle, ObjectiveData(title, "", weight, None), person, actor
        )
        result.notices += [
            _("%(name)s: %(notice)s", name=person.name, notice=notice)
            for notice in after_set_change(objective, actor)
        ]
        have.add(person.id)
        result.created.append(person)
    return result


def _check_application(cycle: Cycle, weight: Decimal) -> None:
    """Templates are applied while a cycle is planned, with a weight above 0 and at most 100."""
    if not plan_editable(cycle):
        raise Invalid(
            {
                "cycle": _(
                    "%(cycle)s is %(status)s: objectives can be added only while a cycle is being planned.",
                    cycle=cycle.label,
                    status=status_label(cycle.status),
                )
            }
        )
    if not Decimal(0) < weight <= HUNDRED:
        raise Invalid({"weight": _("Choose a weight above 0 and at most 100.")})


def _objective_from(
    rows: list[KeyResultData], cycle: Cycle, data: ObjectiveData, person: Person, actor: Person
) -> Objective:
    """A person's new draft objective with these key results, its progress rolled up."""
    objective = new_objective(cycle, "individual", data, actor, owner=person)
    for position, row_data in enumerate(rows):
        row = KeyResult(objective_id=objective.id, position=position)
        row_data.due_on = cycle.end if row_data.aspect == "time" else None  # due at its end
        apply_definition(row, row_data, cycle)
        refresh_key_result(row, cycle.attainment_cap)
        db.session.add(row)
    db.session.flush()
    refresh_objective_chain(objective.id)
    return objective
