"""KR templates: reusable key-result sets for a position."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from okr.extensions import db


class KRTemplate(db.Model):
    """A reusable objective with weighted key results for a position (e.g. SEO专员)."""

    __tablename__ = "kr_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    position: Mapped[str] = mapped_column(String(100), default="")
    objective_title: Mapped[str] = mapped_column(String(300))
    key_results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    built_in: Mapped[bool] = mapped_column(Boolean, default=False)
