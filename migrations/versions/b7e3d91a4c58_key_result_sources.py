"""Where a key result's numbers come from, and how each check-in came in.

``key_result.source`` is "manual" (typed in), "api" or "upload"; ``key_result.source_key`` is
the external id a data pipeline knows (e.g. ``baidu:visits:seo-team``), unique when set.
``value_upload`` keeps an uploaded file of values between its preview and confirmation.
``check_in.origin`` is "form", "api" or "upload" and ``check_in.origin_ref`` names the token or
file a pushed value came from.  Every existing key result is manual and every existing
check-in came from the form, so nothing stored changes meaning.

Downgrade drops the columns (the values pushed by the API or an upload stay, unmarked).

Revision ID: b7e3d91a4c58
Revises: b9d4e2f6a813
Create Date: 2026-12-02 04:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

import okr.db

revision = "b7e3d91a4c58"
down_revision = "b9d4e2f6a813"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sa.String(length=12), server_default="manual", nullable=False)
        )
        batch_op.add_column(sa.Column("source_key", sa.String(length=120), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_key_result_source_key"), ["source_key"])
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=12), server_default="form", nullable=False)
        )
        batch_op.add_column(sa.Column("origin_ref", sa.Text(), nullable=True))
    op.create_table(
        "value_upload",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("header", sa.JSON(), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", okr.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("applied_at", okr.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_rows", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["person.id"],
            name=op.f("fk_value_upload_created_by_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_value_upload")),
    )
    with op.batch_alter_table("value_upload", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_value_upload_created_by_id"), ["created_by_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("value_upload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_value_upload_created_by_id"))
    op.drop_table("value_upload")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_column("origin_ref")
        batch_op.drop_column("origin")
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_key_result_source_key"), type_="unique")
        batch_op.drop_column("source_key")
        batch_op.drop_column("source")
