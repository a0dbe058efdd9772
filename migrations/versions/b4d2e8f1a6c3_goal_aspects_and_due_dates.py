"""Goals with several targets (seed 002): key_result.aspect, due dates, cycle.require_aspects.

key_result: aspect (quantity | quality | time, NULL = untagged), due_on, and the value standing
on the due date (due_value, cached like `current`); objective.due_on; cycle.
require_aspects (false). Every existing row stays untagged, without a due date, and the cycle
rule off, so no figure changes. Downgrade drops the columns.

Revision ID: b4d2e8f1a6c3
Revises: a9c4e2f7b1d6
Create Date: 2026-12-02 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from okr.db import Exact

revision = "b4d2e8f1a6c3"
down_revision = "a9c4e2f7b1d6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("aspect", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("due_value", Exact(precision=32, scale=12), nullable=True))
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("require_aspects", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_column("require_aspects")
    with op.batch_alter_table("objective", schema=None) as batch_op:
        batch_op.drop_column("due_on")
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        for name in ("due_value", "due_on", "aspect"):
            batch_op.drop_column(name)
