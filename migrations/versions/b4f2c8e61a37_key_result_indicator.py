"""The scorecard indicator a key result feeds: key_result.indicator.

"section.indicator" of a key-result-fed indicator of the review template, or NULL (every
existing key result: no template had key-result-fed indicators until now). Downgrade drops
the column.

Revision ID: b4f2c8e61a37
Revises: a4c8e2f6b1d3
Create Date: 2026-12-02 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "b4f2c8e61a37"
down_revision = "a4c8e2f6b1d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("indicator", sa.String(length=120), nullable=True))


def downgrade():
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.drop_column("indicator")
