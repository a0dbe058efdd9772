"""Hold key results (at least / at most) say how they score and whether their edge is strict.

``key_result.hold_scoring`` is "pass_fail" (met or not met: 1 or 0) or "proportional" (partial
credit short of the target), NULL for the other kinds; ``key_result.hold_strict`` says the
target itself is not enough ("> 5%" rather than ">= 5%").  New key results score met or not met
by default.  Every existing hold key result scored with partial credit and an inclusive edge, so
it becomes "proportional", not strict: no stored progress, objective progress or appraisal
changes, and frozen appraisal derivations (stored steps) are not touched.  The key results stored
in KR templates (JSON) are carried over the same way, so applying an existing template gives
the key results it gave before.

Downgrade drops the columns and the templates' keys: every hold key result reads as partial
credit again (stored progress stays until its cycle is refreshed).

Revision ID: e5a1c7d3b942
Revises: a6c4e8f20b17
Create Date: 2026-12-03 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "e5a1c7d3b942"
down_revision = "a6c4e8f20b17"
branch_labels = None
depends_on = None

HOLD_KINDS = ("at_least", "at_most")
key_result = sa.table(
    "key_result",
    sa.column("kind", sa.String),
    sa.column("hold_scoring", sa.String),
)
kr_template = sa.table(
    "kr_template",
    sa.column("id", sa.Integer),
    sa.column("key_results", sa.JSON),
)


def _templates(change):
    """Rewrite every KR template's stored key results with `change(item) -> item`."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(kr_template.c.id, kr_template.c.key_results)).all()
    for template_id, items in rows:
        changed = [change(dict(item)) for item in items or []]
        if changed != (items or []):
            conn.execute(
                kr_template.update()
                .where(kr_template.c.id == template_id)
                .values(key_results=changed)
            )


def _as_before(item):
    hold = item.get("kind") in HOLD_KINDS
    return item | {"hold_scoring": "proportional" if hold else None, "hold_strict": False}


def _without_hold_rule(item):
    return {k: v for k, v in item.items() if k not in ("hold_scoring", "hold_strict")}


def upgrade():
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hold_scoring", sa.String(length=12), nullable=True))
        batch_op.add_column(
            sa.Column("hold_strict", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        key_result.update()
        .where(key_result.c.kind.in_(HOLD_KINDS))
        .values(hold_scoring="proportional")
    )
    _templates(_as_before)


def downgrade():
    _templates(_without_hold_rule)
    with op.batch_alter_table("key_result", schema=None) as batch_op:
        batch_op.drop_column("hold_strict")
        batch_op.drop_column("hold_scoring")
