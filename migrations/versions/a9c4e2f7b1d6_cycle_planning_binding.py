"""A cycle's planning window can be binding: objectives are then created and submitted inside it
(HR still may outside it).

Existing cycles keep their windows as guidance (not binding).

Revision ID: a9c4e2f7b1d6
Revises: b4f2c8e61a37
Create Date: 2026-12-02 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a9c4e2f7b1d6"
down_revision = "b4f2c8e61a37"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cycle") as batch:
        batch.add_column(
            sa.Column("planning_binding", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("cycle") as batch:
        batch.drop_column("planning_binding")
