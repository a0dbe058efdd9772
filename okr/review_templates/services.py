"""Review templates as data: store, version, copy, import, export, load the built-in ones.

A template is stored in its canonical form (template_checks).  A template that a review uses is
never changed: saving it makes the next version of its family and retires the old one, so a
running review keeps scoring with the version it opened with.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from okr.extensions import db
from okr.org.models import Department, Person
from okr.org.queries import is_manager
from okr.reviews.models import Review, ReviewTemplate
from okr.reviews.services import template_in_use
from okr.schemes.builtin import BUILT_IN
from okr.schemes.checks import TemplateInvalid, fingerprint, read_json, validate
from okr.schemes.format import dumps

# Reading ---------------------------------------------------------------------------------


def may_read_templates(viewer: Person) -> bool:
    """HR, and managers or department heads (they read templates; only HR changes them)."""
    if viewer.is_admin or is_manager(viewer.id):
        return True
    return (
        db.session.scalar(select(Department.id).where(Department.head_id == viewer.id).limit(1))
        is not None
    )


def current_templates() -> list[ReviewTemplate]:
    """The latest version of every family, built-in first."""
    return list(
        db.session.scalars(
            select(ReviewTemplate)
            .where(ReviewTemplate.retired.is_(False))
            .order_by(ReviewTemplate.built_in.desc(), ReviewTemplate.name, ReviewTemplate.id)
        )
    )


def reviews_using(template_ids: Iterable[int]) -> dict[int, list[str]]:
    """Names of the reviews using each template version."""
    rows = db.session.execute(
        select(Review.template_id, Review.name)
        .where(Review.template_id.in_(list(template_ids)))
        .order_by(Review.id)
    )
    using: dict[int, list[str]] = {}
    for template_id, name in rows:
        using.setdefault(template_id, []).append(name)
    return using


def versions(template: ReviewTemplate) -> list[ReviewTemplate]:
    """Every version of the template's family, newest first."""
    return list(
        db.session.scalars(
            select(ReviewTemplate)
            .where(ReviewTemplate.family == template.family)
            .order_by(ReviewTemplate.version.desc())
        )
    )


# Writing ---------------------------------------------------------------------------------


def _new_family(base: str) -> str:
    """A family key not used yet: an ASCII slug of `base` with -2, -3 ... when taken."""
    slug = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:30] or "template"
    taken = set(
        db.session.scalars(
            select(ReviewTemplate.family).where(ReviewTemplate.family.startswith(slug))
        )
    )
    family, number = slug, 2
    while family in taken:
        family, number = f"{slug}-{number}", number + 1
    return family


def _add(
    family: str, version: int, spec: dict[str, Any], *, built_in: bool = False
) -> ReviewTemplate:
    template = ReviewTemplate(
        family=family,
        version=version,
        name=spec["name"],
        description=spec["description"],
        spec=spec,
        built_in=built_in,
        retired=False,
    )
    db.session.add(template)
    return template


def load_builtin_templates() -> int:
    """Create or refresh the built-in templates by family; unchanged ones are left alone, one in use gets a new version."""
    current = {
        t.family: t
        for t in db.session.scalars(
            select(ReviewTemplate).where(
                ReviewTemplate.family.in_(BUILT_IN), ReviewTemplate.retired.is_(False)
            )
        )
    }
    changed = 0
    for family, raw in BUILT_IN.items():
        spec, _spec = validate(copy.deepcopy(raw))
        template = current.get(family)
        if template is None:
            latest = db.session.scalar(
                select(func.max(ReviewTemplate.version)).where(ReviewTemplate.family == family)
            )
            _add(family, (latest or 0) + 1, spec, built_in=True)
        elif template.spec == spec and template.built_in and template.name == spec["name"]:
            continue
        elif template_in_use(template):
            template.retired = True
            _add(family, template.version + 1, spec, built_in=True)
        else:
            template.spec, template.name, template.description = (
                spec,
                spec["name"],
                spec["description"],
            )
            template.built_in = True
        changed += 1
    db.session.flush()
    return changed


def copy_template(template: ReviewTemplate) -> ReviewTemplate:
    """A new family (version 1, not built-in) with the same scheme, named "<name> (copy)"."""
    spec = copy.deepcopy(template.spec)
    spec["name"] = _("%(name)s (copy)", name=template.name)[:200]
    duplicate = _add(_new_family(f"{template.family}-copy"), 1, spec)
    db.session.flush()
    return duplicate


def save_template(
    template: ReviewTemplate, data: dict[str, Any], base: str | None = None
) -> tuple[ReviewTemplate, bool]:
    """Change a template: in place when no review uses it, else as the next version (the old one is retired).

    Returns the template now current and whether anything changed. Built-in and retired
    versions are not edited; a save based on a spec that changed meanwhile is refused.
    """
    _ensure_editable(template, base)
    spec, _spec = validate(data)
    if spec == template.spec:
        return template, False
    if template_in_use(template):
        template.retired = True
        template = _add(template.family, template.version + 1, spec)
    else:
        template.spec, template.name, template.description = spec, spec["name"], spec["description"]
    db.session.flush()
    return template, True


def _ensure_editable(template: ReviewTemplate, base: str | None) -> None:
    """Refuse a built-in or retired version, or a save based on a spec changed since."""
    if template.built_in:
        raise TemplateInvalid(
            [("_", _("Built-in templates cannot be changed; copy one and edit the copy."))]
        )
    if template.retired:
        raise TemplateInvalid(
            [
                (
                    "_",
                    _(
                        "A newer version of this template was saved meanwhile; open it and make your changes there."
                    ),
                )
            ]
        )
    if base is not None and base != fingerprint(template.spec):
        raise TemplateInvalid(
            [
                (
                    "_",
                    _(
                        "Someone saved this template since you opened it; reload it and make your changes again."
                    ),
                )
            ]
        )


def import_template(text: str | bytes) -> ReviewTemplate:
    """A template from its JSON file, as a new family; every problem is reported."""
    spec, _spec = validate(read_json(text))
    template = _add(_new_family(spec["name"] if spec["name"].isascii() else "imported"), 1, spec)
    db.session.flush()
    return template


def export_template(template: ReviewTemplate) -> tuple[str, str]:
    """The file name and JSON text of a template version."""
    try:
        spec, _spec = validate(copy.deepcopy(template.spec))
    except TemplateInvalid:
        spec = template.spec  # exported as stored, so nothing is hidden
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", template.family).strip("-") or "template"
    return f"{name}-v{template.version}.json", dumps(spec) + "\n"
