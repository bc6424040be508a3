"""gongkai — read, parse and check 政府信息公开工作年度报告."""

__version__ = "0.1.0"

# Bumped whenever reading, parsing or checking gives different results for the same file: a stored report
# parsed by another version is re-parsed by `gongkai ingest --reparse` (the old results stay as history).
PARSER_VERSION = "0.1.0+6"
