"""``gongkai render``: a filled form (YAML/JSON/XLSX) to the standard report (DOCX, HTML, Markdown, PDF), checked.

Exit codes: 0 the report was written (warnings, and errors overridden with --force, are listed); 1 refused
because of error findings (no file written); 2 the form, last year's report or the output could not be
handled (a GongkaiError, printed with its code).
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from gongkai.errors import GongkaiError, os_reason
from gongkai.model import Finding, Severity

from gongkai.commands.support import EXIT_REFUSED, E_REFUSED, E_WRITE, SEVERITY_NAMES, fail, make_console
from gongkai.standard.labels import cell_label

_TARGET_NAMES = {"docx": "Word（.docx）", "html": "网页（HTML）", "md": "Markdown", "pdf": "PDF"}


def load_any_form(path: Path):
    """A form from YAML/JSON (:func:`gongkai.forms.model.load_form`) or from the XLSX fill-in file."""
    from gongkai.forms.model import load_form
    from gongkai.errors import FormError

    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            from gongkai.forms.xlsx_read import read_xlsx_form
        except ImportError:
            raise FormError(
                "此版本无法读取 Excel 表单（缺少 gongkai.forms.xlsx），请改用 YAML 或 JSON 表单", source=str(path)
            ) from None
        return read_xlsx_form(path)
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise FormError(
            f"不支持的表单格式“{path.suffix or path.name}”：请用 .xlsx、.yaml/.yml 或 .json 表单"
            "（gongkai template 生成）",
            source=str(path),
            code="E-FORMAT",
        )
    if not path.is_file():
        raise FormError("表单文件不存在", source=str(path))
    return load_form(path)


def _target(output: Path, to: str | None) -> str:
    """The output format: --to, else the suffix; an unknown suffix is refused (never a DOCX under any name)."""
    from gongkai.produce import SUFFIXES

    if to:
        return to
    target = SUFFIXES.get(output.suffix.lower())
    if target is None:
        fail(
            ("E-FORMAT", f"不支持的输出类型“{output.suffix or output.name}”"),
            f"请用 {'、'.join(SUFFIXES)} 结尾的文件名，或用 --to 指定格式。",
        )
    return target


def _print_findings(console: Console, findings: list[Finding]) -> None:
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    console.print(
        "检查结果：" + "　".join(f"[{style}]{name} {counts[s]}[/]" for s, (name, style) in SEVERITY_NAMES.items())
    )
    for sev, (name, style) in SEVERITY_NAMES.items():
        if sev is Severity.INFO:
            continue  # 提示 (e.g. an identity not assessable over blank cells) would drown the list; counted above
        for f in (f for f in findings if f.severity is sev):
            console.print(f"  [{style}]● {name}[/] [dim]{f.code}[/] {escape(f.message)}")


@click.command("render")
@click.argument("form_path", metavar="表单文件", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="输出文件（如 报告.docx）；格式默认按扩展名确定。",
)
@click.option(
    "--to",
    type=click.Choice(["docx", "html", "md", "pdf"]),
    default=None,
    help="输出格式：docx、html、md（Markdown）或 pdf（需 LibreOffice）。",
)
@click.option("--force", is_flag=True, help="即使检查发现错误（如勾稽关系不成立）也生成报告，并列出这些错误。")
@click.option(
    "--last-year",
    "last_year",
    type=click.Path(path_type=Path),
    default=None,
    help="上一年度的年报（任何可读格式）：空白的“上年结转”按其“结转下年度继续办理”填入，已填的逐列核对。",
)
def render(form_path: Path, output: Path, to: str | None, force: bool, last_year: Path | None) -> None:
    """由填好的表单（YAML、JSON 或 Excel）生成标准格式的年度报告，生成前按读取报告时的同样规则检查。

    有错误级问题时不生成（退出码 1），除非加 --force；警告只列出，不影响生成。"""
    from gongkai.produce import carry_over, check_form, render_form

    console = make_console()
    target = _target(output, to)
    try:
        form = load_any_form(form_path)
        carry_findings: list[Finding] = []
        if last_year is not None:
            from gongkai.pipeline import check_path

            carried = carry_over(form, check_path(last_year))
            form, carry_findings = carried.form, carried.findings
            for cid, v in carried.filled.items():
                console.print(f"[cyan]已按上年报告填入[/] {escape(_label(form.format_id, cid))}：{v}")
        report = check_form(form, source=str(form_path))
        findings = carry_findings + report.findings
        _print_findings(console, findings)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors and not force:
            fail(
                (E_REFUSED, f"未生成报告：检查发现 {len(errors)} 个错误"),
                "请修改表单后重试；如确需按现有内容生成，请加 --force。",
                code=EXIT_REFUSED,
            )
        data = render_form(form, target)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except GongkaiError as exc:
        fail(exc)
    except OSError as exc:
        fail((E_WRITE, f"无法写入 {output}：{os_reason(exc)}"))
    note = f"（已按 --force 忽略 {len(errors)} 个错误）" if errors else ""
    console.print(f"[green]已生成[/] {escape(str(output))}　{_TARGET_NAMES[target]}{note}")


def _label(format_id: str, cid: str) -> str:
    return cell_label(cid, format_id)


__all__ = ["load_any_form", "render"]
