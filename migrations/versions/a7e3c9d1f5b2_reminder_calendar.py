"""The company's reminder calendar (one row of settings for okr.reminders).

Revision ID: a7e3c9d1f5b2
Revises: c4d2f8a6b1e3
Create Date: 2026-12-02 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import okr.db


# revision identifiers, used by Alembic.
revision = 'a7e3c9d1f5b2'
down_revision = 'c4d2f8a6b1e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reminder_calendar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('due_weekday', sa.Integer(), nullable=False),
    sa.Column('due_time', sa.Time(), nullable=False),
    sa.Column('nudge_weekday', sa.Integer(), nullable=False),
    sa.Column('nudge_time', sa.Time(), nullable=False),
    sa.Column('digest_weekday', sa.Integer(), nullable=False),
    sa.Column('digest_time', sa.Time(), nullable=False),
    sa.Column('quiet_start', sa.Time(), nullable=False),
    sa.Column('quiet_end', sa.Time(), nullable=False),
    sa.Column('review_due_days', sa.Integer(), nullable=False),
    sa.Column('escalate_days', sa.Integer(), nullable=False),
    sa.Column('ack_days', sa.Integer(), nullable=False),
    sa.Column('kinds', sa.JSON(), nullable=False),
    sa.Column('updated_at', okr.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_calendar'))
    )


def downgrade():
    op.drop_table('reminder_calendar')
