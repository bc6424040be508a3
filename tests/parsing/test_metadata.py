"""Metadata extraction: organization, year reported on, roll-up flag, publication date.

(a) table-driven tests on short hand-written texts; (b) the gold comparison over the real reports in
../shared (skipped with a message when ../shared is absent).
"""

from __future__ import annotations

import pytest

from tests.conftest import SHARED, load_gold, shared_dir
from gongkai.document import Document
from gongkai.parsing.metadata import Metadata, extract_metadata


def meta(text: str, first_section_line: int | None = None) -> Metadata:
    return extract_metadata(Document.from_text(text), first_section_line)


# --------------------------------------------------------------------------------------------------
# (a) organization and year on short texts

ORG_YEAR_CASES = [
    pytest.param(
        "武当路街办2024年政府信息公开工作年度报告\n一、总体情况\n2024年,我街办严格按照《条例》要求开展工作。\n二、主动公开政府信息情况\n",
        "武当路街办",
        2024,
        id="title-org-before-year",
    ),
    pytest.param(
        "九原区政务服务局\n2022年政府信息公开工作年度报告\n一、总体情况\n2022年,我局全面落实上级要求。\n",
        "九原区政务服务局",
        2022,
        id="title-split-over-two-lines",
    ),
    pytest.param(
        "武昌区社会管理网格化服务中心\n\n政府信息公开工作年度报告\n\n一、总体情况\n\n2023 年，区网格化中心在区委的领导下开展工作。\n",
        "武昌区社会管理网格化服务中心",
        2023,
        id="title-split-no-year-spaced-digits",
    ),
    pytest.param(
        "2025年度长春新区管委会政府信息公开工作年度报告\n一、总体情况\n2025年,本单位严格遵循《条例》。\n",
        "长春新区管委会",
        2025,
        id="title-org-after-year",
    ),
    pytest.param(
        "某某区财政局关于2023年度政府信息公开工作的报告\n一、总体情况\n",
        "某某区财政局",
        2023,
        id="title-org-guanyu-year",
    ),
    pytest.param(
        "二〇二三年度某某县统计局政府信息公开工作年度报告\n一、总体情况\n本年度,我局认真落实。\n",
        "某某县统计局",
        2023,
        id="title-chinese-numeral-year",
    ),
    pytest.param(
        "根据《中华人民共和国政府信息公开条例》规定,现公布区统计局2023年政府信息公开工作年度报告。\n"
        "一、总体情况\n2023年,我局认真梳理,主动公开信息50条。\n",
        "区统计局",
        2023,
        id="preamble-xian-gongbu",
    ),
    pytest.param(
        "按照要求,结合工作实际,编制《西安市临潼区相桥街道办事处2022年政府信息公开工作年度报告》。\n一、总体情况\n",
        "西安市临潼区相桥街道办事处",
        2022,
        id="preamble-book-title",
    ),
    pytest.param(
        "一、总体情况\n2024年,区财政局严格按照《中华人民共和国政府信息公开条例》的规定开展工作。\n二、主动公开政府信息情况\n",
        "区财政局",
        2024,
        id="subject-after-year",
    ),
    pytest.param(
        "关于2022年度政府信息公开情况的报告\n一、总体情况\n2022年,二道区房屋征收工作管理办公室认真贯彻落实《条例》。\n",
        "二道区房屋征收工作管理办公室",
        2022,
        id="title-without-org-then-subject",
    ),
    pytest.param(
        "一、总体情况\n2023年,在区委、区政府的坚强领导下,官洲街道办事处认真贯彻落实《条例》。\n",
        "官洲街道办事处",
        2023,
        id="subject-after-leadership-phrase",
    ),
    pytest.param(
        "一、总体情况\n今年以来,荣昌区林业局认真贯彻落实区委、区政府的部署。报告中所列数据的统计期限自2019年1月1日至2019年12月31日止。\n",
        "荣昌区林业局",
        2019,
        id="subject-after-jinnian-yilai",
    ),
    pytest.param(
        "欢迎访问某某旗人民政府!\n登录 注册\n当前页面:\n首页\n> 政务公开\n"
        "科左后旗卫生健康委员会2022年度政府信息公开工作年度报告\n发布时间:2023-01-19 16:40\n一、总体情况\n",
        "科左后旗卫生健康委员会",
        2022,
        id="chrome-before-title",
    ),
    pytest.param(
        "武当路街办2024年政府信息公开工作年度报告\n索引号\n主题分类\n发文日期\n发布机构\n文号\n一、总体情况\n",
        "武当路街办",
        2024,
        id="empty-metadata-block",
    ),
    pytest.param(
        "一、总体情况\n(一)主动公开\n2025年,区城市运行管理中心在区委、区政府的坚强领导下开展工作。\n"
        "(二)依申请公开\n2025年,武昌区城市运行管理中心未收到依申请公开事项。\n二、主动公开政府信息情况\n",
        "武昌区城市运行管理中心",
        2025,
        id="subject-extended-by-place-name",
    ),
    pytest.param(
        "仙庵镇2023年度政府信息公开工作年度报告\n如有疑问,请与惠来县仙庵镇人民政府党政综合办公室联系。\n一、总体情况\n",
        "惠来县仙庵镇人民政府",
        2023,
        id="title-extended-by-contact-line",
    ),
    pytest.param(
        "一、工作基本情况\n本报告由两城镇人民政府党政办公室编制。本报告中所列数据的统计期限为2020年1月1日至2020年12月31日。\n",
        "两城镇人民政府",
        2020,
        id="compiler-internal-office-stripped",
    ),
    pytest.param(
        "一、总体情况\n2024年,硚口区人民政府坚持以人民为中心。本报告电子版可在武汉市硚口区人民政府门户网站查阅。\n",
        "硚口区人民政府",
        2024,
        id="website-name-is-not-the-body",
    ),
    pytest.param(
        "一、总体情况\n2022年,我局通过示范区管委会网站公开信息20条。\n2022年,未收到依申请公开事项。\n二、主动公开政府信息情况\n",
        None,
        2022,
        id="only-wo-ju-gives-no-org",
    ),
    pytest.param(
        "一、总体情况\n2025年度,全局未发生信息安全事件。按照区政府办公室的要求整改。\n",
        None,
        2025,
        id="quan-ju-is-not-a-name",
    ),
    pytest.param(
        "一、总体情况\n一年来,在领导小组的正确指导下,我局全面贯彻政府信息公开的相关文件精神。\n",
        None,
        None,
        id="no-year-no-org",
    ),
    pytest.param(
        "一、总体情况\n本年度我局围绕中心工作开展公开。截止2023年12月31日我局发布信息34条。\n",
        None,
        2023,
        id="year-from-jiezhi",
    ),
    pytest.param(
        "本报告所列数据的统计期限为2024年1月1日至2024年12月31日。\n一、总体情况\n2023年底以来,我局持续推进。\n",
        None,
        2024,
        id="year-from-statistical-period",
    ),
    pytest.param(
        "一、总体情况\n2025年,我局公开信息41条,其中《2024年部门决算》《2024年度工作总结》各1条。"
        "2024年决算已公开,2026年将继续推进。2025年共收到申请0件。\n",
        None,
        2025,
        id="year-most-frequent-ignoring-book-titles",
    ),
    pytest.param(
        "一、总体情况\n上年度报告已于2024年在网站发布。2023年,我局主动公开信息12条。\n",
        None,
        2023,
        id="year-after-yu-is-not-the-report-year",
    ),
    pytest.param(
        "一、总体情况\n按照县政务公开办关于2021年度政府信息公开的工作要求,我局统计如下:\n"
        "我局2020年公开行政许可33项,2021年新增公开行政许可0项。\n",
        None,
        2021,
        id="year-after-guanyu-counts-tie-earliest",
    ),
    pytest.param(
        "一、总体情况\n本报告于2024年1月20日印发。2023年,我局共公开信息12条。\n",
        None,
        2023,
        id="calendar-date-is-not-the-report-year",
    ),
    pytest.param(
        "一、总体情况\n2024年1月至12月,我局公开信息12条。本报告于2025年1月20日发布。\n",
        None,
        2024,
        id="month-range-is-a-period-not-a-date",
    ),
]


