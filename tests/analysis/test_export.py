"""`gongkai export`: long/wide CSV, XLSX, Parquet, JSON and findings, read back and compared with what was
inserted into a database built here from generated reports (rows inserted with SQLAlchemy Core)."""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from gongkai.analysis.export import LONG_COLUMNS, export_findings, export_reports, wide_columns
from gongkai.analysis.stored import Selection, cell_order
from gongkai.examples.generate import random_spec
from gongkai.store import schema as s

NOW = "2024-05-01T00:00:00Z"
CITY, DISTRICT, OTHER_DISTRICT = "青禾市人民政府", "青禾市桐溪区人民政府", "青禾市望岳区人民政府"
DEPT_A, DEPT_B, STREET = "青禾市桐溪区民政局", "青禾市桐溪区教育局", "青禾市桐溪区杏林街道办事处"
DEPT_D, UNREGISTERED = "青禾市望岳区司法局", "某某县统计局"


@dataclass
class Inserted:
    """What the fixture put into the database, for the tests to compare against."""

    reports: dict[int, dict] = field(default_factory=dict)  # parse id -> metadata
    cells: dict[int, dict[str, tuple]] = field(default_factory=dict)  # parse id -> id -> (raw, meaning, value, inf)
    findings: int = 0
    org_ids: dict[str, int] = field(default_factory=dict)


def _cell_row(parse_id: int, cid: str, v) -> dict:
    if v is None:
        raw, meaning, value = "", "blank", None
    elif v == "n/a":
        raw, meaning, value = "/", "not_applicable", None
    else:
        raw, meaning, value = str(v), ("zero" if v == 0 else "number"), float(v)
    return {
        "parse_id": parse_id,
        "cell_id": cid,
        "raw": raw,
        "meaning": meaning,
        "value": value,
        "inferred_value": None,
        "line": 10,
        "page": 1,
        "position": {"line": 10},
    }


