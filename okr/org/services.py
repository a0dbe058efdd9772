"""Changes to departments and people. Services flush; the request commits."""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import exists, func, select
from werkzeug.security import generate_password_hash

from okr.errors import Invalid, StaleEdit
from okr.extensions import db
from okr.org.models import Department, Person
from okr.org.queries import department_subtree_ids, report_ids
from okr.org.signals import deactivated, password_set


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively, so they are stored trimmed and lower-cased."""
    return email.strip().lower()


def check_version(record: Department | Person, version: int | None) -> None:
    """Refuse an edit made on a copy older than what is stored."""
    if version is not None and record.version != version:
        raise StaleEdit()


# Departments ---------------------------------------------------------------------------


def _check_parent(parent_id: int | None) -> None:
    # The parent select box does not check its choices (they change with the tree).
    if parent_id is not None and db.session.get(Department, parent_id) is None:
        raise Invalid({"parent_id": _("Choose a department.")})


def _check_department_name(name: str, parent_id: int | None, own_id: int | None) -> str:
    name = name.strip()
    if not name:
        raise Invalid({"name": _("Enter a name.")})
    clash = select(Department.id).where(
        func.lower(Department.name) == name.lower(),
        Department.parent_id.is_(None) if parent_id is None else Department.parent_id == parent_id,
    )
    if own_id is not None:
        clash = clash.where(Department.id != own_id)
    if db.session.scalar(clash) is not None:
        raise Invalid({"name": _("A department with this name already exists here.")})
    return name


def create_department(name: str, parent_id: int | None, head_id: int | None = None) -> Department:
    """Add a department under a parent (or at the top of the company)."""
    _check_parent(parent_id)
    department = Department(
        name=_check_department_name(name, parent_id, None), parent_id=parent_id, head_id=head_id
    )
    db.session.add(department)
    db.session.flush()
    return department


def update_department(
    department: Department,
    *,
    name: str,
    parent_id: int | None,
    head_id: int | None,
    version: int | None,
) -> None:
    """Rename or move a department; it can never move under itself or its own children."""
    check_version(department, version)
    _check_parent(parent_id)
    if parent_id is not None and parent_id in department_subtree_ids(department.id):
        raise Invalid({"parent_id": _("A department cannot move under itself or its children.")})
    department.name = _check_department_name(name, parent_id, department.id)
    department.parent_id = parent_id
    department.head_id = head_id
    db.session.flush()


def delete_department(department: Department, version: int | None) -> None:
    """Delete a department only when no department and nobody (even deactivated) is in it."""
    check_version(department, version)
    has_children = db.session.scalar(select(exists().where(Department.parent_id == department.id)))
    has_people = db.session.scalar(select(exists().where(Person.department_id == department.id)))
    if has_children or has_people:
        raise Invalid(
            {
                "_": _(
                    "Only an empty department can be deleted: move its people and sub-departments first."
                )
            }
        )
    db.session.delete(department)
    db.session.flush()


# People --------------------------------------------------------------------------------


@dataclass
class PersonData:
    name: str
    email: str
    position: str
    department_id: int | None
    manager_id: int | None
    is_admin: bool = False


def _validate_person(data: PersonData, own_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("Enter a name.")
    email = normalise_email(data.email)
    clash = select(Person.id).where(Person.email == email)
    if own_id is not None:
        clash = clash.where(Person.id != own_id)
    try:  # the forms check this too, but not every caller is a form (create-admin)
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        errors["email"] = _("Enter an email address.")
    else:
        if db.session.scalar(clash) is not None:
            errors["email"] = _("Another person already uses this email address.")
    if data.department_id is None or db.session.get(Department, data.department_id) is None:
        errors["department_id"] = _("Choose a department.")
    if data.manager_id is not None:
        if own_id is not None and data.manager_id == own_id:
            errors["manager_id"] = _("A person cannot be their own manager.")
        elif own_id is not None and data.manager_id in report_ids(own_id):
            errors["manager_id"] = _(
                "This manager reports to the person already; that would make a loop."
            )
        elif db.session.get(Person, data.manager_id) is None:
            errors["manager_id"] = _("Choose a manager from the list.")
    return errors


def create_person(data: PersonData, password: str | None = None) -> Person:
    """Add a person; without a password they cannot sign in until one is set."""
    errors = _validate_person(data, None)
    if errors:
        raise Invalid(errors)
    person = Person(
        name=data.name.strip(),
        email=normalise_email(data.email),
        position=data.position.strip(),
        department_id=data.department_id,
        manager_id=data.manager_id,
        is_admin=data.is_admin,
    )
    if password:
        set_password(person, password)
    db.session.add(person)
    db.session.flush()
    return person


def update_person(
    person: Person,
    data: PersonData,
    version: int | None,
    password: str | None = None,
) -> None:
    """Change a person's record; a new password signs them out everywhere else (see set_password)."""
    check_version(person, version)
    errors = _validate_person(data, person.id)
    if errors:
        raise Invalid(errors)
    person.name = data.name.strip()
    person.email = normalise_email(data.email)
    person.position = data.position.strip()
    person.department_id = data.department_id  # type: ignore[assignment]
    person.manager_id = data.manager_id
    person.is_admin = data.is_admin
    if password:
        set_password(person, password)
    db.session.flush()


def set_active(person: Person, active: bool, version: int | None, actor: Person) -> None:
    """Deactivated people keep their history but can no longer sign in: every session ends."""
    check_version(person, version)
    if not active and person.id == actor.id:
        raise Invalid({"_": _("You cannot deactivate your own account.")})
    person.active = active
    if not active:
        deactivated.send(person)  # auth ends every session
    db.session.flush()


MIN_PASSWORD_LENGTH = 8


def set_password(person: Person, password: str) -> None:
    """Store a salted hash and end the person's sessions, all but the one changing it (if theirs)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid({"password": _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)})
    person.password_hash = generate_password_hash(password)
    if person.id is not None:  # a new person has no sessions yet
        password_set.send(person)  # auth ends the sessions
