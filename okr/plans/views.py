"""An appraisal's improvement plan: view, draft, edit items, follow-up notes, agree, close.

The person, their management chain and HR see it; the chain and HR edit items and close it;
the manager (or anyone above) agrees it with the person; everyone who sees it adds notes.
"""

from __future__ import annotations

from decimal import Decimal

from flask import Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from okr.access import ensure
from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.forms import ActionForm
from okr.plans import services as plans
from okr.plans.blueprint import bp
from okr.plans.drafting import draft_plan
from okr.plans.forms import CloseForm, DraftForm, ItemForm, NoteForm
from okr.plans.page import PlanPage, item_form, load_page
from okr.reviews.models import ImprovementItem
from okr.unit_of_work import reload_as_stored
from okr.web import form_errors, render, wants_fragment

bp.add_app_template_global(plans.section_label, "plan_section_label")
bp.add_app_template_global(plans.item_status_label, "plan_item_status_label")
bp.add_app_template_global(plans.follow_ups, "plan_follow_ups")


def _show(page: PlanPage, status: int = 200, block: str | None = None) -> Response:
    version = page.plan.version if page.plan else ""
    return render(
        "plans/show.html",
        block=block,
        status=status,
        page=page,
        action=ActionForm(formdata=None, data={"version": version}),
        draft=DraftForm(formdata=None),
        sections=plans.SECTIONS,
    )


def _item_response(page: PlanPage, item_id: int, status: int = 200) -> Response:
    """htmx: the item alone (root id plan-item-<id>); otherwise the whole page."""
    if not wants_fragment():
        return _show(page, status)
    return render(
        "plans/_item.html",
        status=status,
        page=page,
        item=_item(page, item_id),
        action=ActionForm(formdata=None),
    )


def _back(page: PlanPage, message: str, anchor: str | None = None) -> Response:
    flash(message, "success")
    return redirect(url_for(".show", appraisal_id=page.appraisal.id, _anchor=anchor), code=303)


def _item(page: PlanPage, item_id: int) -> ImprovementItem:
    item = next((i for i in (page.plan.items if page.plan else []) if i.id == item_id), None)
    if item is None:
        abort(404)
    return item


@bp.get("")
@login_required
def show(appraisal_id: int) -> Response:
    return _show(load_page(appraisal_id))


@bp.post("/draft")
@login_required
def draft(appraisal_id: int) -> Response:
    page = load_page(appraisal_id)
    ensure(page.can_edit)
    form = DraftForm()
    if form.validate_on_submit():
        step = Decimal("0.5") if form.targets.data == "half" else None
        draft_plan(page.appraisal, page.spec, requested=True, step=step)
    return _back(page, _("The plan is drafted; edit it with the person."))


@bp.post("/items")
@login_required
def add_item(appraisal_id: int) -> Response:
    page = load_page(appraisal_id)
    ensure(page.can_edit)
    if page.plan is None:
        abort(404)
    form = item_form(page, None, submitted=True)
    if _save(page, None, form):
        if wants_fragment():
            return _show(load_page(appraisal_id), block="items")
        return _back(page, _("Item added."), "plan-items")
    page.new_item = form
    return _show(page, 422, block="items")


@bp.post("/items/<int:item_id>")
@login_required
def edit_item(appraisal_id: int, item_id: int) -> Response:
    page = load_page(appraisal_id)
    ensure(page.can_edit)
    item = _item(page, item_id)
    form = item_form(page, item, submitted=True)
    if _save(page, item, form):
        if wants_fragment():
            return _item_response(load_page(appraisal_id), item_id)
        return _back(page, _("Item saved."), f"plan-item-{item_id}")
    page.item_forms[item_id] = form
    return _item_response(page, item_id, 422)


def _save(page: PlanPage, item: ImprovementItem | None, form: ItemForm) -> bool:
    """Validate and store an item; False leaves the errors on the form."""
    if not form.validate_on_submit():
        return False
    data = {
        "section": form.section.data,
        "status": form.status.data,
        "title": form.title.data,
        "current": form.current.data,
        "target": form.target.data,
        "owner_id": form.owner.data,
        "due": form.due.data,
    }
    try:
        assert page.plan is not None
        plans.save_item(page.plan, item, data)
    except Invalid as exc:  # refused before anything changed
        form_errors(form, exc)
        return False
    reload_as_stored()
    return True


@bp.post("/items/<int:item_id>/delete")
@login_required
def delete_item(appraisal_id: int, item_id: int) -> Response:
    page = load_page(appraisal_id)
    ensure(page.can_edit)
    item = _item(page, item_id)
    if ActionForm().validate_on_submit():
        try:
            assert page.plan is not None
            plans.delete_item(page.plan, item)
        except Invalid as exc:
            flash(next(iter(exc.errors.values())), "error")
            return redirect(url_for(".show", appraisal_id=appraisal_id), code=303)
    if wants_fragment():
        return Response("", 200)  # the item's element is swapped for nothing
    return _back(page, _("Item deleted."), "plan-items")


@bp.post("/items/<int:item_id>/notes")
@login_required
def add_note(appraisal_id: int, item_id: int) -> Response:
    page = load_page(appraisal_id)  # whoever sees the plan may follow up
    item = _item(page, item_id)
    form = NoteForm(prefix=f"note{item_id}")
    if form.validate_on_submit():
        try:
            assert page.plan is not None
            plans.add_follow_up(page.plan, item, form.text.data or "", current_user)
        except Invalid as exc:
            form_errors(form, exc)
        else:
            reload_as_stored()
            if wants_fragment():
                return _item_response(load_page(appraisal_id), item_id)
            return _back(page, _("Note added."), f"plan-item-{item_id}")
    page.note_forms[item_id] = form
    return _item_response(page, item_id, 422)


@bp.post("/agree")
@login_required
def agree(appraisal_id: int) -> Response:
    page = load_page(appraisal_id)
    ensure(page.can_agree and page.plan is not None)
    form = ActionForm()
    if form.validate_on_submit():
        assert page.plan is not None
        try:
            plans.agree_plan(page.plan, len(page.plan.items), form.opened_version)
        except StaleEdit:
            return _refused(page, _("Someone changed the plan meanwhile; look again."))
        except Invalid as exc:
            return _refused(page, next(iter(exc.errors.values())))
    return _back(page, _("The plan is agreed."))


def _refused(page: PlanPage, message: str) -> Response:
    db.session.rollback()
    flash(message, "error")
    return redirect(url_for(".show", appraisal_id=page.appraisal.id), code=303)


@bp.post("/close")
@login_required
def close(appraisal_id: int) -> Response:
    page = load_page(appraisal_id)
    ensure(page.can_edit and page.plan is not None)
    form = CloseForm()
    if form.validate_on_submit():
        assert page.plan is not None
        try:
            plans.close_plan(page.plan, form.outcome.data or "", form.opened_version)
        except StaleEdit:
            return _refused(page, _("Someone changed the plan meanwhile; look again."))
        except Invalid as exc:  # refused before anything changed
            form_errors(form, exc)
        else:
            return _back(page, _("The plan is closed with its outcome."))
    page.close = form
    return _show(page, 422)
