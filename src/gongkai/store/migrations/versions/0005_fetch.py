"""fetch provenance: one row per address seen by `gongkai fetch`

Revision ID: 0005
Revises: 0004
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "0005"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "fetch_page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("list_url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.Text(), nullable=True),
        sa.Column("fetched_at", sa.String(length=32), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("media_kind", sa.String(length=20), nullable=True),
        sa.Column("published_printed", sa.String(length=40), nullable=True),
        sa.Column("source_printed", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url", name="uq_fetch_page_url"),
    )
    with op.batch_alter_table("fetch_page", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fetch_page_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fetch_page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fetch_page_sha256"))
    op.drop_table("fetch_page")
