"""Analysis over many stored reports: cross-report checks, statistics."""
