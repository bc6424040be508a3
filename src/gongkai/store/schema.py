"""The database schema: one definition (SQLAlchemy Core) for SQLite and PostgreSQL; Alembic migrations in
``gongkai/store/migrations`` create exactly this (a test compares them).

A stored file is a ``document`` (by content hash, with its bytes and every path it was seen at). Reading it
with a parser version gives a ``parse``: metadata, the matched organization, every ``cell`` and every
``finding``. Re-parsing with a new parser version adds a parse and marks it current; the old one stays as
history. Findings that need several reports (carry-over, roll-ups, duplicates, late publication) are
``cross_finding`` rows, recomputed from the current parses. A ``review`` (confirmed / dismissed) is keyed by
the document's hash and the finding's fingerprint, so it survives re-ingest and re-parse of an unchanged file.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# ------------------------------------------------------------------------------------------- organizations

organization = Table(
    "organization",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),  # full registered name
    # government | department | street | town | other
    Column("kind", String(20), nullable=False, server_default="other"),
    # province | city | district | county for governments; NULL for the bodies under them
    Column("level", String(20)),
    Column("parent_id", Integer, ForeignKey("organization.id", ondelete="SET NULL"), index=True),
    Column("source", String(20), nullable=False, server_default="registry"),  # registry | auto (from a report)
    Column("note", Text),
)

organization_alias = Table(
    "organization_alias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", Integer, ForeignKey("organization.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("alias", String(200), nullable=False),
    Column("relation", String(20), nullable=False, server_default="alias"),  # alias | former | site (a web site)
    Column("until_year", Integer),  # a former name: the last report year it was in use
    UniqueConstraint("organization_id", "alias", name="uq_alias_per_org"),
)
Index("ix_alias_alias", organization_alias.c.alias)

# ------------------------------------------------------------------------------------------------ documents

document = Table(
    "document",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(100)),
    Column("content", LargeBinary, nullable=False),  # the file as given: nothing a user gave us is lost
    Column("first_seen", String(32), nullable=False),  # ISO timestamp (UTC)
    # a person's decision about this report among the versions of its body and year (NULL: none, the rule
    # decides): superseded (by ``superseded_by``, a document sha256) | withdrawn. Nothing is ever deleted.
    Column("decision", String(12)),
    Column("superseded_by", String(64)),
)

document_path = Table(
    "document_path",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("document.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("path", Text, nullable=False),
    Column("seen_at", String(32), nullable=False),
    UniqueConstraint("document_id", "path", name="uq_document_path"),
)

# ------------------------------------------------------------------------------------------------- parses

parse = Table(
    "parse",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("document.id", ondelete="CASCADE"), nullable=False),
    Column("parser_version", String(40), nullable=False),
    Column("is_current", Boolean, nullable=False, server_default="1"),
    Column("parsed_at", String(32), nullable=False),
    Column("status", String(10), nullable=False),  # ok | error
    Column("error_code", String(20)),
    Column("error_message", Text),
    Column("source", Text),  # the path it was read from (for messages)
    Column("text", Text),  # the document text the parser read (pipe form for structured formats)
    Column("format", String(10)),
    Column("year", Integer),
    Column("organization_printed", String(200)),
    Column("organization_id", Integer, ForeignKey("organization.id", ondelete="SET NULL")),
    # exact | alias | former | short | new | ambiguous | unmatched | none
    Column("organization_match", String(20)),
    Column("organization_candidates", JSON),  # ids when ambiguous
    Column("is_rollup", Boolean, nullable=False, server_default="0"),
    Column("published", String(10)),  # ISO date
    Column("truncated", Boolean, nullable=False, server_default="0"),
    Column("pages", Integer),
    Column("media_type", String(100)),
    Column("notes", JSON),
    Column("structure", JSON),  # sections, tables, narrative figures, metadata positions, cut position
    Column("prose", JSON),  # sampled shingle hashes of the prose sections (duplicate-content check)
    Column("error_findings", Integer, nullable=False, server_default="0"),
    # set by store.versions.choose_versions: this parse is its (body, year)'s current version and counts in
    # stats, exports and cross checks (``is_current`` above is about parser versions, not report versions)
    Column("counts", Boolean, nullable=False, server_default="1"),
    Column("version_group", String(64)),  # sha256 of the group's current document (groups versions)
    Column("version_reason", Text),  # why this parse is or is not the current version (shown to users)
    Column("reading", JSON),  # the reading report: reader, tables and how, rows placed, repairs, confidence
    UniqueConstraint("document_id", "parser_version", name="uq_parse_document_version"),
)
Index("ix_parse_current", parse.c.is_current, parse.c.organization_id, parse.c.year)
Index("ix_parse_document", parse.c.document_id)

cell = Table(
    "cell",
    metadata,
    Column("parse_id", Integer, ForeignKey("parse.id", ondelete="CASCADE"), primary_key=True),
    Column("cell_id", String(80), primary_key=True),
    Column("raw", Text),  # NULL: not stated (a value inferred only)
    Column("meaning", String(20)),  # number | zero | blank | not_applicable | text | unreadable; NULL not stated
    Column("value", Float),  # stated numeric value (number/zero only)
    Column("unit", String(10)),
    Column("inferred_value", Float),  # what the identities determine, never overwriting `value`
    Column("inferred_rule", String(60)),
    # where the cell's text is: line/column (1-based) and offset/length in the document text, the page of the
    # original, and the rest of the position (bbox, dom_path, OCR confidence) as JSON when there is any
    Column("line", Integer),
    Column("col", Integer),
    Column("text_offset", Integer),
    Column("text_length", Integer),
    Column("page", Integer),
    Column("position", JSON),
)

finding = Table(
    "finding",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("parse_id", Integer, ForeignKey("parse.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("code", String(40), nullable=False),
    Column("category", String(40), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("assessable", Boolean, nullable=False, server_default="1"),
    Column("message", Text, nullable=False),
    Column("evidence", JSON),
    Column("fingerprint", String(40), nullable=False),
    Column("key", String(12)),  # F-… (store.rows.finding_key); one per finding of a parse
    UniqueConstraint("parse_id", "key", name="uq_finding_key"),
)

cross_finding = Table(
    "cross_finding",
    metadata,
    Column("id", Integer, primary_key=True),
    # the report the finding is about (this year's report, the roll-up, the later duplicate)
    Column("parse_id", Integer, ForeignKey("parse.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("related_parse_ids", JSON),  # the other reports involved
    Column("code", String(40), nullable=False),
    Column("category", String(40), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("message", Text, nullable=False),
    Column("evidence", JSON),
    Column("fingerprint", String(40), nullable=False),
    Column("computed_at", String(32), nullable=False),
    Column("key", String(12)),  # X-… (store.rows.finding_key)
)
Index("ix_cross_finding_key", cross_finding.c.key, unique=True)

review = Table(
    "review",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_sha256", String(64), nullable=False),
    Column("fingerprint", String(40), nullable=False),
    Column("decision", String(12), nullable=False),  # confirmed | dismissed
    Column("comment", Text),
    Column("reviewer", String(100)),
    Column("decided_at", String(32), nullable=False),
    UniqueConstraint("document_sha256", "fingerprint", name="uq_review_finding"),
)

# every decision ever taken on a finding, in order: a later decision never erases an earlier comment
review_event = Table(
    "review_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("finding_key", String(12), nullable=False, index=True),
    Column("document_sha256", String(64), nullable=False),
    Column("fingerprint", String(40), nullable=False),
    Column("decision", String(12), nullable=False),  # confirmed | dismissed | undone
    Column("comment", Text),
    Column("reviewer", String(100)),
    Column("decided_at", String(32), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(32), nullable=False),  # ISO timestamp (UTC)
    Column("by", String(100), nullable=False),  # the OS user or ``--by``
    Column("action", String(20), nullable=False),  # supersede | withdraw | restore
    Column("target", String(64), nullable=False),  # document sha256
    Column("related", String(64)),  # supersede: the sha256 of the report that replaces it
    Column("reason", Text, nullable=False),
)

# ------------------------------------------------------------------------------------------------- fetching

# One row per address `gongkai fetch` found: discovered (status NULL), then fetched, with its provenance; the
# crawl's resumable state. ``sha256`` names the stored document when the bytes were ingested.
fetch_page = Table(
    "fetch_page",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("kind", String(12), nullable=False),  # list | report | attachment
    Column("list_url", Text),  # the page the link was found on
    Column("title", Text),  # link text
    Column("final_url", Text),
    Column("status", Integer),
    Column("headers", Text),  # JSON
    Column("fetched_at", String(32)),
    Column("sha256", String(64), index=True),
    Column("media_kind", String(20)),  # sniffed from the bytes
    Column("published_printed", String(40)),  # the page's printed 发布日期, as printed
    Column("source_printed", String(200)),  # the page's printed 来源
    Column("outcome", String(20)),  # stored | unchanged | skipped | refused | failed
    Column("note", Text),
    UniqueConstraint("url", name="uq_fetch_page_url"),
)

# ------------------------------------------------------------------------------------------- workbench users

web_user = Table(
    "web_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id, never the password
    Column("role", String(20), nullable=False),  # admin | reviewer | uploader | viewer
    Column("region", String(200)),  # an organization name: a reviewer sees only its subtree
    Column("created_at", String(32), nullable=False),
)

# Each parse's stats figures (the cells `gongkai stats` sums), written at ingest by the one rule of
# store.figures.usable_value: the stated value, else the inferred one; blank and "/" 0; NULL not usable (the
# report is incomplete). Stats read this narrow table instead of the whole cell table.
stats_figure = Table(
    "stats_figure",
    metadata,
    Column("parse_id", Integer, ForeignKey("parse.id", ondelete="CASCADE"), primary_key=True),
    Column("figure", String(80), primary_key=True),
    Column("value", Float),
)

# Tokens for scripts calling /api/v1 (`gongkai users token NAME`): only the SHA-256 of the token is kept (the
# token is 32 random bytes, so a fast hash is enough); ``prefix`` is its public part, shown and used to revoke.
api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("web_user.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("prefix", String(16), nullable=False, unique=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", Text),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
)

__all__ = [
    "api_token",
    "audit_log",
    "cell",
    "cross_finding",
    "document",
    "document_path",
    "fetch_page",
    "finding",
    "metadata",
    "organization",
    "organization_alias",
    "parse",
    "review",
    "review_event",
    "stats_figure",
    "web_user",
]
