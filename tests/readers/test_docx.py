"""DOCX reader: grids of merged cells, gridBefore, nested and frame tables, visible text only, hostile files."""

from __future__ import annotations

import io
import random
import zipfile

import pytest

from gongkai.errors import (
    CorruptInput,
    EmptyInput,
    EncryptedInput,
    GongkaiError,
    InputTooLarge,
    UnsupportedFormat,
)
from gongkai.examples.generate import random_spec
from gongkai.pipeline import check_document
from gongkai.readers.assemble import to_document
from gongkai.readers.blocks import Paragraph, Table
from gongkai.readers.docx import DOCX_MEDIA_TYPE, read_docx
from gongkai.readers.limits import Limits
from gongkai.render.docx import render_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
    'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def make_docx(body: str, *, rels: str = RELS, part: str = "word/document.xml") -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", rels)
        z.writestr(
            part,
            f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            f"<w:body>{body}<w:sectPr/></w:body></w:document>",
        )
    return buf.getvalue()


def p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def tc(text: str = "", *, span: int = 1, vmerge: str | None = None, extra: str = "") -> str:
    props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text) if text else '<w:p/>'}{extra}</w:tc>"


def tr(*cells: str, before: int = 0) -> str:
    pr = f'<w:trPr><w:gridBefore w:val="{before}"/></w:trPr>' if before else ""
    return f"<w:tr>{pr}{''.join(cells)}</w:tr>"


def tbl(*rows: str) -> str:
    return f"<w:tbl><w:tblPr/>{''.join(rows)}</w:tbl>"


def grid(table: Table) -> dict[tuple[int, int], tuple[str, int, int]]:
    return {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in table.cells}


def tables(data: bytes) -> list[Table]:
    return [b for b in read_docx(data, "t.docx").blocks if isinstance(b, Table)]


def test_paragraphs_in_order_with_dom_paths() -> None:
    layout = read_docx(make_docx(p("标题") + "<w:p/>" + p("正文")), "t.docx")
    assert layout.media_type == DOCX_MEDIA_TYPE
    assert [(b.text, b.source.dom_path) for b in layout.blocks] == [("标题", "body/p[1]"), ("正文", "body/p[3]")]


def test_merged_cells_appear_once_at_their_origin() -> None:
    body = tbl(
        tr(tc("项目", vmerge="restart"), tc("申请人情况", span=3)),
        tr(tc(vmerge="continue"), tc("自然人"), tc("法人"), tc("总计")),
        tr(tc("三、结果", vmerge="restart"), tc("1"), tc("2"), tc("3")),
        tr(tc(vmerge="continue"), tc("4"), tc("5"), tc("9")),
    )
    (t,) = tables(make_docx(body))
    assert grid(t) == {
        (0, 0): ("项目", 2, 1),
        (0, 1): ("申请人情况", 1, 3),
        (1, 1): ("自然人", 1, 1),
        (1, 2): ("法人", 1, 1),
        (1, 3): ("总计", 1, 1),
        (2, 0): ("三、结果", 2, 1),
        (2, 1): ("1", 1, 1),
        (2, 2): ("2", 1, 1),
        (2, 3): ("3", 1, 1),
        (3, 1): ("4", 1, 1),
        (3, 2): ("5", 1, 1),
        (3, 3): ("9", 1, 1),
    }
    lines = to_document(read_docx(make_docx(body), "t.docx"), "t.docx").text.splitlines()
    assert lines == ["|项目|申请人情况|", "|自然人|法人|总计|", "|三、结果|1|2|3|", "|4|5|9|"]
    assert t.cells[-1].source.dom_path == "body/tbl[1]/tr[4]/tc[4]"


def test_vertical_merge_inside_a_horizontal_span() -> None:
    body = tbl(tr(tc("甲", span=2, vmerge="restart"), tc("1")), tr(tc(span=2, vmerge="continue"), tc("2")))
    (t,) = tables(make_docx(body))
    assert grid(t) == {(0, 0): ("甲", 2, 2), (0, 2): ("1", 1, 1), (1, 2): ("2", 1, 1)}


