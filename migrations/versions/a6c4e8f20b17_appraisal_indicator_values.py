"""A scorecard template's indicators (考核指标) are entered on the appraisal: appraisal.indicator_values.

A JSON object, section key -> indicator key -> the exact value entered, {} for every existing
appraisal (their templates have no sections: opening a review with one was refused until now).
Downgrade drops the column.

Revision ID: a6c4e8f20b17
Revises: e3b8c5a1d7f2
Create Date: 2026-12-02 01:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a6c4e8f20b17"
down_revision = "e3b8c5a1d7f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("appraisal", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "indicator_values", sa.JSON(), server_default=sa.text("'{}'"), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("appraisal", schema=None) as batch_op:
        batch_op.drop_column("indicator_values")
