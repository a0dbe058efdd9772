"""Form pieces every feature uses: versioned forms, exact numbers, select options."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from okr.domain.errors import DomainError
from okr.domain.numbers import parse_decimal
from okr.explain import error_message


def optional_int(value: str | int | None) -> int | None:
    """Coerce a select or hidden value to an id, or None for empty."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class VersionedForm(FlaskForm):
    """Carries the version the form was opened on, so a stale save can be refused."""

    version = HiddenField()

    @property
    def opened_version(self) -> int | None:
        return optional_int(self.version.data)


class ActionForm(VersionedForm):
    """A bare button form (submit, delete, toggle) carrying the CSRF token and the version."""


class DecimalText(StringField):
    """A number typed by a person: "1,234.5", "12.5%" and full-width digits are read exactly."""

    number: Decimal | None = None

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        self.number = None
        if self.data and self.data.strip():
            try:
                self.number = parse_decimal(self.data, allow_percent=True)
            except DomainError as exc:
                self.process_errors.append(error_message(exc))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


def required_number(form: FlaskForm, field: Field) -> None:
    """A DecimalText that must hold a number."""
    if getattr(field, "number", None) is None and not field.errors:
        raise ValidationError(_l("Enter a number."))