def test_grid_before_shifts_the_row() -> None:
    body = tbl(tr(tc("a"), tc("b"), tc("c")), tr(tc("x"), tc("y"), before=1))
    (t,) = tables(make_docx(body))
    assert grid(t)[(1, 1)] == ("x", 1, 1) and grid(t)[(1, 2)] == ("y", 1, 1)


def test_nested_table_is_its_own_table() -> None:
    inner = tbl(tr(tc("内1"), tc("内2")))
    body = tbl(tr(tc("外", extra=inner), tc("旁")))
    outer, nested = tables(make_docx(body))
    assert grid(outer) == {(0, 0): ("外", 1, 1), (0, 1): ("旁", 1, 1)}
    assert grid(nested) == {(0, 0): ("内1", 1, 1), (0, 1): ("内2", 1, 1)}
    assert nested.source.dom_path == "body/tbl[1]/tr[1]/tc[1]/tbl[1]"


def test_a_one_column_frame_table_is_unwrapped() -> None:
    body = tbl(tr(f"<w:tc>{p('一、总体情况')}{tbl(tr(tc('a'), tc('b')))}</w:tc>"), tr(tc("二、其他")))
    blocks = read_docx(make_docx(body), "t.docx").blocks
    assert isinstance(blocks[0], Paragraph) and blocks[0].text == "一、总体情况"
    assert blocks[0].source.dom_path == "body/tbl[1]/tr[1]/tc[1]/p[1]"
    assert isinstance(blocks[1], Table) and grid(blocks[1]) == {(0, 0): ("a", 1, 1), (0, 1): ("b", 1, 1)}
    assert blocks[1].source.dom_path == "body/tbl[1]/tr[1]/tc[1]/tbl[1]"
    assert isinstance(blocks[2], Paragraph) and blocks[2].text == "二、其他"


def test_a_whole_report_inside_a_frame_still_parses() -> None:
    spec = random_spec(random.Random(6), "2019", allow_blank=False)
    data = render_docx(spec, random.Random(6))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("word/document.xml").decode()
        parts = {n: z.read(n) for n in z.namelist()}
    head, rest = xml.split("<w:body>", 1)
    inner, tail = rest.rsplit("<w:sectPr", 1)
    parts["word/document.xml"] = (
        f"{head}<w:body><w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl><w:sectPr{tail}".encode()
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in parts.items():
            z.writestr(name, content)
    report = check_document(to_document(read_docx(buf.getvalue(), "f.docx"), "f.docx"))
    gold = report.gold_cells()
    assert all(gold.get(cid) == v for cid, v in spec.values.items())
    assert report.organization == spec.organization


def test_cell_paragraphs_are_lines() -> None:
    body = tbl(tr(f"<w:tc>{p('三、本年度')}{p('办理结果')}</w:tc>", tc("1")))
    (t,) = tables(make_docx(body))
    assert t.cells[0].text == "三、本年度\n办理结果"
    assert to_document(read_docx(make_docx(body), "t"), "t").text.splitlines() == ["|三、本年度办理结果|1|"]


def test_only_visible_text_is_read() -> None:
    body = (
        "<w:p><w:r><w:t>本年</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>新收</w:t></w:r></w:ins>"
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>12</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing/></mc:Choice>'
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
        "<w:r><w:t>件</w:t><w:br/><w:t>次行</w:t></w:r></w:p>"
    )
    (para,) = read_docx(make_docx(body), "t.docx").blocks
    assert para.text == "本年新收12件\n次行"


def test_content_controls_are_read() -> None:
    body = f"<w:sdt><w:sdtPr/><w:sdtContent>{p('控件内文字')}</w:sdtContent></w:sdt>"
    (para,) = read_docx(make_docx(body), "t.docx").blocks
    assert para.text == "控件内文字"


def test_main_part_found_through_relationships() -> None:
    data = make_docx(p("正文"), rels=RELS.replace("word/document.xml", "word/document2.xml"), part="word/document2.xml")
    assert read_docx(data, "t.docx").blocks[0].text == "正文"


def test_rendered_report_reads_fast_and_spans_are_not_repeated() -> None:
    spec = random_spec(random.Random(4), "2021", allow_blank=False)
    layout = read_docx(render_docx(spec, random.Random(4), style="official"), "t.docx")
    requests = [b for b in layout.blocks if isinstance(b, Table)][1]
    texts = [c.text.replace("\n", "") for c in requests.cells]
    assert texts.count("三、本年度办理结果") == 1
    group = next(c for c in requests.cells if c.text.replace("\n", "") == "三、本年度办理结果")
    assert group.rowspan == 22 and group.col == 0
    total_col = max(c.col for c in requests.cells)
    assert requests.n_cols == total_col + 1 == 10


# ---------------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", EmptyInput),
        (b"this is not a zip at all", CorruptInput),
        (b"PK\x03\x04broken", CorruptInput),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, UnsupportedFormat),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512, EncryptedInput),
    ],
)
def test_junk_gives_clear_errors(data: bytes, error: type) -> None:
    with pytest.raises(error) as info:
        read_docx(data, "bad.docx")
    assert info.value.source == "bad.docx" and any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


