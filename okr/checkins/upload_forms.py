"""Forms of the values upload: the file, then which of its columns holds what."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField

from okr.checkins.uploads import Columns, guess_columns
from okr.forms import optional_int


class ValueFileForm(FlaskForm):
    file = FileField(
        _l("File"),
        validators=[
            FileRequired(_l("Choose a CSV or Excel file.")),
            FileAllowed(["csv", "xlsx"], _l("Only .csv and .xlsx files can be imported.")),
        ],
    )


class ColumnsForm(FlaskForm):
    """Which column holds the external id, the value and (optionally) confidence and note."""

    key = SelectField(_l("External id column"), coerce=optional_int)
    value = SelectField(_l("Value column"), coerce=optional_int)
    confidence = SelectField(_l("Confidence column"), coerce=optional_int)
    note = SelectField(_l("Note column"), coerce=optional_int)

    def offer(self, header: list[str]) -> None:
        """The header's columns as the choices; unchosen ones as guessed from their names."""
        named = [(i, name or f"#{i + 1}") for i, name in enumerate(header)]
        guessed = guess_columns(header)
        for name in ("key", "value", "confidence", "note"):
            field = getattr(self, name)
            field.choices = named if name in ("key", "value") else [(None, "—"), *named]
            if field.data is None and field.raw_data in (None, []):
                field.data = getattr(guessed, name)

    def columns(self) -> Columns | None:
        """The chosen columns, or None when the key and value are not two columns of the file."""
        key, value = self.key.data, self.value.data
        if key is None or value is None or key == value:
            return None
        return Columns(key, value, self.confidence.data, self.note.data)


class PreviewColumnsForm(ColumnsForm):
    """The same choice sent by GET to see the preview (no write, so no CSRF token)."""

    class Meta:
        csrf = False
