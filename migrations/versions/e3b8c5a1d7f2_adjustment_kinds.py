"""Bonuses and deductions follow the review template: an adjustment names its kind and count,
and a cycle names its own review template.

* adjustment.kind (the template kind's key; NULL = free-form) and adjustment.count (occurrences,
  1 by default); points stays the row's signed total. Every existing row was free-form points
  with a reason: it becomes kind NULL, count 1, so it scores as before.
* cycle.template_id: the template of the cycle's latest review, else NULL (HR chooses one).
* Stored review templates accepted free-form points before: each gets "free_form": true, so
  the appraisals of the reviews using them keep computing with the same figures. The exception
  is a built-in template that no review uses: `flask review load-templates` refreshes it in
  place from the code, so it gets what the code says (okr-default allows free-form points, the
  other built-in schemes do not). A built-in template in use is never refreshed (load-templates
  retires it and adds a new version), so it keeps free-form points like any other.

Downgrade drops the columns and the "free_form" flags; a row recorded with a kind keeps its
total points and reason, which the earlier code reads as a free-form adjustment. Kinds with a
range (重大差错 -5 to -1) added since have no earlier form and stay as they are.

Revision ID: e3b8c5a1d7f2
Revises: 8b3d5f7a9c21
Create Date: 2026-12-02 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "e3b8c5a1d7f2"
down_revision = "8b3d5f7a9c21"
branch_labels = None
depends_on = None

# The built-in families' free_form as their code says at this revision (okr/schemes/builtin.py).
BUILT_IN_FREE_FORM = {
    "okr-default": True,
    "marketing-specialist": False,
    "marketing-dept-120": False,
    "community-ops": False,
}

cycle = sa.table("cycle", sa.column("id", sa.Integer), sa.column("template_id", sa.Integer))
review = sa.table(
    "review",
    sa.column("id", sa.Integer),
    sa.column("cycle_id", sa.Integer),
    sa.column("template_id", sa.Integer),
)
review_template = sa.table(
    "review_template",
    sa.column("id", sa.Integer),
    sa.column("family", sa.String),
    sa.column("built_in", sa.Boolean),
    sa.column("spec", sa.JSON),
)


def _free_form(row, used: set[int]) -> bool:
    """What a stored template says about free-form adjustments after this revision."""
    if row.built_in and row.id not in used and row.family in BUILT_IN_FREE_FORM:
        return BUILT_IN_FREE_FORM[row.family]
    return True


def _set_specs(connection, change) -> None:
    """Rewrite every stored template's `adjustments` with `change(row, adjustments)`."""
    for row in connection.execute(sa.select(review_template)).all():
        spec = dict(row.spec or {})
        spec["adjustments"] = change(row, dict(spec.get("adjustments") or {}))
        connection.execute(
            review_template.update().where(review_template.c.id == row.id).values(spec=spec)
        )


def upgrade():
    with op.batch_alter_table("adjustment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("count", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cycle_template_id_review_template"),
            "review_template",
            ["template_id"],
            ["id"],
        )

    connection = op.get_bind()
    latest = (
        sa.select(review.c.template_id)
        .where(review.c.cycle_id == cycle.c.id)
        .order_by(review.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    connection.execute(cycle.update().values(template_id=latest))
    used = set(connection.scalars(sa.select(review.c.template_id).distinct()))
    _set_specs(
        connection, lambda row, adjustments: {**adjustments, "free_form": _free_form(row, used)}
    )


def downgrade():
    connection = op.get_bind()
    _set_specs(
        connection,
        lambda _row, adjustments: {k: v for k, v in adjustments.items() if k != "free_form"},
    )
    with op.batch_alter_table("cycle", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cycle_template_id_review_template"), type_="foreignkey"
        )
        batch_op.drop_column("template_id")
    with op.batch_alter_table("adjustment", schema=None) as batch_op:
        batch_op.drop_column("count")
        batch_op.drop_column("kind")
