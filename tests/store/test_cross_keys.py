"""Identical cross findings of one report are numbered from the keys already written (the table remembers, not
a dict over every finding): the same keys as counting them in memory, within a batch and across batches."""

from __future__ import annotations

import hashlib

from gongkai import PARSER_VERSION
from gongkai.store import schema as t
from gongkai.store.cross import _keys
from gongkai.store.db import open_store
from gongkai.store.ingest import store_item
from gongkai.store.ingest_worker import IngestItem
from gongkai.store.rows import error_rows, finding_keys


def test_repeated_findings_are_numbered_across_batches(store_url):
    a, b = hashlib.sha256(b"a").hexdigest(), hashlib.sha256(b"b").hexdigest()
    fp1, fp2 = "1" * 40, "2" * 40
    store = open_store(store_url)
    try:
        with store.begin() as conn:
            item = IngestItem(a, 1, b"a", error_rows("a.txt", "E-TEST", "测试"))
            parse_id = store_item(conn, item, path="a.txt", parser_version=PARSER_VERSION)
            first = [(a, fp1), (a, fp1), (b, fp1), (a, fp2), (a, fp1)]
            keys = _keys(conn, first)
            # what numbering by occurrence in memory gives (finding_keys), per report
            assert keys == [
                *finding_keys(True, a, [fp1, fp1]),
                finding_keys(True, b, [fp1])[0],
                finding_keys(True, a, [fp2])[0],
                finding_keys(True, a, [fp1, fp1, fp1])[2],
            ]
            conn.execute(
                t.cross_finding.insert(),
                [
                    {
                        "parse_id": parse_id,
                        "code": "X",
                        "category": "c",
                        "severity": "info",
                        "message": "m",
                        "fingerprint": fp,
                        "key": key,
                        "computed_at": "now",
                    }
                    for (_, fp), key in zip(first, keys)
                ],
            )
            # a later batch continues the count from the table
            assert _keys(conn, [(a, fp1), (b, fp1), (b, fp2)]) == [
                finding_keys(True, a, [fp1] * 4)[3],
                finding_keys(True, b, [fp1, fp1])[1],
                finding_keys(True, b, [fp2])[0],
            ]
    finally:
        store.dispose()
