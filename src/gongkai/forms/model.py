"""The report form: what an agency fills in — who, which year, the texts of sections 一, 五 and 六 (and any
other section), and the table cells by their standard ids — and its YAML/JSON file form.

A form is data, not a document: rendering (:mod:`gongkai.render`) turns it into the standard report, and the
same checks as for a published report run on the result. Values keep their meaning: a number, ``None`` for a
cell left blank, ``"n/a"`` for "/". Where a value came from (typed in, a formula, the register tally, last
year's report) is kept in ``origins`` so a user can see what gongkai filled in.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from gongkai.errors import FormError, os_reason
from gongkai.spec import ReportSpec, Value
from gongkai.standard import get_format
from gongkai.standard.values import NOT_APPLICABLE_MARKS

# section keys of ``ReportForm.texts``: the preamble, then the six sections by number
SECTION_KEYS: tuple[str, ...] = ("preamble", "1", "2", "3", "4", "5", "6")
BODY_KINDS = ("department", "government", "street", "town")
ORIGINS = ("entered", "formula", "tally", "last_year", "rollup")
MAX_FORM_BYTES = 16 * 1024 * 1024  # a YAML/JSON form is a few KB; texts of a long report well under 1 MB
_MAX_VALUE = 10**15  # a cell counts requests or yuan: 16+ digits is a typing or script error (and stays exact)


@dataclass
class ReportForm:
    organization: str
    year: int
    format_id: str = "2021"
    published: date | None = None
    body_kind: str = "department"  # wording of the generated parts (我局/本街道…); see BODY_KINDS
    is_rollup: bool = False  # a government's report that sums its departments
    region: str = ""
    texts: dict[str, list[str]] = field(default_factory=dict)  # SECTION_KEYS → paragraphs
    values: dict[str, Value] = field(default_factory=dict)  # cell id → number | None (blank) | "n/a"
    origins: dict[str, str] = field(default_factory=dict)  # cell id → one of ORIGINS (entered when absent)
    # where a field was read from, for messages: cell id or meta.<field> → "表三!D9" (XLSX forms only)
    places: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def _at(self, key: str) -> str:
        return f"（{self.places[key]}）" if key in self.places else ""

    def validate(self) -> None:
        """Raise :class:`FormError` for anything that cannot be rendered; a broken identity is not an
        error here (the checks report it)."""
        try:
            fmt = get_format(self.format_id)
        except KeyError:
            raise FormError(f"未知的年报格式“{self.format_id}”（应为 2021 或 2019）") from None
        if not self.organization.strip():
            raise FormError(f"未填写机关名称（organization）{self._at('meta.organization')}")
        if not 2008 <= self.year <= 2100:
            raise FormError(f"年度“{self.year}”不合理{self._at('meta.year')}")
        if self.body_kind not in BODY_KINDS:
            raise FormError(
                f"机关类型“{self.body_kind}”无效{self._at('meta.body_kind')}，应为 {'、'.join(BODY_KINDS)} 之一"
            )
        unknown = sorted(set(self.values) - set(fmt.cell_ids))
        if unknown:
            raise FormError(f"表格中有 {len(unknown)} 个未知的单元格编号，例如 {unknown[0]}")
        for cid, v in self.values.items():
            if v is None or v == "n/a":
                continue
            if isinstance(v, float) and not math.isfinite(v):
                raise FormError(f"单元格（{cid}）的值“{v}”不是有限的数字")
            if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) >= _MAX_VALUE:
                # the rendered report would hold a number our own readers refuse (Limits.max_digit_run)
                raise FormError(f"单元格（{cid}）的值“{_shown(v)}”过大")
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                from gongkai.forms.yaml_template import cell_title

                where = f"，{self.places[cid]}" if cid in self.places else ""
                raise FormError(
                    f"单元格“{cell_title(fmt, cid)}”（{cid}{where}）的值“{_shown(v)}”不是数字（空白请留空，不适用请填 /）"
                )
        bad = sorted(set(self.texts) - set(SECTION_KEYS))
        if bad:
            raise FormError(f"未知的正文部分“{bad[0]}”，应为 {'、'.join(SECTION_KEYS)} 之一")

    def to_spec(self) -> ReportSpec:
        """The form as the renderer's input; cells the form does not mention are blank."""
        self.validate()
        fmt = get_format(self.format_id)
        return ReportSpec(
            format_id=self.format_id,
            year=self.year,
            organization=self.organization,
            body_kind=self.body_kind,
            is_rollup=self.is_rollup,
            published=self.published,
            values={cid: self.values.get(cid) for cid in fmt.cell_ids},
            region=self.region,
            texts={k: list(v) for k, v in self.texts.items()},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "organization": self.organization,
            "year": self.year,
            "format": self.format_id,
            "published": self.published.isoformat() if self.published else None,
            "body_kind": self.body_kind,
            "is_rollup": self.is_rollup,
            "region": self.region,
            "texts": self.texts,
            "values": self.values,
            "origins": self.origins,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], source: str = "<memory>") -> "ReportForm":
        if not isinstance(d, dict):
            raise FormError("表单内容应为键值结构（YAML/JSON 对象）", source=source)
        published = _published(d.get("published"), source)
        year = _year(d.get("year"), source)
        texts_in, values_in, origins_in = (_mapping(d, name, source) for name in ("texts", "values", "origins"))
        for k, v in texts_in.items():
            if not (v is None or isinstance(v, (str, list)) and all(isinstance(p, (str, int, float)) for p in v)):
                raise FormError(f"正文（texts）中“{_shown(k)}”应为一段文字或文字列表", source=source)
        try:
            texts = {
                str(k): ([v] if isinstance(v, str) else [str(p) for p in v or []]) for k, v in texts_in.items() if v
            }  # a section left empty is absent
            values = {str(k): form_value(v) for k, v in values_in.items()}
            form = cls(
                organization=str(d.get("organization") or ""),
                year=year,
                format_id=str(d.get("format") or "2021"),
                published=published or None,
                body_kind=str(d.get("body_kind") or "department"),
                is_rollup=bool(d.get("is_rollup")),
                region=str(d.get("region") or ""),
                texts=texts,
                values=values,
                origins={str(k): str(v) for k, v in origins_in.items()},
            )
        except (TypeError, ValueError, OverflowError, AttributeError) as exc:  # not expected after the checks
            raise FormError(f"表单格式错误：有无法识别的值（{type(exc).__name__}）", source=source) from None
        try:
            form.validate()
        except FormError as err:
            raise FormError(err.message, source=source) from None
        return form


