"""The calibration board pages by composite from the lists' index (PostgreSQL).

ix_appraisal_review_department also includes composite, so the board's page of ids (ordered by
the stored composite) is an index-only scan instead of reading every wide appraisal row of the
review (42 ms at 10,000 people). SQLite has no included columns: its index stays as it was.

Revision ID: b94aa1b6f208
Revises: b7e3d91a4c58
Create Date: 2026-12-02 08:00:00.000000

"""

from alembic import op

revision = "b94aa1b6f208"
down_revision = "b7e3d91a4c58"
branch_labels = None
depends_on = None

BEFORE = ["status", "finalized_at", "released_at", "final_grade", "person_id", "id"]
AFTER = [*BEFORE, "composite"]


def _index(included: list[str]) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_appraisal_review_department", table_name="appraisal")
    op.create_index(
        "ix_appraisal_review_department",
        "appraisal",
        ["review_id", "department_id"],
        unique=False,
        postgresql_include=included,
    )


def upgrade():
    _index(AFTER)


def downgrade():
    _index(BEFORE)
