"""Record batches are jobs: a batch keeps what was asked and links its job; the runner's columns go.

Each existing batch becomes a finished job with its progress and reason: a done batch is done
(its ZIP stayed on one host's disk and is not carried over: its page offers to start again), a
failed one failed, and one still queued or running lost its runner (the old runner cannot write
to the new schema) and is failed as "worker_lost".

Revision ID: c4a9e2d7f310
Revises: df428ae9d123
Create Date: 2026-12-02 10:00:00.000000

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import okr.db

revision = "c4a9e2d7f310"
down_revision = "df428ae9d123"
branch_labels = None
depends_on = None

KIND = "records.batch"

job = sa.table(
    "job",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("params", sa.JSON),
    sa.column("status", sa.String),
    sa.column("attempts", sa.Integer),
    sa.column("max_attempts", sa.Integer),
    sa.column("done", sa.Integer),
    sa.column("total", sa.Integer),
    sa.column("failure", sa.String),
    sa.column("error", sa.Text),
    sa.column("file_id", sa.Integer),
    sa.column("created_by_id", sa.Integer),
    sa.column("worker", sa.String),
    sa.column("created_at", okr.db.UTCDateTime),
    sa.column("started_at", okr.db.UTCDateTime),
    sa.column("heartbeat_at", okr.db.UTCDateTime),
    sa.column("finished_at", okr.db.UTCDateTime),
)
stored_file = sa.table("stored_file", sa.column("id", sa.Integer))
batch = sa.table(
    "record_batch",
    sa.column("id", sa.Integer),
    sa.column("review_id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("total", sa.Integer),
    sa.column("done", sa.Integer),
    sa.column("failure", sa.String),
    sa.column("error", sa.Text),
    sa.column("path", sa.String),
    sa.column("created_by_id", sa.Integer),
    sa.column("created_at", okr.db.UTCDateTime),
    sa.column("finished_at", okr.db.UTCDateTime),
    sa.column("runner_pid", sa.Integer),
    sa.column("runner_host", sa.String),
    sa.column("heartbeat_at", okr.db.UTCDateTime),
    sa.column("job_id", sa.Integer),
)

RUNNER_COLUMNS = (
    "status",
    "total",
    "done",
    "failure",
    "error",
    "path",
    "finished_at",
    "runner_pid",
    "runner_host",
    "heartbeat_at",
)


def _job_of(row, now):
    """The finished job a batch of the old runner amounts to."""
    worker = f"{row.runner_host}:{row.runner_pid}" if row.runner_pid else None
    values = {
        "kind": KIND,
        "params": {"review_id": row.review_id},
        "attempts": 1 if row.runner_pid or row.status != "queued" else 0,
        "max_attempts": 3,
        "done": row.done,
        "total": row.total,
        "file_id": None,
        "created_by_id": row.created_by_id,
        "worker": worker[:120] if worker else None,
        "created_at": row.created_at,
        "started_at": None,
        "heartbeat_at": row.heartbeat_at,
        "finished_at": row.finished_at or now,
    }
    if row.status == "done":
        return {**values, "status": "done", "failure": None, "error": None}
    if row.status == "failed" and row.failure in ("", "error"):
        return {**values, "status": "failed", "failure": "error", "error": row.error}
    lost = f"the record runner stopped ({row.failure or row.status}) before this upgrade"
    return {**values, "status": "failed", "failure": "worker_lost", "error": lost}


def upgrade():
    with op.batch_alter_table("record_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("job_id", sa.Integer(), nullable=True))

    connection = op.get_bind()
    now = datetime.now(UTC)
    for row in connection.execute(sa.select(batch).order_by(batch.c.id)).all():
        job_id = connection.execute(
            job.insert().values(**_job_of(row, now)).returning(job.c.id)
        ).scalar_one()
        connection.execute(batch.update().where(batch.c.id == row.id).values(job_id=job_id))

    with op.batch_alter_table("record_batch", schema=None) as batch_op:
        batch_op.alter_column("job_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_record_batch_job_id"), ["job_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_record_batch_job_id_job"), "job", ["job_id"], ["id"]
        )
        for name in RUNNER_COLUMNS:
            batch_op.drop_column(name)


def downgrade():
    with op.batch_alter_table("record_batch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=10), nullable=False, server_default="failed")
        )
        batch_op.add_column(sa.Column("total", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("done", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("failure", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("error", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("path", sa.String(length=500), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("finished_at", okr.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("runner_pid", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("runner_host", sa.String(length=255), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("heartbeat_at", okr.db.UTCDateTime(timezone=True), nullable=True)
        )

    # The old runner's ZIPs were files on disk: a batch done as a job is "failed" without one.
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(batch.c.id, job.c.status, job.c.done, job.c.total, job.c.error, job.c.finished_at)
        .join(job, job.c.id == batch.c.job_id)
    ).all()
    for row in rows:
        error = "made by a job; its ZIP is not on this host" if row.status == "done" else row.error
        connection.execute(
            batch.update()
            .where(batch.c.id == row.id)
            .values(
                status="failed",
                failure="error",
                error=(error or "")[-2000:],
                done=row.done,
                total=row.total or 0,
                finished_at=row.finished_at,
            )
        )

    with op.batch_alter_table("record_batch", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_record_batch_job_id_job"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_record_batch_job_id"), type_="unique")
        batch_op.drop_column("job_id")
    files = sa.select(job.c.file_id).where(job.c.kind == KIND, job.c.file_id.is_not(None))
    connection.execute(stored_file.delete().where(stored_file.c.id.in_(files)))
    connection.execute(job.delete().where(job.c.kind == KIND))
