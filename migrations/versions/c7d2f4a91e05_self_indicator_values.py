"""A self-assessed scorecard section's own points: appraisal.self_indicator_values.

The person's points per indicator of a section marked ``"self_assessed": true`` (seed 002's
自考核), section key -> indicator key -> the exact value entered, beside the reviewer's in
indicator_values; {} for every existing appraisal (no template had such a section). Downgrade
drops the column.

Revision ID: c7d2f4a91e05
Revises: c4d2e8a6f1b3
Create Date: 2026-12-02 13:10:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "c7d2f4a91e05"
down_revision = "c4d2e8a6f1b3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("appraisal", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "self_indicator_values",
                sa.JSON(),
                server_default=sa.text("'{}'"),
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("appraisal", schema=None) as batch_op:
        batch_op.drop_column("self_indicator_values")
