"""streak actions: HR records a met template streak rule's consequence as acted on, and undoes it

Revision ID: 6e864b66a03f
Revises: c7d2f4a91e05
Create Date: 2026-12-02 13:48:00.439965

"""
from alembic import op
import sqlalchemy as sa

import okr.db


# revision identifiers, used by Alembic.
revision = '6e864b66a03f'
down_revision = 'c7d2f4a91e05'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('streak_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appraisal_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('streak_key', sa.String(length=80), nullable=False),
    sa.Column('consequence', sa.String(length=40), nullable=False),
    sa.Column('run', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('acted_by_id', sa.Integer(), nullable=False),
    sa.Column('acted_at', okr.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', okr.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['acted_by_id'], ['person.id'], name=op.f('fk_streak_action_acted_by_id_person')),
    sa.ForeignKeyConstraint(['appraisal_id'], ['appraisal.id'], name=op.f('fk_streak_action_appraisal_id_appraisal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_streak_action_person_id_person')),
    sa.ForeignKeyConstraint(['undone_by_id'], ['person.id'], name=op.f('fk_streak_action_undone_by_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_streak_action')),
    sa.UniqueConstraint('appraisal_id', 'streak_key', name=op.f('uq_streak_action_appraisal_id'))
    )
    with op.batch_alter_table('streak_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_streak_action_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('streak_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_streak_action_person_id'))

    op.drop_table('streak_action')