def build_db(conn, seed: int = 7) -> Inserted:
    """A registry (city > two districts > bodies), current/old/error parses of generated reports, findings,
    a cross finding and a review."""
    rng = random.Random(seed)
    out = Inserted()

    def org(name, kind, level=None, parent=None):
        oid = conn.execute(
            s.organization.insert().values(name=name, kind=kind, level=level, parent_id=out.org_ids.get(parent))
        ).inserted_primary_key[0]
        out.org_ids[name] = oid

    org(CITY, "government", "city")
    org(DISTRICT, "government", "district", CITY)
    org(OTHER_DISTRICT, "government", "district", CITY)
    for name, kind, parent in (
        (DEPT_A, "department", DISTRICT),
        (DEPT_B, "department", DISTRICT),
        (STREET, "street", DISTRICT),
        (DEPT_D, "department", OTHER_DISTRICT),
    ):
        org(name, kind, parent=parent)
    conn.execute(s.organization_alias.insert().values(organization_id=out.org_ids[DEPT_A], alias="桐溪区民政局"))

    def report(name, year, fmt="2021", rollup=False, current=True, status="ok", printed=None, values=None):
        spec = random_spec(rng, fmt, year=year)
        values = values if values is not None else spec.values
        sha = f"{rng.getrandbits(256):064x}"
        doc = conn.execute(
            s.document.insert().values(sha256=sha, size=10, content=b"x", first_seen=NOW, media_type="text/plain")
        ).inserted_primary_key[0]
        meta = {
            "document_id": doc,
            "parser_version": "1" if current else "0",
            "is_current": current,
            "parsed_at": NOW,
            "status": status,
            "source": f"/data/{sha[:8]}.txt",
            "format": fmt,
            "year": year,
            "organization_printed": printed or name,
            "organization_id": out.org_ids.get(name),
            "is_rollup": rollup,
            "published": f"{year + 1}-01-15",
        }
        pid = conn.execute(s.parse.insert().values(**meta)).inserted_primary_key[0]
        if status != "ok":
            return pid, values
        rows = [_cell_row(pid, cid, v) for cid, v in values.items()]
        conn.execute(s.cell.insert(), rows)
        f1 = conn.execute(
            s.finding.insert().values(
                parse_id=pid,
                code="IDN-BALANCE",
                category="identity_violation",
                severity="error",
                message="不平衡",
                evidence={
                    "expected": 5,
                    "stated": 4,
                    "difference": -1,
                    "cells": [{"id": "requests.received.total", "raw": "4", "value": 4}],
                },
                fingerprint=f"fp{pid}",
            )
        ).inserted_primary_key[0]
        assert f1
        out.findings += 1
        if current:
            out.reports[pid] = {
                "sha": sha,
                "org": name,
                "printed": printed or name,
                "year": year,
                "format": fmt,
                "rollup": rollup,
                "published": f"{year + 1}-01-15",
            }
            out.cells[pid] = {r["cell_id"]: (r["raw"], r["meaning"], r["value"], r["inferred_value"]) for r in rows}
        return pid, values

    for year in (2022, 2023):
        for name in (DEPT_A, DEPT_B, STREET, DEPT_D):
            report(name, year)
    report(DEPT_A, 2022, current=False)  # superseded parse: never exported
    report(DEPT_B, 2023, status="error")  # failed parse: never exported
    rollup_pid, _ = report(DISTRICT, 2023, rollup=True)
    report(DEPT_A, 2020, fmt="2019")
    unreg_pid, _ = report(None, 2023, printed=UNREGISTERED)
    out.reports[unreg_pid]["org"] = UNREGISTERED

    # a text cell with an inferred value, and a cell only inferred (not printed)
    some = min(p for p, m in out.reports.items() if m["org"] == DEPT_B and m["year"] == 2022)
    conn.execute(
        s.cell.update()
        .where(s.cell.c.parse_id == some, s.cell.c.cell_id == "requests.received.natural_person")
        .values(raw="约3", meaning="text", value=None, inferred_value=3.0)
    )
    out.cells[some]["requests.received.natural_person"] = ("约3", "text", None, 3.0)
    conn.execute(
        s.cell.update()
        .where(s.cell.c.parse_id == some, s.cell.c.cell_id == "requests.total.total")
        .values(raw=None, meaning=None, inferred_value=out.cells[some]["requests.total.total"][2], value=None)
    )
    old = out.cells[some]["requests.total.total"]
    out.cells[some]["requests.total.total"] = (None, None, None, old[2])

    conn.execute(
        s.cross_finding.insert().values(
            parse_id=rollup_pid,
            related_parse_ids=[1, 2],
            code="ROLLUP-MISMATCH",
            category="rollup_mismatch",
            severity="error",
            message="汇总不符",
            evidence={"expected": 10, "stated": 9},
            fingerprint="xfp",
            computed_at=NOW,
        )
    )
    conn.execute(
        s.review.insert().values(
            document_sha256=out.reports[rollup_pid]["sha"],
            fingerprint="xfp",
            decision="confirmed",
            comment="已核实",
            reviewer="王",
            decided_at=NOW,
        )
    )
    return out


def _read_csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _num(text: str):
    return None if text == "" else float(text)


def test_long_csv_has_every_cell_of_current_ok_reports(db, tmp_path):
    engine, ins, _ = db
    out = tmp_path / "cells.csv"
    with engine.connect() as conn:
        summary = export_reports(conn, out)
    rows = _read_csv(out)
    assert list(rows[0]) == [c.name for c in LONG_COLUMNS]
    assert summary.reports == len(ins.reports)
    assert len(rows) == summary.rows == sum(len(c) for c in ins.cells.values())
    for r in rows:
        pid = int(r["parse_id"])
        raw, meaning, value, inferred = ins.cells[pid][r["cell_id"]]
        assert (r["raw"], r["meaning"]) == (raw or "", meaning or "")
        assert _num(r["value"]) == value and _num(r["inferred_value"]) == inferred
        assert _num(r["value_or_inferred"]) == (value if value is not None else inferred)
        meta = ins.reports[pid]
        assert (r["report_key"], r["organization"], int(r["year"]), r["format"]) == (
            meta["sha"],
            meta["org"],
            meta["year"],
            meta["format"],
        )
        assert r["is_rollup"] == ("true" if meta["rollup"] else "false")
    by_id = {(int(r["parse_id"]), r["cell_id"]): r for r in rows}
    any_pid = next(iter(ins.reports))
    hit = by_id[(any_pid, "requests.withheld.state_secret.natural_person")]
    assert (hit["table"], hit["row_label"], hit["column_label"]) == ("requests", "1.属于国家秘密", "自然人")
    hit = by_id[(any_pid, "appeals.litigation_direct.corrected")]
    assert (hit["row_label"], hit["column_label"]) == ("行政诉讼/未经复议直接起诉", "结果纠正")
    # cells of one report come in format order
    ids = [r["cell_id"] for r in rows if int(r["parse_id"]) == any_pid]
    order = cell_order()
    assert ids == sorted(ids, key=order.__getitem__)


