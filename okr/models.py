"""Every model module, imported so that metadata (and migrations) see all tables."""

from okr.auth.models import LoginFailure
from okr.okrs.models import (
    Adjustment,
    CheckIn,
    Cycle,
    CycleChange,
    KeyResult,
    KRTemplate,
    Objective,
    ObjectiveChange,
)
from okr.org.models import Company, Department, ImportBatch, Person

__all__ = [
    "Adjustment",
    "CheckIn",
    "Company",
    "Cycle",
    "CycleChange",
    "Department",
    "ImportBatch",
    "KRTemplate",
    "KeyResult",
    "LoginFailure",
    "Objective",
    "ObjectiveChange",
    "Person",
]
