"""Storage: the database of ingested reports (SQLite by default, PostgreSQL for a shared server)."""
