"""API tokens (hashed) and the stored answers of idempotent API requests.

Revision ID: a7e3d91c5b20
Revises: a7e3c9d1f5b2
Create Date: 2026-12-02 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import okr.db


# revision identifiers, used by Alembic.
revision = 'a7e3d91c5b20'
down_revision = 'a7e3c9d1f5b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('created_at', okr.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', okr.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', okr.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', okr.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['owner_id'], ['person.id'], name=op.f('fk_api_token_owner_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_owner_id'), ['owner_id'], unique=False)

    op.create_table('api_idempotent_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('created_at', okr.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['token_id'], ['api_token.id'], name=op.f('fk_api_idempotent_request_token_id_api_token'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_idempotent_request'))
    )
    with op.batch_alter_table('api_idempotent_request', schema=None) as batch_op:
        batch_op.create_index('ix_api_idempotent_request_created', ['created_at'], unique=False)
        batch_op.create_index('uq_api_idempotent_request_token_key', ['token_id', 'key'], unique=True)


def downgrade():
    with op.batch_alter_table('api_idempotent_request', schema=None) as batch_op:
        batch_op.drop_index('uq_api_idempotent_request_token_key')
        batch_op.drop_index('ix_api_idempotent_request_created')

    op.drop_table('api_idempotent_request')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_owner_id'))

    op.drop_table('api_token')
