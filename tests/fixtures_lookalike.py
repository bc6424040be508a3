"""Files that look like reports but are not, all written by gongkai's own code: the bundled example texts are
ingested into a throwaway database and exported in every export form, plus an index TSV, a plain CSV, a JSON
list and a README that name the reports and quote their labels."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from gongkai.cli import main
from gongkai.examples.bundled import example_texts


def write_lookalikes(out_dir: Path) -> list[Path]:
    """Write the look-alikes into ``out_dir`` (reports are read from a sibling folder) and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = out_dir.parent / (out_dir.name + "-reports")
    reports.mkdir(parents=True, exist_ok=True)
    texts = example_texts()
    for name, text in texts.items():
        (reports / name).write_text(text, "utf-8")
    db = out_dir.parent / (out_dir.name + ".db")
    runner = CliRunner()
    res = runner.invoke(main, ["ingest", str(reports), "--db", str(db), "--no-progress"])
    assert res.exit_code in (0, 1), res.output  # the bundled defects make findings, not failures
    exports = {
        "cells.csv": [],
        "wide.csv": ["--wide"],
        "findings.csv": ["--findings"],
        "cells.json": [],
        "findings.json": ["--findings"],
        "cells.xlsx": [],
        "findings.xlsx": ["--findings"],
    }
    for name, extra in exports.items():
        res = runner.invoke(main, ["export", "-o", str(out_dir / name), "--db", str(db), *extra])
        assert res.exit_code == 0, res.output
    first = next(iter(texts.values()))
    index_rows = [
        f"{i:03d}\t{name}\t2023\t青禾市桐溪区某局\t2021\t一、总体情况；三、收到和处理政府信息公开申请情况"
        for i, name in enumerate(texts, 1)
    ]
    (out_dir / "INDEX.tsv").write_text("no\tfile\tyear\torg\tformat\tnotes\n" + "\n".join(index_rows) + "\n", "utf-8")
    (out_dir / "list.csv").write_text(
        "文件,年度,本年新收政府信息公开申请数量,本年度办理结果\n" + "\n".join(f"{n},2023,12,12" for n in texts) + "\n",
        "utf-8",
    )
    (out_dir / "reports.json").write_text(
        json.dumps(
            [
                {"file": n, "sections": ["一、总体情况", "二、主动公开政府信息情况"], "text_head": first[:200]}
                for n in texts
            ],
            ensure_ascii=False,
            indent=1,
        ),
        "utf-8",
    )
    (out_dir / "README.md").write_text(
        "# 年度报告样本\n\n本文件夹收集政府信息公开工作年度报告。每份报告应包括：\n\n"
        "- 总体情况\n- 主动公开政府信息情况\n- 收到和处理政府信息公开申请情况\n\n"
        "文件列表见 INDEX.tsv；单元格导出见 cells.csv。\n",
        "utf-8",
    )
    return sorted(p for p in out_dir.iterdir() if p.is_file())
