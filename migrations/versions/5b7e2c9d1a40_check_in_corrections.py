"""Check-in corrections: a check-in may supersede the wrong one it corrects, with a reason.

Revision ID: 5b7e2c9d1a40
Revises: b7e2f1c9a4d3
Create Date: 2026-12-01 16:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "5b7e2c9d1a40"
down_revision = "b7e2f1c9a4d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.add_column(sa.Column("corrects_id", sa.Integer(), nullable=True))
        # existing check-ins correct nothing: an empty reason
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=False, server_default=""))
        batch_op.create_unique_constraint(batch_op.f("uq_check_in_corrects_id"), ["corrects_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_check_in_corrects_id_check_in"),
            "check_in",
            ["corrects_id"],
            ["id"],
            ondelete="CASCADE",
        )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.alter_column("reason", server_default=None)


def downgrade():
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_check_in_corrects_id_check_in"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_check_in_corrects_id"), type_="unique")
        batch_op.drop_column("reason")
        batch_op.drop_column("corrects_id")