def test_wide_csv_one_row_per_report_numbers_only(db, tmp_path):
    engine, ins, _ = db
    out = tmp_path / "wide.csv"
    with engine.connect() as conn:
        export_reports(conn, out, wide=True)
    rows = _read_csv(out)
    assert list(rows[0]) == [c.name for c in wide_columns()]
    assert len(rows) == len(ins.reports)
    for r in rows:
        cells = ins.cells[int(r["parse_id"])]
        for cid in cell_order():
            _raw, _meaning, value, inferred = cells.get(cid, (None, None, None, None))
            assert _num(r[cid]) == (value if value is not None else inferred), cid
    # 2021 ids first, then those only in 2019
    names = list(rows[0])
    assert names.index("proactive.fees.amount") < names.index("proactive.procurement.amount")


def test_selection_by_org_alias_region_year(db, tmp_path):
    engine, ins, _ = db

    def pids(**sel):
        out = tmp_path / "w.csv"
        with engine.connect() as conn:
            export_reports(conn, out, wide=True, selection=Selection(**sel))
        return sorted(int(r["parse_id"]) for r in _read_csv(out))

    def expect(pred):
        return sorted(p for p, m in ins.reports.items() if pred(m))

    assert pids(org=DEPT_A) == expect(lambda m: m["org"] == DEPT_A)
    assert pids(org="桐溪区民政局") == expect(lambda m: m["org"] == DEPT_A)
    assert pids(org=UNREGISTERED) == expect(lambda m: m["org"] == UNREGISTERED)
    assert pids(region=DISTRICT) == expect(lambda m: m["org"] in (DISTRICT, DEPT_A, DEPT_B, STREET))
    assert pids(region=CITY, year=2023) == expect(lambda m: m["org"] != UNREGISTERED and m["year"] == 2023)
    assert pids(year=2021) == []
    from gongkai.errors import NotFound

    with engine.connect() as conn, pytest.raises(NotFound, match="机关名录中没有"):
        export_reports(conn, tmp_path / "x.csv", selection=Selection(region="不存在的区人民政府"))


