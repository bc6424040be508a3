"""Each parse's stats figures (a narrow table read by stats and the region charts), filled for stored parses

Revision ID: 0008
Revises: 0007
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "0008"
down_revision: Union[str, Sequence[str], None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "stats_figure",
        sa.Column("parse_id", sa.Integer(), nullable=False),
        sa.Column("figure", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(["parse_id"], ["parse.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("parse_id", "figure"),
    )
    # the stored reports' figures, by the same rule ingest uses from now on
    from gongkai.store.figures import fill_missing_figures

    fill_missing_figures(op.get_bind())


def downgrade() -> None:
    op.drop_table("stats_figure")
