"""The improvement-plan page as data: the appraisal, its plan and who may do what, with the forms.

Loaded in a fixed number of queries (appraisal, chain, plan, items with owners). The person,
their management chain and HR see the plan; the chain and HR edit it; the manager (or anyone
above) agrees it with the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from okr.access import ensure
from okr.extensions import db
from okr.forms import options
from okr.org.models import Person
from okr.plans import services as plans
from okr.plans.forms import CloseForm, ItemForm, NoteForm
from okr.reviews.access import can_interview, can_view, in_chain, sees_scores
from okr.reviews.models import Appraisal, ImprovementItem, ImprovementPlan, Review
from okr.reviews.services import spec_of
from okr.schemes.format import TemplateSpec


@dataclass
class PlanPage:
    """What the plan page shows and what the viewer may do there."""

    appraisal: Appraisal
    spec: TemplateSpec
    plan: ImprovementPlan | None
    can_edit: bool
    can_agree: bool
    owners: list[Person]
    item_forms: dict[int, ItemForm] = field(default_factory=dict)
    note_forms: dict[int, NoteForm] = field(default_factory=dict)
    new_item: ItemForm | None = None
    close: CloseForm | None = None

    @property
    def sees_grade(self) -> bool:
        return sees_scores(current_user, self.appraisal)

    @property
    def open(self) -> bool:
        return self.plan is not None and self.plan.status != "closed"


def _appraisal(appraisal_id: int) -> Appraisal:
    appraisal = db.one_or_404(
        select(Appraisal)
        .where(Appraisal.id == appraisal_id)
        .options(
            joinedload(Appraisal.person),
            joinedload(Appraisal.manager),
            joinedload(Appraisal.review).joinedload(Review.cycle),
            joinedload(Appraisal.review).joinedload(Review.template),
        )
    )
    ensure(can_view(current_user, appraisal))
    return appraisal


def _can_edit(appraisal: Appraisal) -> bool:
    """The chain and HR edit; never the person themself."""
    if current_user.id == appraisal.person_id:
        return False
    return current_user.is_admin or in_chain(current_user, appraisal)


def item_form(page: PlanPage, item: ImprovementItem | None, submitted: bool = False) -> ItemForm:
    """The form of an item (or of a new one): as submitted, else filled from the item."""
    prefix = f"item{item.id}" if item else "new"
    if submitted:
        form = ItemForm(prefix=prefix)
    elif item is None:
        data = {"owner": page.appraisal.person_id, "section": "indicator", "status": "open"}
        form = ItemForm(prefix=prefix, formdata=None, data=data)
    else:
        fields = ("section", "title", "current", "target", "due", "status")
        data = {name: getattr(item, name) for name in fields} | {"owner": item.owner_id}
        form = ItemForm(prefix=prefix, formdata=None, data=data)
    form.owner.choices = options((p.id, p.name) for p in page.owners)
    return form


def load_page(appraisal_id: int) -> PlanPage:
    """The plan page in a fixed number of queries (appraisal, chain, plan, items with owners)."""
    appraisal = _appraisal(appraisal_id)
    plan = plans.plan_of(appraisal)
    can_edit = _can_edit(appraisal)
    people = {appraisal.person.id: appraisal.person, current_user.id: current_user}
    if appraisal.manager:
        people[appraisal.manager.id] = appraisal.manager
    for item in plan.items if plan else []:
        people.setdefault(item.owner_id, item.owner)
    page = PlanPage(
        appraisal,
        spec_of(appraisal.review.template),
        plan,
        can_edit,
        can_interview(current_user, appraisal),
        sorted(people.values(), key=lambda p: (p.id != appraisal.person_id, p.name)),
    )
    for item in plan.items if plan else []:
        page.note_forms[item.id] = NoteForm(prefix=f"note{item.id}", formdata=None)
        if can_edit:
            page.item_forms[item.id] = item_form(page, item)
    page.new_item = item_form(page, None) if can_edit else None
    page.close = CloseForm(formdata=None, data={"version": plan.version}) if plan else None
    return page
