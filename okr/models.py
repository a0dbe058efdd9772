"""Every model module, imported so that metadata (and migrations) see all tables."""

from okr.auth.models import LoginFailure
from okr.org.models import Company, Department, ImportBatch, Person

__all__ = ["Company", "Department", "ImportBatch", "LoginFailure", "Person"]
