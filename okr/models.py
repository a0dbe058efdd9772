"""Every model module, imported so that metadata (and migrations) see all tables."""

from okr.auth.models import LoginFailure, LoginSession
from okr.checkins.models import ValueUpload
from okr.cycles.models import Cycle, CycleChange
from okr.files.models import StoredFile
from okr.jobs.models import Job
from okr.kr_templates.models import KRTemplate
from okr.notify.models import Notice
from okr.objectives.models import Adjustment, CheckIn, KeyResult, Objective, ObjectiveChange
from okr.org.models import Company, Department, ImportBatch, Person
from okr.records.models import RecordBatch
from okr.reviews.models import (
    Appraisal,
    CalibrationChange,
    ImprovementItem,
    ImprovementPlan,
    PeerForm,
    Review,
    ReviewTemplate,
)

__all__ = [
    "Adjustment",
    "Appraisal",
    "CalibrationChange",
    "CheckIn",
    "Company",
    "Cycle",
    "CycleChange",
    "Department",
    "ImportBatch",
    "ImprovementItem",
    "ImprovementPlan",
    "Job",
    "KRTemplate",
    "KeyResult",
    "LoginFailure",
    "LoginSession",
    "Notice",
    "Objective",
    "ObjectiveChange",
    "PeerForm",
    "Person",
    "RecordBatch",
    "Review",
    "ReviewTemplate",
    "StoredFile",
    "ValueUpload",
]
