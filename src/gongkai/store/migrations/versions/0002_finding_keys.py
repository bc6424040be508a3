"""finding keys and review history

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 12:45:00

Adds the stable ``key`` of every finding (filled here for the rows already stored) and the ``review_event``
history table.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _fill(table: str, cross: bool) -> None:
    from gongkai.store.rows import finding_keys

    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            f"SELECT f.id, f.parse_id, d.sha256, f.fingerprint FROM {table} f JOIN parse p ON p.id = f.parse_id "
            "JOIN document d ON d.id = p.document_id ORDER BY f.parse_id, f.id"
        )
    ).all()
    by_parse: dict[int, list] = {}
    for r in rows:
        by_parse.setdefault(r.parse_id, []).append(r)
    for group in by_parse.values():
        for r, key in zip(group, finding_keys(cross, group[0].sha256, [r.fingerprint for r in group])):
            conn.execute(sa.text(f"UPDATE {table} SET key = :key WHERE id = :id"), {"key": key, "id": r.id})


def upgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=12), nullable=True))
    with op.batch_alter_table("cross_finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=12), nullable=True))
    _fill("finding", False)
    _fill("cross_finding", True)
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_finding_key", ["parse_id", "key"])
    # cross findings are recomputed by every settle; a stale duplicate cannot block the index
    with op.batch_alter_table("cross_finding", schema=None) as batch_op:
        batch_op.create_index("ix_cross_finding_key", ["key"], unique=True)
    op.create_table(
        "review_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_key", sa.String(length=12), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_event_finding_key"), ["finding_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("review_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_event_finding_key"))
    op.drop_table("review_event")
    with op.batch_alter_table("cross_finding", schema=None) as batch_op:
        batch_op.drop_index("ix_cross_finding_key")
        batch_op.drop_column("key")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_constraint("uq_finding_key", type_="unique")
        batch_op.drop_column("key")
