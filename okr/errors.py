"""Errors that services raise and views turn into messages beside form fields."""

from __future__ import annotations


class Invalid(Exception):
    """Input refused by a business rule; `errors` maps field name to a translated message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


class StaleEdit(Exception):
    """Somebody saved the same record since this form was opened."""