@pytest.mark.parametrize(("text", "organization", "year"), ORG_YEAR_CASES)
def test_organization_and_year(text: str, organization: str | None, year: int | None) -> None:
    m = meta(text)
    assert (m.organization, m.year) == (organization, year)


def test_year_outside_plausible_range_is_ignored() -> None:
    assert meta("一、总体情况\n1998年以来,我局持续推进;2099年规划。\n").year is None


def test_first_section_line_is_honoured() -> None:
    text = "某某区财政局2023年政府信息公开工作年度报告\n总体情况\n2023年,我局共公开信息。\n"
    assert meta(text, first_section_line=2).organization == "某某区财政局"


# --------------------------------------------------------------------------------------------------
# roll-up wording

ROLLUP_CASES = [
    pytest.param(
        "根据《条例》规定,综合硚口区政府各部门政府信息公开情况,编制本报告。\n一、总体情况\n", True, id="zonghe-ge-bumen"
    ),
    pytest.param("某某区2023年全区政府信息公开工作年度报告\n一、总体情况\n", True, id="quanqu-title"),
    pytest.param("本报告汇总全区各部门、各街道政府信息公开情况编制。\n一、总体情况\n", True, id="huizong"),
    pytest.param(
        "武当路街办2024年政府信息公开工作年度报告\n一、总体情况\n2024年,我街办严格按照要求。\n", False, id="single-body"
    ),
]


@pytest.mark.parametrize(("text", "expected"), ROLLUP_CASES)
def test_rollup(text: str, expected: bool) -> None:
    assert meta(text).is_rollup is expected