def test_xlsx_has_long_and_wide_sheets_and_splits(db, tmp_path):
    import openpyxl

    engine, ins, _ = db
    out = tmp_path / "cells.xlsx"
    n_cells = sum(len(c) for c in ins.cells.values())
    per_sheet = 1000
    with engine.connect() as conn:
        export_reports(conn, out, xlsx_max_rows=per_sheet)
    book = openpyxl.load_workbook(out, read_only=True)
    n_parts = -(-n_cells // per_sheet)
    assert book.sheetnames == ["单元格"] + [f"单元格{i}" for i in range(2, n_parts + 1)] + ["宽表"]
    long_rows = []
    for name in book.sheetnames[:-1]:
        rows = list(book[name].iter_rows(values_only=True))
        assert rows[1] == tuple(c.name for c in LONG_COLUMNS)
        assert rows[0][:2] == ("报告标识（SHA-256）", "解析编号")
        assert len(rows) - 2 <= per_sheet
        long_rows += rows[2:]
    assert len(long_rows) == n_cells
    header = [c.name for c in LONG_COLUMNS]
    for row in long_rows:
        r = dict(zip(header, row))
        raw, _meaning, value, inferred = ins.cells[r["parse_id"]][r["cell_id"]]
        assert r["value"] == value and r["inferred_value"] == inferred
        assert (r["raw"] or None) == (raw or None)
    wide = list(book["宽表"].iter_rows(values_only=True))
    assert len(wide) == len(ins.reports) + 2
    whead = wide[1]
    for row in wide[2:]:
        r = dict(zip(whead, row))
        assert r["organization"] == ins.reports[r["parse_id"]]["org"]
        v = ins.cells[r["parse_id"]].get("requests.received.total")
        assert r["requests.received.total"] == (v[2] if v[2] is not None else v[3])


def test_parquet_typed_and_equal(db, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    engine, ins, _ = db
    with engine.connect() as conn:
        export_reports(conn, tmp_path / "c.parquet")
        export_reports(conn, tmp_path / "w.parquet", wide=True)
    t = pq.read_table(tmp_path / "c.parquet")
    assert t.num_rows == sum(len(c) for c in ins.cells.values())
    assert t.schema.field("value").type == pa.float64()
    assert t.schema.field("year").type == pa.int64()
    assert t.schema.field("is_rollup").type == pa.bool_()
    assert t.schema.field("published").type == pa.date32()
    for r in t.to_pylist():
        raw, meaning, value, inferred = ins.cells[r["parse_id"]][r["cell_id"]]
        assert (r["raw"], r["meaning"], r["value"], r["inferred_value"]) == (raw, meaning, value, inferred)
        assert r["published"].isoformat() == ins.reports[r["parse_id"]]["published"]
    w = pq.read_table(tmp_path / "w.parquet")
    assert w.num_rows == len(ins.reports)
    assert w.schema.field("requests.total.total").type == pa.float64()
    assert pq.ParquetFile(tmp_path / "c.parquet").metadata.row_group(0).column(0).compression == "ZSTD"


def test_parquet_without_pyarrow_is_a_dependency_error(db, tmp_path, monkeypatch):
    import builtins

    from gongkai.errors import MissingDependency

    real = builtins.__import__

    def no_pyarrow(name, *a, **k):
        if name.startswith("pyarrow"):
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_pyarrow)
    engine, _, _ = db
    with engine.connect() as conn, pytest.raises(MissingDependency, match=r"gongkai\[parquet\]"):
        export_reports(conn, tmp_path / "c.parquet")


def test_json_reports_with_findings_and_review(db, tmp_path):
    engine, ins, _ = db
    out = tmp_path / "r.json"
    with engine.connect() as conn:
        export_reports(conn, out)
    data = json.loads(out.read_text("utf-8"))
    assert sorted(d["parse_id"] for d in data) == sorted(ins.reports)
    for d in data:
        cells = ins.cells[d["parse_id"]]
        assert set(d["cells"]) == set(cells)
        for cid, c in d["cells"].items():
            raw, meaning, value, inferred = cells[cid]
            assert (c["raw"], c["meaning"], c["value"], c["inferred"]) == (raw, meaning, value, inferred)
        assert [f["code"] for f in d["findings"]] == ["IDN-BALANCE"]
    rollup = next(d for d in data if d["is_rollup"])
    assert rollup["cross_findings"][0]["review"]["decision"] == "confirmed"


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet", "json"])
def test_findings_export_includes_cross_findings_and_review(db, tmp_path, suffix):
    engine, ins, _ = db
    out = tmp_path / f"f.{suffix}"
    with engine.connect() as conn:
        summary = export_findings(conn, out)
    if suffix == "csv":
        rows = _read_csv(out)
    elif suffix == "json":
        rows = json.loads(out.read_text("utf-8"))
    elif suffix == "parquet":
        import pyarrow.parquet as pq

        rows = pq.read_table(out).to_pylist()
    else:
        import openpyxl

        sheet = list(openpyxl.load_workbook(out, read_only=True)["问题"].iter_rows(values_only=True))
        # people's sheet: Chinese header and values; ids in the second header row
        assert sheet[0][sheet[1].index("review_decision")] == "审核状态"
        back = {"跨报告": "cross", "本报告": "report", "已确认": "confirmed", "待复核": None, "是": True}
        rows = [{k: back.get(v, v) for k, v in zip(sheet[1], r)} for r in sheet[2:]]
    assert len(rows) == summary.rows == len(ins.reports) + 1  # one per current report + the cross finding
    cross = [r for r in rows if r["origin"] == "cross"]
    assert len(cross) == 1 and cross[0]["review_decision"] == "confirmed" and cross[0]["review_comment"] == "已核实"
    own = [r for r in rows if r["origin"] == "report"]
    assert all(not r["review_decision"] for r in own)
    assert all(r["cell_ids"] == "requests.received.total" for r in own)
    assert {str(r["expected"]) for r in own} == {"5"}


def test_empty_database_writes_header_only(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'e.db'}")
    s.metadata.create_all(engine)
    with engine.connect() as conn:
        summary = export_reports(conn, tmp_path / "e.csv")
    assert summary.reports == 0
    assert (tmp_path / "e.csv").read_text("utf-8-sig").strip() == ",".join(c.name for c in LONG_COLUMNS)


# ------------------------------------------------------------------------------------------------ command line


def _cli():
    from gongkai.commands.export import export

    return export


def test_cli_export_csv_and_messages(db, tmp_path):
    _engine, ins, url = db
    out = tmp_path / "cli.csv"
    res = CliRunner().invoke(_cli(), ["-o", str(out), "--db", url, "--region", DISTRICT])
    assert res.exit_code == 0, res.output
    assert "已导出" in res.output
    assert {int(r["parse_id"]) for r in _read_csv(out)} == {
        p for p, m in ins.reports.items() if m["org"] in (DISTRICT, DEPT_A, DEPT_B, STREET)
    }
    res = CliRunner().invoke(_cli(), ["-o", str(tmp_path / "f.csv"), "--db", url, "--findings"])
    assert res.exit_code == 0 and "问题" in res.output
    res = CliRunner().invoke(_cli(), ["-o", str(tmp_path / "x.txt"), "--db", url])
    assert res.exit_code == 2 and "E-FORMAT" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(_cli(), ["-o", str(out), "--db", url, "--year", "2009"])
    assert res.exit_code == 0 and "没有数据" in res.output
    res = CliRunner().invoke(_cli(), ["-o", str(out), "--db", str(tmp_path / "missing.db")])
    assert res.exit_code == 2 and "数据库" in res.output


def test_streaming_on_postgresql(store_url, tmp_path):
    """Several server-side cursors at once (cells, findings, cross findings) on one PostgreSQL connection."""
    engine = sa.create_engine(store_url)
    s.metadata.create_all(engine)
    with engine.begin() as conn:
        ins = build_db(conn)
    with engine.connect() as conn:
        export_reports(conn, tmp_path / "r.json")
        summary = export_reports(conn, tmp_path / "c.csv")
    engine.dispose()
    assert len(json.loads((tmp_path / "r.json").read_text("utf-8"))) == len(ins.reports)
    assert summary.rows == sum(len(c) for c in ins.cells.values())


def test_cli_on_postgresql(store_url, tmp_path):
    engine = sa.create_engine(store_url)
    s.metadata.create_all(engine)
    with engine.begin() as conn:
        ins = build_db(conn)
    engine.dispose()
    out = tmp_path / "w.parquet"
    res = CliRunner().invoke(_cli(), ["-o", str(out), "--wide", "--db", store_url])
    assert res.exit_code == 0, res.output
    import pyarrow.parquet as pq

    assert pq.read_table(out).num_rows == len(ins.reports)


def test_long_sheet_split_grows_when_the_count_was_short(tmp_path):
    from gongkai.analysis.export import SplitSheets, XlsxBook

    book = XlsxBook(tmp_path / "s.xlsx")
    cols = LONG_COLUMNS[:2]
    sink = SplitSheets([book.sheet("单元格", cols)], 2, lambda i: book.sheet(f"单元格{i + 1}", cols))
    for i in range(5):
        sink.write((f"k{i}", i))
    book.close()
    import openpyxl

    wb = openpyxl.load_workbook(tmp_path / "s.xlsx", read_only=True)
    assert wb.sheetnames == ["单元格", "单元格2", "单元格3"]
    assert [r[1] for n in wb.sheetnames for r in list(wb[n].iter_rows(values_only=True))[2:]] == [0, 1, 2, 3, 4]
