"""Paging a query: one page of rows and a count from one aggregate query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from flask import current_app
from sqlalchemy import Select

from okr.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    """One page of a longer list (1-based)."""

    page: int
    pages: int
    total: int
    per_page: int

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paged(stmt: Select, page: int, total: int | None = None) -> tuple[list, Paging]:  # type: ignore[type-arg]
    """Rows of one page of a select and where that page lies: two queries (count and rows), or
    only the rows when the caller has counted them already (`total`, from its own counts)."""
    per_page = current_app.config["PAGE_SIZE"]
    result = db.paginate(
        stmt, page=max(page, 1), per_page=per_page, error_out=False, count=total is None
    )
    total = (result.total or 0) if total is None else total
    return list(result.items), Paging(result.page, max(-(-total // per_page), 1), total, per_page)


def page_of(items: Sequence[T], page: int) -> tuple[list[T], Paging]:
    """One page of a list already in order (ordered in Python: exact decimals SQLite keeps as
    text cannot be sorted in SQL), and where that page lies; a page past the end is the last."""
    per_page = current_app.config["PAGE_SIZE"]
    pages = max(-(-len(items) // per_page), 1)
    number = min(max(page, 1), pages)
    shown = list(items[(number - 1) * per_page : number * per_page])
    return shown, Paging(number, pages, len(items), per_page)
