"""The sets waiting for approval read from a partial index of the submitted objectives, and a
cycle's objectives of one level (the company's) from an index on both.

Home counts and lists the sets a person may approve; among 53,000 objectives of 10,000 people
fewer than a thousand are submitted, and without this index each of its queries read them all.
The company OKRs page read every objective of the cycle to find its three company ones.

Revision ID: 8b3d5f7a9c21
Revises: 3f1c9a7e5b20
Create Date: 2026-12-01 22:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "8b3d5f7a9c21"
down_revision = "3f1c9a7e5b20"
branch_labels = None
depends_on = None

SUBMITTED = sa.text("status = 'submitted'")


def upgrade():
    op.create_index("ix_objective_cycle_level", "objective", ["cycle_id", "level"], unique=False)
    op.create_index(
        "ix_objective_submitted",
        "objective",
        ["cycle_id"],
        unique=False,
        postgresql_where=SUBMITTED,
        sqlite_where=SUBMITTED,
    )


def downgrade():
    op.drop_index("ix_objective_submitted", table_name="objective")
    op.drop_index("ix_objective_cycle_level", table_name="objective")
