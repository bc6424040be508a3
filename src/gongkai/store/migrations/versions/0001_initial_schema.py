"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 03:04:02.722950

"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("first_seen", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_table(
        "organization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), server_default="other", nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), server_default="registry", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["parent_id"], ["organization.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_organization_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewer", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_sha256", "fingerprint", name="uq_review_finding"),
    )
    op.create_table(
        "document_path",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("seen_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "path", name="uq_document_path"),
    )
    with op.batch_alter_table("document_path", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_path_document_id"), ["document_id"], unique=False)

    op.create_table(
        "organization_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("relation", sa.String(length=20), server_default="alias", nullable=False),
        sa.Column("until_year", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organization_id", "alias", name="uq_alias_per_org"),
    )
    with op.batch_alter_table("organization_alias", schema=None) as batch_op:
        batch_op.create_index("ix_alias_alias", ["alias"], unique=False)
        batch_op.create_index(batch_op.f("ix_organization_alias_organization_id"), ["organization_id"], unique=False)

    op.create_table(
        "parse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("parser_version", sa.String(length=40), nullable=False),
        sa.Column("is_current", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("parsed_at", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error_code", sa.String(length=20), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("format", sa.String(length=10), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("organization_printed", sa.String(length=200), nullable=True),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("organization_match", sa.String(length=20), nullable=True),
        sa.Column("organization_candidates", sa.JSON(), nullable=True),
        sa.Column("is_rollup", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("published", sa.String(length=10), nullable=True),
        sa.Column("truncated", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=True),
        sa.Column("structure", sa.JSON(), nullable=True),
        sa.Column("prose", sa.JSON(), nullable=True),
        sa.Column("error_findings", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["document.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organization.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "parser_version", name="uq_parse_document_version"),
    )
    with op.batch_alter_table("parse", schema=None) as batch_op:
        batch_op.create_index("ix_parse_current", ["is_current", "organization_id", "year"], unique=False)
        batch_op.create_index("ix_parse_document", ["document_id"], unique=False)

    op.create_table(
        "cell",
        sa.Column("parse_id", sa.Integer(), nullable=False),
        sa.Column("cell_id", sa.String(length=80), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("meaning", sa.String(length=20), nullable=True),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=10), nullable=True),
        sa.Column("inferred_value", sa.Float(), nullable=True),
        sa.Column("inferred_rule", sa.String(length=60), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("col", sa.Integer(), nullable=True),
        sa.Column("text_offset", sa.Integer(), nullable=True),
        sa.Column("text_length", sa.Integer(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=True),
        sa.Column("position", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["parse_id"], ["parse.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("parse_id", "cell_id"),
    )
    op.create_table(
        "cross_finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parse_id", sa.Integer(), nullable=False),
        sa.Column("related_parse_ids", sa.JSON(), nullable=True),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.Column("computed_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["parse_id"], ["parse.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cross_finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cross_finding_parse_id"), ["parse_id"], unique=False)

    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("parse_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("assessable", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("fingerprint", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["parse_id"], ["parse.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_parse_id"), ["parse_id"], unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_parse_id"))

    op.drop_table("finding")
    with op.batch_alter_table("cross_finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cross_finding_parse_id"))

    op.drop_table("cross_finding")
    op.drop_table("cell")
    with op.batch_alter_table("parse", schema=None) as batch_op:
        batch_op.drop_index("ix_parse_document")
        batch_op.drop_index("ix_parse_current")

    op.drop_table("parse")
    with op.batch_alter_table("organization_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_alias_organization_id"))
        batch_op.drop_index("ix_alias_alias")

    op.drop_table("organization_alias")
    with op.batch_alter_table("document_path", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_path_document_id"))

    op.drop_table("document_path")
    op.drop_table("review")
    with op.batch_alter_table("organization", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_organization_parent_id"))

    op.drop_table("organization")
    op.drop_table("document")
