"""Every model module, imported so that metadata (and migrations) see all tables."""

from okr.api.models import ApiToken, IdempotentRequest
from okr.auth.models import LoginFailure, LoginSession
from okr.checkins.models import ValueUpload
from okr.cycles.models import Cycle, CycleChange
from okr.files.models import StoredFile
from okr.flags.models import StreakAction
from okr.jobs.models import Job
from okr.kr_templates.models import KRTemplate
from okr.notify.channel_models import Channel, Delivery, NoticePreference
from okr.notify.models import Notice
from okr.objectives.models import Adjustment, CheckIn, KeyResult, Objective, ObjectiveChange
from okr.org.models import Company, Department, ImportBatch, Person
from okr.records.models import RecordBatch
from okr.reminders.models import ReminderCalendar
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
    "ApiToken",
    "Appraisal",
    "CalibrationChange",
    "Channel",
    "CheckIn",
    "Company",
    "Cycle",
    "CycleChange",
    "Delivery",
    "Department",
    "IdempotentRequest",
    "ImportBatch",
    "ImprovementItem",
    "ImprovementPlan",
    "Job",
    "KRTemplate",
    "KeyResult",
    "LoginFailure",
    "LoginSession",
    "Notice",
    "NoticePreference",
    "Objective",
    "ObjectiveChange",
    "PeerForm",
    "Person",
    "RecordBatch",
    "ReminderCalendar",
    "Review",
    "ReviewTemplate",
    "StoredFile",
    "StreakAction",
    "ValueUpload",
]
