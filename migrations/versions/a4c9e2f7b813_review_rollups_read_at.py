"""When a roll-up review last read its earlier cycles: review.rollups_read_at.

Set each time the roll-up sources of the whole review are read (opening, HR's "read the
earlier cycles again", finalize). NULL for every existing review: when an earlier read
happened was not kept, and the page says it is not recorded. Downgrade drops the column.

Revision ID: a4c9e2f7b813
Revises: f2a8c6d4e1b9
Create Date: 2026-12-02 17:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

import okr.db

revision = "a4c9e2f7b813"
down_revision = "f2a8c6d4e1b9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rollups_read_at", okr.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("rollups_read_at")
