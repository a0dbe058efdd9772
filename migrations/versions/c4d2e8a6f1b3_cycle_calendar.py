"""A cycle's calendar: its check-in cadence and its planning and assessment windows.

Existing cycles check in weekly, as before, and have no windows set.

Revision ID: c4d2e8a6f1b3
Revises: bfb74ba3a8a3
Create Date: 2026-12-02 12:55:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "c4d2e8a6f1b3"
down_revision = "bfb74ba3a8a3"
branch_labels = None
depends_on = None

WINDOWS = ("planning_opens", "planning_closes", "assessment_opens", "assessment_closes")


def upgrade():
    with op.batch_alter_table("cycle") as batch:
        batch.add_column(
            sa.Column("checkin_cadence", sa.String(10), nullable=False, server_default="weekly")
        )
        for name in WINDOWS:
            batch.add_column(sa.Column(name, sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("cycle") as batch:
        for name in reversed(WINDOWS):
            batch.drop_column(name)
        batch.drop_column("checkin_cadence")
