"""What fed an appraisal's roll-up parts: appraisal.rollup_sources.

A JSON object, roll-up part key -> the released results read for it (cycle, composite, the
outcome rules that applied, the department rank), {} for every existing appraisal (no template
had roll-up parts until now). Frozen with the appraisal at finalize. Downgrade drops the column.

Revision ID: d7e3a9b5c2f4
Revises: 6e864b66a03f
Create Date: 2026-12-02 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "d7e3a9b5c2f4"
down_revision = "6e864b66a03f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("appraisal", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rollup_sources", sa.JSON(), server_default=sa.text("'{}'"), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("appraisal", schema=None) as batch_op:
        batch_op.drop_column("rollup_sources")