def test_zip_without_a_document_is_not_a_docx() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFormat, match="Excel"):
        read_docx(buf.getvalue(), "t.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(UnsupportedFormat, match="document.xml"):
        read_docx(buf.getvalue(), "t.docx")


def test_broken_xml_is_corrupt() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document><w:body>")
    with pytest.raises(CorruptInput):
        read_docx(buf.getvalue(), "t.docx")


def test_document_without_text_is_empty() -> None:
    with pytest.raises(EmptyInput):
        read_docx(make_docx("<w:p/>"), "t.docx")


def test_zip_bomb_is_refused() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<" + b"a" * (20 * 1024 * 1024) + b"/>")
    data = buf.getvalue()
    assert len(data) < 100_000
    with pytest.raises(InputTooLarge):
        read_docx(data, "bomb.docx")
    with pytest.raises(InputTooLarge):  # the total size limit alone, with a lenient ratio
        read_docx(data, "bomb.docx", Limits(max_zip_ratio=10**9, max_unzipped_bytes=1024 * 1024))


def test_file_over_the_size_limit() -> None:
    with pytest.raises(InputTooLarge):
        read_docx(make_docx(p("正文")), "t.docx", Limits(max_bytes=100))


def test_damaged_bytes_give_only_gongkai_errors() -> None:
    """Flipped bytes and truncation anywhere in a real DOCX: a layout or a clear error, never a traceback."""
    data = render_docx(random_spec(random.Random(1), "2021"), random.Random(1))
    rng = random.Random(0)
    for _ in range(300):
        damaged = bytearray(data)
        for _ in range(rng.choice((1, 3, 10))):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        if rng.random() < 0.2:
            damaged = damaged[: rng.randrange(len(damaged))]
        try:
            read_docx(bytes(damaged), "damaged.docx")
        except GongkaiError as exc:
            assert exc.code in {"E-CORRUPT", "E-FORMAT", "E-LIMIT", "E-EMPTY"}


def test_hostile_spans_and_nesting_are_bounded() -> None:
    body = tbl(tr(tc("a", span=10**9), tc("b")), tr(tc("c"), before=10**9))
    (t,) = tables(make_docx(body))
    assert t.n_cols <= 128
    deep = p("正文")
    for _ in range(300):
        deep = tbl(tr(f"<w:tc>{deep}</w:tc>", tc("x")))
    with pytest.raises(CorruptInput):
        read_docx(make_docx(deep), "deep.docx")
