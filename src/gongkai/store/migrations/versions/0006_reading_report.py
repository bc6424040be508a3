"""reading report per parse

Revision ID: 0006
Revises: 0005

Adds ``parse.reading``: how the document was read (reader, tables and how they were found, rows placed and not
placed with reasons, repairs, pages read by OCR, confidence). Parses stored before stay NULL until
`gongkai ingest --reparse` reads them again.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = "0006"
down_revision: Union[str, Sequence[str], None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("parse", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reading", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("parse", schema=None) as batch_op:
        batch_op.drop_column("reading")
