"""report versions: decisions on documents, the counting version of each parse, the audit log

Revision ID: 0003
Revises: 0002
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("superseded_by", sa.String(length=64), nullable=True))
    with op.batch_alter_table("parse", schema=None) as batch_op:
        batch_op.add_column(sa.Column("counts", sa.Boolean(), server_default="1", nullable=False))
        batch_op.add_column(sa.Column("version_group", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("version_reason", sa.Text(), nullable=True))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("related", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    with op.batch_alter_table("parse", schema=None) as batch_op:
        batch_op.drop_column("version_reason")
        batch_op.drop_column("version_group")
        batch_op.drop_column("counts")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_column("superseded_by")
        batch_op.drop_column("decision")
