"""The sets waiting for approval are found by whose or which department's they are.

Home lists the sets a person may approve. The partial index of submitted objectives was on the
cycle alone, so a manager's home read every submitted objective of the company (about 1,000 at
10,000 people) to keep their 8 reports'; now the index also holds the owner (and, in a second
one, the department), and the manager's home reads only their own.

Revision ID: f2a8c6d4e1b9
Revises: d7e3a9b5c2f4
Create Date: 2026-12-02 17:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "f2a8c6d4e1b9"
down_revision = "d7e3a9b5c2f4"
branch_labels = None
depends_on = None

SUBMITTED = sa.text("status = 'submitted'")


def _submitted(name: str, columns: list[str]) -> None:
    op.create_index(name, "objective", columns, postgresql_where=SUBMITTED, sqlite_where=SUBMITTED)


def upgrade():
    _submitted("ix_objective_submitted_owner", ["cycle_id", "owner_id"])
    _submitted("ix_objective_submitted_department", ["cycle_id", "department_id"])
    op.drop_index("ix_objective_submitted", table_name="objective")


def downgrade():
    _submitted("ix_objective_submitted", ["cycle_id"])
    op.drop_index("ix_objective_submitted_department", table_name="objective")
    op.drop_index("ix_objective_submitted_owner", table_name="objective")
