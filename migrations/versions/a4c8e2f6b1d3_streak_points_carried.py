"""streak points carried: a points consequence's act keeps its points and the run's cycles; the
adjustment it carries into the next period names the act (once)

Revision ID: a4c8e2f6b1d3
Revises: a4c9e2f7b813
Create Date: 2026-12-02 17:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import okr.db


# revision identifiers, used by Alembic.
revision = 'a4c8e2f6b1d3'
down_revision = 'a4c9e2f7b813'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('streak_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('points', okr.db.Exact(precision=32, scale=12), nullable=True))
        batch_op.add_column(sa.Column('cycles', sa.JSON(), nullable=True))
    with op.batch_alter_table('adjustment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('streak_action_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_adjustment_streak_action_id'), ['streak_action_id']
        )
        batch_op.create_foreign_key(
            batch_op.f('fk_adjustment_streak_action_id_streak_action'),
            'streak_action',
            ['streak_action_id'],
            ['id'],
            ondelete='CASCADE',
        )


def downgrade():
    with op.batch_alter_table('adjustment', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_adjustment_streak_action_id_streak_action'), type_='foreignkey'
        )
        batch_op.drop_constraint(batch_op.f('uq_adjustment_streak_action_id'), type_='unique')
        batch_op.drop_column('streak_action_id')
    with op.batch_alter_table('streak_action', schema=None) as batch_op:
        batch_op.drop_column('cycles')
        batch_op.drop_column('points')