def _mapping(d: dict[str, Any], name: str, source: str) -> dict:
    v = d.get(name)
    if v is None or v == "":
        return {}
    if not isinstance(v, dict):
        raise FormError(
            f"“{name}”应为键值结构（编号: 内容），而不是{_KIND_WORDS.get(type(v), '单个值')}", source=source
        )
    return v


_KIND_WORDS = {list: "列表", str: "文字", int: "数字", float: "数字", bool: "真假值"}


def _shown(v: Any, width: int = 40) -> str:
    """A value as it may appear in a message: clipped, and a huge integer never turned into text."""
    if isinstance(v, int) and v.bit_length() > 200:
        return "（过长的数字）"
    text = str(v)
    return text if len(text) <= width else text[:width] + "…"


def _year(v: Any, source: str) -> int:
    """The report year as a whole number (2024, "2024"); 0 when absent, which validate() reports."""
    if v is None or v == "":
        return 0
    if isinstance(v, int) and not isinstance(v, bool):
        if not 0 <= v <= 9999:  # never printed: a huge int cannot even be turned into text
            raise FormError("年度（year）不是有效的年份", source=source)
        return v
    if isinstance(v, float) and math.isfinite(v) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit() and len(v.strip()) <= 4:
        return int(v.strip())
    raise FormError(f"年度（year）“{_shown(v)}”不是有效的年份", source=source)


def _published(v: Any, source: str) -> date | None:
    """The publication date: a YAML date or an ISO text (2025-01-26); anything else names the field."""
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise FormError(f"发布日期（published）“{_shown(v)}”不是有效日期，应写作 2025-01-26 的形式", source=source)


def form_value(v: Any) -> Value:  # also used for XLSX input cells
    """A cell value as written in a form file: numbers, blank (null/""), "/" (and its variants) for n/a."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, str):
        s = v.strip()
        if s in NOT_APPLICABLE_MARKS:  # the marks a printed table uses, so that a form reads as its print would
            return "n/a"
        try:
            return int(s) if s.lstrip("-").isdigit() else float(s)
        except ValueError:
            return s  # kept as typed; validate() reports it
    return v


def load_form(path: str | Path) -> ReportForm:
    """Read a form from YAML (.yaml/.yml) or JSON."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_FORM_BYTES:  # checked before reading: the file is held in memory whole
            raise FormError(f"表单文件过大（{size // 1048576} MB，上限 {MAX_FORM_BYTES // 1048576} MB）", source=str(p))
        text = p.read_text("utf-8-sig")
    except OSError as exc:
        raise FormError(f"无法读取表单文件：{os_reason(exc)}", source=str(p)) from None
    except UnicodeDecodeError:
        raise FormError("表单文件应为 UTF-8 编码的 YAML 或 JSON 文本（Excel 表单请用 .xlsx）", source=str(p)) from None
    if p.suffix.lower() in (".yaml", ".yml"):
        from gongkai.safe_yaml import YamlRefused, load

        try:
            data = load(text)  # depth, size and alias expansion bounded before anything is built
        except YamlRefused as exc:
            raise FormError(str(exc), source=str(p)) from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise FormError(f"JSON 格式错误（第{exc.lineno}行）：{exc.msg}", source=str(p)) from None
        except RecursionError:
            raise FormError("JSON 嵌套层次过深", source=str(p)) from None
        except ValueError:  # json.loads refuses an integer of more than 4,300 digits
            raise FormError("JSON 中有过长的数字", source=str(p)) from None
    return ReportForm.from_dict(data, source=str(p))


def dump_form(form: ReportForm, path: str | Path) -> None:
    """Write a form as YAML (.yaml/.yml) or JSON, cells in the format's order."""
    p = Path(path)
    fmt = get_format(form.format_id)
    d = form.to_dict()
    d["values"] = {cid: form.values[cid] for cid in fmt.cell_ids if cid in form.values}
    if p.suffix.lower() in (".yaml", ".yml"):
        import yaml

        p.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), "utf-8")
    else:
        p.write_text(json.dumps(d, ensure_ascii=False, indent=1), "utf-8")
