"""Collecting reports from government portals: find links (links), fetch politely (net), crawl (crawl)."""
