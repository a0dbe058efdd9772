"""A scorecard template's indicators (考核指标) on the interview form: one field per indicator.

Fields are named ``indicator-<section>-<indicator>`` and built from the template at request
time, labelled in the reader's language with what to enter (`indicator_hint`). What is typed
is checked by the domain (`score_section`: points within the max, a whole count, a number), so
a refused value comes back beside its field.

A section marked ``self_assessed`` (seed 002's 自考核) also has its fields on the person's
self-assessment, with the same names and the same checks; what the person enters is kept in
``self_indicator_values`` and shown beside the reviewer's points, which alone count.

An indicator fed by the person's key result (rule ``kr``, okr.reviews.kr_indicators) has no
field: nothing typed for it is read, and its section shows it read-only with its derivation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField

from okr.domain.errors import DomainError
from okr.domain.numbers import fmt, parse_decimal
from okr.domain.scorecard import Section, score_section
from okr.errors import Invalid
from okr.explain import error_message
from okr.reviews.models import Appraisal
from okr.reviews.self_points import self_values_shown, side_by_side
from okr.schemes.format import TemplateSpec
from okr.schemes.scorecards import indicator_hint, kr_fed, label_words, self_assessed

PREFIX = "indicator-"


def field_name(section: str, indicator: str) -> str:
    return f"{PREFIX}{section}-{indicator}"


def self_sections(spec: TemplateSpec) -> set[str]:
    """The keys of the sections whose points the person also enters on their self-assessment."""
    return {s["key"] for s in spec.sections() if self_assessed(s)}


def _indicators(
    spec: TemplateSpec, only: set[str] | None
) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    for section in spec.sections():
        if only is None or section["key"] in only:
            for item in section["indicators"]:
                if not kr_fed(item):
                    yield section, item


def with_indicators(
    base: type[FlaskForm], spec: TemplateSpec, only: set[str] | None = None
) -> type[FlaskForm]:
    """`base` with one text field per indicator of the template's sections (none without);
    `only` limits them to those sections (the self-assessed ones on the self-assessment)."""
    fields = {
        field_name(section["key"], item["key"]): StringField(
            label_words(item.get("label"), item["key"]), description=indicator_hint(item)
        )
        for section, item in _indicators(spec, only)
    }
    return type(f"{base.__name__}WithIndicators", (base,), fields) if fields else base


def indicator_data(form: FlaskForm) -> dict[str, str]:
    """The typed indicator values as the services read them (field name -> text)."""
    return {
        name: str(typed.data or "")
        for name, typed in form._fields.items()
        if name.startswith(PREFIX)
    }


def initial_indicators(values: dict[str, dict[str, str]] | None) -> dict[str, str]:
    """Stored indicator values as form data."""
    return {
        field_name(section, key): value
        for section, entered in (values or {}).items()
        for key, value in entered.items()
    }


def checked_indicators(
    spec: TemplateSpec,
    form_data: dict[str, Any],
    *,
    complete: bool,
    only: set[str] | None = None,
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """The values typed for each section's indicators (of the sections in `only`, when given),
    exactly, and a message for each one its indicator refuses (or that is missing when the
    interview is completed, or the self-assessment submitted)."""
    values: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    words = spec.glossary()
    for indicator_section in spec.domain.sections:
        if only is not None and indicator_section.key not in only:
            continue
        entered: dict[str, str] = {}
        for indicator in indicator_section.indicators:
            if indicator.kr_fed:
                continue  # its key result's value, never what is typed
            name = field_name(indicator_section.key, indicator.key)
            text = str(form_data.get(name, "") or "").strip()
            if not text:
                if complete and only is None:
                    errors[name] = _("Enter this before completing the interview.")
                elif complete:
                    errors[name] = _("Enter your points before submitting.")
                continue
            try:
                value = parse_decimal(text)
                score_section(Section(indicator_section.key, (indicator,)), {indicator.key: value})
            except DomainError as exc:
                errors[name] = error_message(exc, words)
                continue
            entered[indicator.key] = fmt(value)
        if entered:
            values[indicator_section.key] = entered
    return values, errors


def read_indicators(
    spec: TemplateSpec, form_data: dict[str, Any], *, complete: bool
) -> dict[str, dict[str, str]]:
    """The indicator values to store; any refused value refuses the save, beside its field."""
    values, errors = checked_indicators(spec, form_data, complete=complete)
    if errors:
        raise Invalid(errors)
    return values


@dataclass(frozen=True)
class SectionFields:
    """One section's fieldset on the interview: its key, label, max points and field names."""

    key: str
    label: str
    max_points: str
    fields: list[str]
    self_points: dict[str, str] = field(default_factory=dict)  # field name -> the person's
    fed: list[str] = field(default_factory=list)  # key-result-fed indicators' derivation lines


def section_fields(
    spec: TemplateSpec,
    only: set[str] | None = None,
    self_values: dict[str, dict[str, str]] | None = None,
    fed: dict[str, list[str]] | None = None,
) -> list[SectionFields]:
    """The sections in the template's order (those in `only`, when given), each with its
    indicators' field names and, for a self-assessed one, the person's points from
    `self_values` (given only to those who may see them); `fed`: each section's
    key-result-fed indicators as derivation lines (okr.reviews.kr_indicators.fed_lines)."""
    found = []
    for section in spec.sections():
        if only is not None and section["key"] not in only:
            continue
        domain = spec.domain.section(section["key"])
        assert domain is not None
        names = [
            field_name(section["key"], item["key"])
            for item in section["indicators"]
            if not kr_fed(item)
        ]
        own = (self_values or {}).get(section["key"], {}) if self_assessed(section) else {}
        found.append(
            SectionFields(
                section["key"],
                spec.part_label(section["key"]),
                fmt(domain.max_points),
                names,
                {field_name(section["key"], k): v for k, v in own.items()},
                (fed or {}).get(section["key"], []),
            )
        )
    return found


def self_points_context(
    spec: TemplateSpec, appraisal: Appraisal, viewer_id: int, sees: bool
) -> dict[str, Any]:
    """The appraisal page's self-assessed sections: their fields on the person's form, and both
    columns as the viewer may see them (the person's points once submitted, the reviewer's to
    those who see scores)."""
    return {
        "self_fields": section_fields(spec, self_sections(spec)),
        "self_points": side_by_side(
            spec,
            self_values_shown(appraisal, viewer_id),
            (appraisal.indicator_values or {}) if sees else {},
        ),
    }