# --------------------------------------------------------------------------------------------------
# publication dates

PUBLISHED_CASES = [
    pytest.param(
        "某局2021年政府信息公开工作年度报告\n发布时间:2022年01月30日 15:52\n一、总体情况\n",
        "2022-01-30",
        id="fabu-shijian-cn",
    ),
    pytest.param(
        "某局2020年度政府信息公开工作年度报告\n发布日期:2021-01-28 浏览次数:\n一、总体情况\n",
        "2021-01-28",
        id="fabu-riqi-iso",
    ),
    pytest.param(
        "某局2023年政府信息公开工作年度报告\n成文日期：2024/1/5\n一、总体情况\n", "2024-01-05", id="chengwen-riqi-slash"
    ),
    pytest.param(
        "某局2022年度政府信息公开工作年度报告\n发布时间:\n\n2023-01-19 16:40\n一、总体情况\n",
        "2023-01-19",
        id="label-and-date-on-separate-lines",
    ),
    pytest.param(
        "一、总体情况\n2023年,我局公开信息。\n六、其他需要报告的事项\n无。\n\n某某县某某局\n2024年1月20日\n",
        "2024-01-20",
        id="signature-date",
    ),
    pytest.param(
        "一、总体情况\n2023年,我局公开信息。\n六、其他需要报告的事项\n无。\n某某县某某局\n二〇二四年一月二十日\n",
        "2024-01-20",
        id="signature-date-chinese",
    ),
    pytest.param(
        "某镇2023年政府信息公开年度报告\n(2024年3 月 26日)\n一、总体情况\n", "2024-03-26", id="date-under-title"
    ),
    pytest.param(
        "某局2024年政府信息公开工作年度报告\n索引号\n发文日期\n发布机构\n一、总体情况\n2024年,我局公开信息。\n",
        None,
        id="empty-date-field",
    ),
    pytest.param("某局2024年政府信息公开工作年度报告\n发布日期:2025-13-40\n一、总体情况\n", None, id="impossible-date"),
]


@pytest.mark.parametrize(("text", "expected"), PUBLISHED_CASES)
def test_published(text: str, expected: str | None) -> None:
    assert meta(text).published == expected


# --------------------------------------------------------------------------------------------------
# positions point at the values


def test_positions_point_at_the_values() -> None:
    text = "欢迎访问!\n九原区政务服务局\n2022年政府信息公开工作年度报告\n发布日期:2023-01-28\n一、总体情况\n2022年,我局落实要求。\n"
    doc = Document.from_text(text)
    m = extract_metadata(doc)
    org, year, pub = m.positions["organization"], m.positions["year"], m.positions["published"]
    assert (org.line, org.column, org.length) == (2, 1, len("九原区政务服务局"))
    assert doc.text[org.offset : org.offset + org.length] == m.organization
    assert (year.line, doc.text[year.offset : year.offset + year.length]) == (3, "2022")
    assert (pub.line, doc.text[pub.offset : pub.offset + pub.length]) == (4, "2023-01-28")


def test_nothing_found_has_no_positions() -> None:
    m = meta("一、总体情况\n我局认真开展工作。\n")
    assert m == Metadata(None, None, False, None, {})


def test_empty_document() -> None:
    assert meta("") == Metadata(None, None, False, None, {})


# --------------------------------------------------------------------------------------------------
# (b) gold comparison over the real reports


def _gold_cases() -> list:
    if not (SHARED / "gold").is_dir():
        return [pytest.param(None, None, id="shared-missing")]
    cases = []
    for gold in sorted((SHARED / "gold").glob("*.json")):
        cases.append(pytest.param(SHARED / "seeds" / f"{gold.stem}.txt", gold, id=f"seed-{gold.stem[:3]}"))
    for gold in sorted((SHARED / "corpus" / "gold").glob("*.json")):
        doc = load_gold(gold).get("document", "")
        cases.append(pytest.param(SHARED / "corpus" / doc, gold, id=f"corpus-{gold.stem}"))
    return cases


def _visible_text(path) -> str:
    text = path.read_text("utf-8")
    # Page excerpts start with the URL they were fetched from; it is not part of the document.
    if text.startswith("URL:"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
    return text


@pytest.mark.parametrize(("path", "gold_path"), _gold_cases())
def test_gold_metadata(path, gold_path) -> None:
    shared_dir()  # skips with a message when ../shared is absent
    if path.suffix == ".txt":
        doc = Document.from_text(_visible_text(path), source=str(path))
    else:
        from gongkai.errors import GongkaiError
        from gongkai.readers import read_path

        try:
            doc = read_path(path)
        except GongkaiError as exc:
            pytest.skip(f"{path.name}: no reader for this format yet ({exc})")
    gold = load_gold(gold_path)
    m = extract_metadata(doc)
    assert (m.organization, m.year) == (gold["organization"], gold["year"]), path.name
