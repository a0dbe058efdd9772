"""record batch runner and heartbeat

A batch records the process that produces it (PID and host) and a heartbeat, so a batch whose
process died is shown as failed instead of running forever.

Revision ID: b7e2f1c9a4d3
Revises: 1660f2f3a4e2
Create Date: 2026-12-01 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import okr.db


# revision identifiers, used by Alembic.
revision = 'b7e2f1c9a4d3'
down_revision = '1660f2f3a4e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('record_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failure', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('runner_pid', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('runner_host', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('heartbeat_at', okr.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('record_batch', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('runner_host')
        batch_op.drop_column('runner_pid')
        batch_op.drop_column('failure')
