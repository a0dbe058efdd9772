"""People, departments and released appraisal results for HR: the admin scope of an HR token.

Read-only; people come from the people page's query (`okr.org.queries.people_query`), results
only once released (`released_at` set), as the people themselves see them.
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy import select

from okr.api.auth import requires
from okr.api.blueprint import ERRORS, errors, org, results
from okr.api.paging import Order, PageArgs, page
from okr.api.schemas import DepartmentPage, PeopleArgs, PersonPage, ResultArgs, ResultPage
from okr.org.models import Department, Person
from okr.org.queries import people_query
from okr.reviews.models import Appraisal


class PeopleQuery(PeopleArgs, PageArgs):
    """Filters and a page."""


class ResultQuery(ResultArgs, PageArgs):
    """A review and a page."""


@org.route("/people")
@requires("admin", hr=True)
@org.arguments(PeopleQuery, location="query")
@org.response(200, PersonPage)
@errors(*ERRORS)
def people(args: dict[str, Any]) -> dict[str, Any]:
    """Everyone, by name; `department`, `q` (name, e-mail, position) and `active` filter."""
    stmt = people_query(current_user, args["q"], include_inactive=True)
    if args["department"] is not None:
        stmt = stmt.where(Person.department_id == args["department"])
    if args["active"] is not None:
        stmt = stmt.where(Person.active.is_(args["active"]))
    rows, cursor = page(stmt, Order(Person.name, Person.id), args, lambda p: (p.name, p.id))
    return {"items": rows, "next_cursor": cursor}


@org.route("/departments")
@requires("admin", hr=True)
@org.arguments(PageArgs, location="query")
@org.response(200, DepartmentPage)
@errors(*ERRORS)
def departments(args: dict[str, Any]) -> dict[str, Any]:
    """Every department, by name."""
    stmt = select(Department)
    order = Order(Department.name, Department.id)
    rows, cursor = page(stmt, order, args, lambda d: (d.name, d.id))
    return {"items": rows, "next_cursor": cursor}


@results.route("/results")
@requires("admin", hr=True)
@results.arguments(ResultQuery, location="query")
@results.response(200, ResultPage)
@errors(*ERRORS)
def released_results(args: dict[str, Any]) -> dict[str, Any]:
    """Released appraisal results (of one `review`, or all), in the order they were made."""
    stmt = select(Appraisal).where(Appraisal.released_at.is_not(None))
    if args["review"] is not None:
        stmt = stmt.where(Appraisal.review_id == args["review"])
    rows, cursor = page(stmt, Order(Appraisal.id, Appraisal.id), args, lambda a: (a.id, a.id))
    return {"items": rows, "next_cursor": cursor}
