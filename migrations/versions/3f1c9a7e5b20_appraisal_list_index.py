"""The lists over a review read from an index that includes what they filter on (PostgreSQL).

ix_appraisal_review_department (review_id, department_id) gains the included columns status,
finalized_at, released_at, final_grade, person_id and id, so the dashboard's and the ranking
lists' counts and pages are index-only scans instead of reading every wide appraisal row.
SQLite has no included columns: its index stays as it was.

Revision ID: 3f1c9a7e5b20
Revises: c4a9e2d7f310
Create Date: 2026-12-01 20:00:00.000000

"""

from alembic import op

revision = "3f1c9a7e5b20"
down_revision = "c4a9e2d7f310"
branch_labels = None
depends_on = None

INCLUDED = ["status", "finalized_at", "released_at", "final_grade", "person_id", "id"]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_appraisal_review_department", table_name="appraisal")
    op.create_index(
        "ix_appraisal_review_department",
        "appraisal",
        ["review_id", "department_id"],
        unique=False,
        postgresql_include=INCLUDED,
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_appraisal_review_department", table_name="appraisal")
    op.create_index(
        "ix_appraisal_review_department", "appraisal", ["review_id", "department_id"], unique=False
    )
