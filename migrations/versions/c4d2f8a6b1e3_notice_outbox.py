"""The outbox of notices (reminders and digests): one row per message to one recipient.

Revision ID: c4d2f8a6b1e3
Revises: e5a1c7d3b942
Create Date: 2026-12-02 03:54:12.295042

"""
from alembic import op
import sqlalchemy as sa

import okr.db


# revision identifiers, used by Alembic.
revision = 'c4d2f8a6b1e3'
down_revision = 'e5a1c7d3b942'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=240), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('mandatory', sa.Boolean(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('not_before', okr.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', okr.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_at', okr.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', okr.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(person_id IS NULL) <> (department_id IS NULL)', name=op.f('ck_notice_one_recipient')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_notice_department_id_department'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_notice_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    sa.UniqueConstraint('key', name=op.f('uq_notice_key'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_person', ['person_id'], unique=False)
        batch_op.create_index('ix_notice_status_not_before', ['status', 'not_before'], unique=False)



def downgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_status_not_before')
        batch_op.drop_index('ix_notice_person')

    op.drop_table('notice')
