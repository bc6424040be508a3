"""Table reading on small hand-written tables (our own text, official labels)."""

from gongkai.model import Meaning
from gongkai.parsing import parse_text

T2_PIPES = """二、主动公开政府信息情况
第二十条第（一）项 | |||
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
规章 | 0 | 0 | 0 |
行政规范性文件 | 3 | / | 12 |
第二十条第（五）项 | |||
信息内容 | 本年处理决定数量 | ||
行政许可 | 15 | ||
第二十条第（六）项 | |||
信息内容 | 本年处理决定数量 | ||
行政处罚 |  | ||
行政强制 | 约300 | ||
第二十条第（八）项 | |||
信息内容 | 本年收费金额（单位：万元） | ||
行政事业性收费 | 1.25 |
三、收到和处理政府信息公开申请情况
"""


def test_pipe_table_values_meanings_and_positions():
    r = parse_text(T2_PIPES)
    assert r.cells["proactive.normative_documents.made"].value == 3
    assert r.cells["proactive.normative_documents.repealed"].meaning is Meaning.NOT_APPLICABLE
    assert r.cells["proactive.licensing.decisions"].value == 15
    assert r.cells["proactive.penalty.decisions"].meaning is Meaning.BLANK
    assert r.cells["proactive.coercion.decisions"].meaning is Meaning.TEXT
    assert r.cells["proactive.fees.amount"].value == 1.25
    pos = r.cells["proactive.licensing.decisions"].position
    assert pos.line == 8 and r.text.splitlines()[pos.line - 1][pos.column - 1 : pos.column + 1] == "15"


def test_short_row_is_reported_and_never_shifted():
    text = T2_PIPES.replace("规章 | 0 | 0 | 0 |", "规章 | 4 | 5 |")
    r = parse_text(text)
    assert not any(k.startswith("proactive.regulations.") for k in r.cells)
    issue = next(i for i in r.issues if i.code == "row_short")
    assert issue.row == "regulations" and len(issue.cells) == 3


def test_2019_proactive_table_is_recognised():
    text = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年新制作数量 本年新公开数量 对外公开总数量
规章 0 0 0
规范性文件 2 2 9
第二十条第（五）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政许可 40 减3 120
其他对外管理服务事项 0 0 0
第二十条第（六）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政处罚 5 +1 7
行政强制 0 0 0
第二十条第（八）项
信息内容 上一年项目数量 本年增/减
行政事业性收费 2 0
第二十条第（九）项
信息内容 采购项目数量 采购总金额
政府集中采购 3 12.5
三、收到和处理政府信息公开申请情况
"""
    r = parse_text(text)
    assert r.tables["proactive"].variant == "2019"
    assert r.cells["proactive.licensing.items_change"].value == -3
    assert r.cells["proactive.penalty.items_change"].value == 1
    assert r.cells["proactive.procurement.amount"].value == 12.5
    assert r.cells["proactive.normative_documents.total_published"].value == 9


def test_vertical_group_labels_and_wrapped_labels_in_pdf_text():
    rows = "\n".join(
        [
            "一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1",
            "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
            "三、本",
            "年度",
            "办理",
            "结果",
            "（一）予以公开 1 0 0 0 0 0 1",
            "（二）部分公开（区分处理的，只计这",
            "一情形，不计其他情形）",
            "0 0 0 0 0 0 0",
        ]
    )
    r = parse_text(
        "三、收到和处理政府信息公开申请情况\n（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n"
        + rows
    )
    assert r.cells["requests.granted.total"].value == 1
    assert r.cells["requests.partially_granted.natural_person"].value == 0
    assert r.cells["requests.received.natural_person"].value == 1


def test_cut_off_text_keeps_leading_values_and_drops_a_possibly_cut_number():
    text = (
        "三、收到和处理政府信息公开申请情况\n（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\n"
        "一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n"
        "二、上年结转政府信息公开申请数量 | 2 | 0 | 1"
    )
    r = parse_text(text)
    assert r.truncated
    assert r.cells["requests.carried_over.natural_person"].value == 2
    assert r.cells["requests.carried_over.commercial_enterprise"].value == 0
    assert "requests.carried_over.research_institution" not in r.cells  # "1" may be the start of "12"
    assert not any(i.code == "row_short" for i in r.issues)


def _requests_pipe_table(carried_over_row: str) -> str:
    head = (
        "三、收到和处理政府信息公开申请情况\n"
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 | ||||||||\n"
    )
    rows = [
        "一、本年新收政府信息公开申请数量 | 4 | 0 | 0 | 3 | 0 | 5 | 12 | ||",
        carried_over_row,
        "三、本年度办理结果 | （一）予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 | |",
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形） | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ||",
        "（三）不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |",
    ]
    return head + "\n".join(rows) + "\n"


def test_a_row_missing_a_cell_is_not_filled_from_its_filler():
    # every row spans 10 cells; this one has 9: one value was lost, the filler must not stand in for it
    r = parse_text(_requests_pipe_table("二、上年结转政府信息公开申请数量 | 2 | 1 | 1 | 0 | 1 | 5 | ||"))
    assert not any(k.startswith("requests.carried_over.") for k in r.cells)
    assert any(i.code == "row_short" and i.row == "carried_over" for i in r.issues)
    # the rows around it are read as printed, including the row that carries the group label
    assert r.cells["requests.granted.total"].value == 1
    assert r.cells["requests.received.total"].value == 12


def test_a_blank_cell_within_a_full_width_row_is_blank():
    r = parse_text(_requests_pipe_table("二、上年结转政府信息公开申请数量 | 2 | 1 | 1 |  | 1 | 5 | 10 | ||"))
    assert r.cells["requests.carried_over.social_welfare_org"].meaning is Meaning.BLANK
    assert r.cells["requests.carried_over.total"].value == 10
