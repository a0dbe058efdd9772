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
from okr.domain.numbers import check_range, fmt, parse_decimal
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
    """A number typed by a person: "19,600", "1.5万", "12.5%" and full-width digits are read exactly.

    ``number`` is the value read (None when empty).  ``minimum``/``maximum`` bound the field
    (inclusive); every number is also bounded by what can be stored (okr.domain.numbers).
    A field left out of a posted form is never guessed: ``missing`` is set, a required number
    is refused ("Enter a number.") and an optional one keeps the stored value (``obj=``/``data=``).
    """

    number: Decimal | None = None
    missing: bool = False

    def __init__(
        self,
        label: Any = None,
        validators: Any = None,
        *,
        minimum: Decimal | int | str | None = None,
        maximum: Decimal | int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.minimum = None if minimum is None else Decimal(minimum)
        self.maximum = None if maximum is None else Decimal(maximum)

    def process_data(self, value: Any) -> None:
        """A stored value (a Decimal from ``obj=``, or text from ``data=``) shown as text."""
        self.number = None
        if value is None or value == "":
            self.data = None
        elif isinstance(value, Decimal | int) and not isinstance(value, bool):
            self.number = Decimal(value)
            self.data = fmt(self.number)
        else:
            self.data = str(value)
            try:
                self.number = parse_decimal(self.data, allow_percent=True)
            except DomainError:
                self.number = None  # shown as stored; a save reads what is posted

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.missing = not valuelist
        if self.missing:
            return  # keeps the stored value; required_number refuses a required one
        self.data = str(valuelist[0])
        self.number = None
        if not self.data.strip():
            return
        try:
            self.number = check_range(
                parse_decimal(self.data, allow_percent=True), self.minimum, self.maximum
            )
        except DomainError as exc:
            self.number = None
            self.process_errors.append(error_message(exc))

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


def required_number(form: FlaskForm, field: Field) -> None:
    """A DecimalText that must hold a number typed into this form (left out counts as empty)."""
    empty = getattr(field, "number", None) is None or getattr(field, "missing", False)
    if empty and not field.errors:
        raise ValidationError(_l("Enter a number."))


def strip_text(value: str | None) -> str | None:
    """Pasted addresses often carry spaces; they are not part of the address."""
    return value.strip() if isinstance(value, str) else value
