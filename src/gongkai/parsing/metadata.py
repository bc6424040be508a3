"""Report metadata: the reporting body, the year reported on, roll-up wording and the publication date.

Everything here reads only the visible text of a :class:`~gongkai.document.Document`. The head of the
report (title, preamble and section 一) carries almost all of it:

* organization: a title line ("武当路街办2024年政府信息公开工作年度报告", or the body alone on one line and
  "2022年政府信息公开工作年度报告" on the next), a mention of the report's own title in the preamble
  ("现公布区统计局2023年…年度报告", "编制《X2022年…年度报告》"), the subject of an early sentence
  ("2024年,区财政局严格按照…"), the compiler or contact line ("由X党政办公室编制", "请与X联系",
  "地址:X"), a 发布机构 field, 本机关（X局）, the bare subject of section 一's first sentence (X局认真贯彻…), and
  as a last resort the title of a document it issued (印发《X局关于…》). Without a title, two different bodies
  in the prose leave it unread with a note. A body that only calls itself 我局/我乡 yields None; the source
  address is never read. The chosen name
  is replaced by the longest other candidate that only adds place names in front of it (区城市运行管理中心
  → 武昌区城市运行管理中心) or 人民政府 after a town (仙庵镇 → 惠来县仙庵镇人民政府).
* year: the title's year, else the statistical period, else the year most often named in the preamble
  and section 一 (not counting years inside 《》, dates, or 于…).
* published: a labelled date (发布时间/发布日期/成文日期…), else a date standing alone on a line at the
  end (the signature) or in the head.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.document import Document, Position
from gongkai.parsing.metadata_dates import (
    _BOOK,
    _STAT_END,
    _STAT_START,
    _YEAR_CORE,
    _Index,
    _prevailing_year,
    _published,
    _year_value,
)
from gongkai.standard.bodies import BODY_SUFFIXES, BROAD_SUFFIXES
from gongkai.standard.labels import NUMERAL_CHARS

__all__ = ["Metadata", "extract_metadata"]


@dataclass(frozen=True, slots=True)
class Metadata:
    organization: str | None
    year: int | None  # the year reported on (not the publication year)
    is_rollup: bool  # a 汇总/综合 report covering several bodies
    published: str | None  # ISO date 'YYYY-MM-DD' when a publication date is printed
    positions: dict[str, Position] = field(default_factory=dict)  # 'organization', 'year', 'published'
    notes: tuple[str, ...] = ()  # why a value was left unread (Chinese), e.g. two different bodies named


# --------------------------------------------------------------------------------------------------
# Character classes and vocabulary

_H = "\u3007\u4e00-\u9fff"  # CJK ideographs plus 〇

# Body name endings (standard/bodies.py), longest first so that alternation prefers 街道办事处 over 街道.
_ORG_SUFFIX_RE = "|".join(BODY_SUFFIXES)
# A narrower set for sentence subjects, where bare 区/县/市/会/部 would catch too much prose.
_SUBJECT_SUFFIX_RE = "|".join(s for s in BODY_SUFFIXES if s not in BROAD_SUFFIXES)

_ORG_END = re.compile(rf"(?:{_ORG_SUFFIX_RE})$")
# Words that cannot begin a name: pronouns, quantifiers, prepositions and verbs that open clauses.
_BAD_START = re.compile(
    r"^(?:我|本|全|该|各|此|其|贵|上级|下属|下级|有关|相关|所属|直属|在|由|对|向|为|是|于|按|据|根据|依据|依照|"
    r"通过|经|从|将|把|被|与|和|及|以|配合|协助|会同|联合|组织|督促|指导|要求|认真|严格|积极|坚持|按照|围绕|"
    r"结合|加强|推进|推动|做好|落实|贯彻|进一步|不断|持续|全面|深入|切实|主动|及时|共|其中|包括|如|请|现|特|"
    r"市委|区委|县委|党委|党工委)"
)
# Whole strings that are not a specific body.
_GENERIC = frozenset(
    {
        "政府",
        "人民政府",
        "区政府",
        "县政府",
        "市政府",
        "镇政府",
        "乡政府",
        "省政府",
        "区人民政府",
        "县人民政府",
        "市人民政府",
        "镇人民政府",
        "乡人民政府",
        "管委会",
        "委员会",
        "办公室",
        "街道",
        "街道办事处",
        "办事处",
        "中心",
        "单位",
        "本单位",
        "部门",
        "区",
        "县",
        "市",
        "镇",
        "乡",
        "旗",
        "街办",
        "政府办",
        "政府办公室",
    }
)
# Internal units named as compiler/contact, which stand for the body that contains them.
_INTERNAL_UNIT = re.compile(r"(?:党政综合办公室|党政办公室|综合办公室|党政办|党政综合办|办公室|综合科|办公科)$")
_INTERNAL_HOST = re.compile(r"(?:人民政府|政府|街道办事处|办事处|管委会|管理委员会|委员会|局|镇|乡|街道|中心)$")

# Place-name units that may stand in front of a body: 广州市, 荔湾区, 惠来县, 科左后旗 …
_ADMIN_PREFIX = re.compile(rf"^(?:[{_H}]{{1,7}}?(?:省|自治区|自治州|自治县|市|州|盟|地区|县|区|旗|新区))+$")
_ADMIN_CHARS = "省市州盟县区旗"

_CJK_RUN_END = re.compile(rf"[{_H}]+$")
# Leading words in front of a title mention: 现公布X…, 现将X…, 编制X…
_MENTION_LEAD = re.compile(
    r"^(?:作为|(?:现|特|并|特此|现就)?(?:向社会|面向社会)?(?:公开|公布|发布|印发|编制|形成了?|将|做好|报送|制定|编写|撰写)+)"
)

# --------------------------------------------------------------------------------------------------
# Lines and layout

_FIRST_SECTION = re.compile(r"^\s*[一1]\s*[、.,，．]\s*(?:总体情况|工作基本情况|基本情况|概述|总体|工作概况|概况)")
_SECOND_SECTION = re.compile(r"^\s*[二2]\s*[、.,，．]\s*\S")
# Website chrome and metadata-block lines that are never a title.
_CHROME = re.compile(
    r"^\s*(?:URL\s*[:：]|https?://|欢迎|登录|注册|当前页面|当前位置|您的位置|你的位置|您现在的位置|所在位置|位置\s*[:：]|首页|"
    r"[>＞»]|来源\s*[:：]|信息来源|发布时间|发布日期|发文日期|成文日期|印发日期|更新时间|浏览|点击|阅读|访问量|分享|打印|"
    r"【|\[|字体|字号|索引号|主题分类|发布机构|发文机关|文号|主题词|用户中心|支持\s*IPV6|无障碍|关闭|收藏|"
    r"大\s*中\s*小|扫一扫|手机版|网站地图|站点地图|主办单位|承办|版权|Copyright)",
    re.IGNORECASE,
)
_TITLE_WORD = re.compile(r"(?:信息公开|政务公开|公开工作).{0,16}?(?:报告|年报)|年度报告|年报")
_YEAR_IN_TITLE = re.compile(rf"({_YEAR_CORE})\s*年\s*度?")
_TITLE_CUT = re.compile(r"(?:政府信息公开|政务信息公开|信息公开|政务公开|公开工作|工作年度报告|年度报告|年报)")

# A body standing alone on a line (the first half of a two-line title).
_ORG_LINE = re.compile(rf"^\s*(?:关于)?([{_H}]{{2,40}})\s*$")
# The second half: "2022年政府信息公开工作年度报告", "政府信息公开工作年度报告".
_TITLE_REST = re.compile(
    rf"^\s*(?:关于)?(?:({_YEAR_CORE})\s*年\s*度?)?\s*(?:的)?(?:政府)?(?:信息公开|政务公开).{{0,12}}(?:报告|年报)\s*$"
)

# A mention of the report's own title: …X2023年(度)…政府信息公开…报告
_MENTION = re.compile(
    rf"(?P<pre>[^《》。；;，,、\n]{{0,40}}?)\s*(?P<year>{_YEAR_CORE})\s*年\s*度?\s*(?P<post>[{_H}]{{0,30}}?)\s*"
    rf"(?:的)?(?:政府|政务)?(?:信息公开|政务公开)[^《》。；;\n]{{0,12}}?(?:报告|年报)"
)

# Sentence subjects: an opening (year, 今年以来, 在…领导下) then the body then a verb.
_SUBJECT_VERBS = (
    "认真",
    "严格",
    "深入",
    "全面",
    "坚持",
    "持续",
    "积极",
    "高度",
    "按照",
    "始终",
    "进一步",
    "紧紧",
    "紧扣",
    "紧密",
    "紧跟",
    "立足",
    "围绕",
    "以",
    "在",
    "未",
    "共",
    "对",
    "不断",
    "扎实",
    "切实",
    "主动",
    "利用",
    "通过",
    "加强",
    "着力",
    "聚焦",
    "贯彻",
    "落实",
    "牢固",
    "结合",
    "依托",
    "将",
    "把",
    "继续",
    "强化",
    "大力",
    "根据",
    "依据",
    "坚决",
    "自觉",
    "精心",
    "累计",
    "收到",
    "接收",
    "受理",
    "公开",
    "发布",
    "召开",
    "制定",
    "进行",
    "开展",
    "完成",
    "努力",
    "注重",
    "重视",
    "狠抓",
    "推进",
    "推动",
    "做好",
    "及时",
    "依法",
    "紧抓",
    "按",
    "从",
    "于",
    "已",
    "共计",
    "全年",
    "本年",
    "没有",
    "无",
    "均",
    "都",
    "深化",
    "把握",
    "秉持",
    "践行",
    "建立",
    "健全",
    "完善",
    "规范",
    "优化",
    "提升",
    "高效",
    "有序",
    "稳步",
    "全力",
    "合力",
    "多措",
)
_SUBJECT_VERB_RE = "|".join(sorted(set(_SUBJECT_VERBS), key=len, reverse=True))
_INTRO_TIME = (
    rf"(?:(?:{_YEAR_CORE})\s*年\s*度?(?:以来|全年|内|上半年|中)?|今年以来|本年度|本年|年内|一年来|近年来|过去一年)"
)
_INTRO_LEAD = r"在[^。；;，,\n]{1,30}?(?:、[^。；;，,\n]{1,20}?)?(?:领导|指导|关心|支持|部署|带领|监督)下"
_SUBJECT = re.compile(
    rf"(?:^|(?<=[。；;！!：:\n]))\s*(?:[（(][{NUMERAL_CHARS}\d]{{1,3}}[)）]\s*)?"
    rf"(?:{_INTRO_TIME}\s*[,，、]?\s*(?:{_INTRO_LEAD}\s*[,，]\s*)?|{_INTRO_LEAD}\s*[,，]\s*)"
    rf"(?P<org>[{_H}]{{1,30}}?(?:{_SUBJECT_SUFFIX_RE}))(?=\s*(?:{_SUBJECT_VERB_RE}))",
    re.M,
)
_BARE_SUBJECT = re.compile(rf"^\s*(?P<org>[{_H}]{{2,30}}?(?:{_SUBJECT_SUFFIX_RE}))(?=\s*(?:{_SUBJECT_VERB_RE}))")
# Compiler, contact, address and publisher fields.
_COMPILER = re.compile(rf"由\s*(?P<org>[{_H}]{{2,40}}?)\s*(?:负责|根据|依据|按照)?(?:编制|编写|制作|发布)")
_CONTACT = re.compile(rf"(?:请与|请联系|联系单位\s*[:：])\s*(?P<org>[{_H}]{{2,40}}?)\s*(?:联系|[,，;；。(（]|$)", re.M)
_ADDRESS = re.compile(
    rf"地\s*址\s*[:：]\s*(?P<org>[{_H}]{{2,40}}?(?:{_ORG_SUFFIX_RE}))(?=\s*(?:驻地|大院|院内|[;；,，。)）]|$))", re.M
)
# The body naming itself in brackets after a self-reference: 本机关（X局）…
_SELF_NAMED = re.compile(
    rf"(?:本机关|本单位|本局|本委|本办|我局|我委|我办|我单位|我机关)\s*[（(]\s*(?P<org>[{_H}]{{2,40}}?)\s*[)）]"
)
# The title of a document the body itself issued: 印发《X局关于…的通知》 (names a superior body's document
# when it follows 学习/贯彻…, so only issuing verbs count, and central bodies are never the reporting body).
_OWN_DOCUMENT = re.compile(
    rf"(?:印发|制定|出台|制发|起草|发布|编制)(?:了)?\s*《(?P<org>[{_H}]{{2,40}}?(?:{_SUBJECT_SUFFIX_RE}))关于"
)
_CENTRAL = re.compile(r"^(?:国务院|中共|中央|全国|国家)")
_PUBLISHER = re.compile(rf"(?:发布机构|发文机关|发布单位)\s*[:：]?\s*(?P<org>[{_H}]{{2,40}})\s*$", re.M)

# --------------------------------------------------------------------------------------------------
# Roll-up wording

_ROLLUP = re.compile(
    r"综合[^。；;\n]{0,30}?各(?:部门|单位|乡镇|街道|镇|乡|委办局|成员单位)|"
    r"汇总[^。；;\n]{0,30}?(?:各部门|各单位|各乡镇|各街道|编制)|"
    r"(?:各部门|各单位|各乡镇|各街道)[^。；;\n]{0,20}?汇总|"
    r"全(?:省|市|区|县|旗|州|盟)(?:政府)?(?:信息公开|政务公开)(?:工作)?年度报告"
)


# --------------------------------------------------------------------------------------------------
# Helpers


def _is_org(s: str) -> bool:
    return (
        2 <= len(s) <= 40
        and _ORG_END.search(s) is not None
        and _BAD_START.match(s) is None
        and s not in _GENERIC
        and "公开" not in s
        and "报告" not in s
    )


def _clean_org(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    if s.endswith("关于"):  # 某局关于2023年度…的报告
        s = s[:-2]
    m = _CJK_RUN_END.search(s)
    s = m.group(0) if m else ""
    if s.startswith("关于"):
        s = s[2:]
    return s


def _strip_internal_unit(s: str) -> str:
    """两城镇人民政府党政办公室 → 两城镇人民政府 (the compiler stands for its body)."""
    m = _INTERNAL_UNIT.search(s)
    if m and m.start() > 0:
        host = s[: m.start()]
        if _INTERNAL_HOST.search(host) and _is_org(host):
            return host
    return s


@dataclass(slots=True)
class _Cand:
    org: str
    offset: int  # where ``org`` starts in the text
    rank: int  # lower is better: 0 title, 1 title mention, 2 sentence subject, 3 compiler/contact, 4 others


def _extends(longer: str, base: str) -> bool:
    """True when ``longer`` only adds place names in front of ``base`` (and maybe 人民政府 after a town)."""
    if len(longer) <= len(base):
        return False
    body = longer
    if not body.endswith(base):
        if base[-1] in "镇乡" and body.endswith(base + "人民政府"):
            body = body[: -len("人民政府")]
        else:
            return False
    prefix = body[: len(body) - len(base)]
    if not prefix:
        return True
    if base[0] in _ADMIN_CHARS:  # 区城市运行管理中心: the leading 区 belongs to the place name
        prefix += base[0]
    return _ADMIN_PREFIX.match(prefix) is not None


# --------------------------------------------------------------------------------------------------
# Extraction


def _find_first_section(doc: Document) -> int | None:
    for ln in doc.lines:
        if _FIRST_SECTION.match(ln.text):
            return ln.number
    return None


def _head_end(doc: Document, first: int | None) -> int:
    """Offset where section 一 ends (the 二、 heading), bounded so that long documents stay cheap."""
    start_line = first or 1
    limit = doc.lines[start_line - 1].offset + 8000 if doc.lines else 0
    for ln in doc.lines[start_line:]:
        if ln.offset > limit:
            return limit
        if _SECOND_SECTION.match(ln.text):
            return ln.offset
    return min(len(doc.text), limit)


def _title_candidates(doc: Document, last_line: int) -> tuple[list[_Cand], tuple[int, int, int] | None]:
    """Title lines before section 一. Returns org candidates and the title year (year, offset, length)."""
    cands: list[_Cand] = []
    year: tuple[int, int, int] | None = None
    lines = [ln for ln in doc.lines[:last_line] if ln.text.strip()]
    for i, ln in enumerate(lines):
        text = ln.text
        if len(text.strip()) > 80 or _CHROME.match(text):
            continue
        if "。" in text or "，" in text or "," in text:
            continue
        if _TITLE_WORD.search(text):
            ym = _YEAR_IN_TITLE.search(text)
            if ym:
                y = _year_value(ym.group(1))
                if y is not None and year is None:
                    year = (y, ln.offset + ym.start(1), len(ym.group(1)))
                before = _clean_org(text[: ym.start()])
                if _is_org(before):
                    cands.append(_Cand(before, ln.offset + text.rfind(before, 0, ym.start()), 0))
                else:
                    cut = _TITLE_CUT.search(text, ym.end())
                    mid = _clean_org(text[ym.end() : cut.start()] if cut else "")
                    if _is_org(mid):
                        cands.append(_Cand(mid, ln.offset + text.find(mid, ym.end()), 0))
            else:
                cut = _TITLE_CUT.search(text)
                before = _clean_org(text[: cut.start()] if cut else "")
                if _is_org(before):
                    cands.append(_Cand(before, ln.offset + text.find(before), 0))
            continue
        # A body alone on its line, followed by the rest of the title.
        m = _ORG_LINE.match(text)
        if m and i + 1 < len(lines) and _is_org(m.group(1)):
            rest = _TITLE_REST.match(lines[i + 1].text)
            if rest:
                cands.append(_Cand(m.group(1), ln.offset + m.start(1), 0))
                if rest.group(1) and year is None:
                    y = _year_value(rest.group(1))
                    if y is not None:
                        nxt = lines[i + 1]
                        year = (y, nxt.offset + rest.start(1), len(rest.group(1)))
    return cands, year


def _mention_candidates(text: str, start: int, end: int) -> tuple[list[_Cand], tuple[int, int, int] | None]:
    """Mentions of the report's title in running text: 现公布区统计局2023年…年度报告."""
    cands: list[_Cand] = []
    year: tuple[int, int, int] | None = None
    for m in _MENTION.finditer(text, start, end):
        y = _year_value(m.group("year"))
        if y is None:
            continue
        if year is None:
            year = (y, m.start("year"), len(m.group("year")))
        pre = _clean_org(m.group("pre"))
        lead = _MENTION_LEAD.match(pre)
        if lead:
            pre = pre[lead.end() :]
        if _is_org(pre):
            cands.append(_Cand(pre, text.rfind(pre, m.start(), m.end("pre")), 1))
            continue
        post = _clean_org(m.group("post"))
        if _is_org(post):
            cands.append(_Cand(post, m.start("post"), 1))
    return cands, year


def _other_candidates(text: str, start: int, end: int) -> list[_Cand]:
    cands: list[_Cand] = []
    for m in _SUBJECT.finditer(text, start, end):
        org = m.group("org")
        if _is_org(org):
            cands.append(_Cand(org, m.start("org"), 2))
    for m in _SELF_NAMED.finditer(text, start, end):
        if _is_org(m.group("org")):
            cands.append(_Cand(m.group("org"), m.start("org"), 2))
    for rx, rank in ((_COMPILER, 3), (_CONTACT, 3), (_ADDRESS, 4), (_PUBLISHER, 4)):
        for m in rx.finditer(text, start, end):
            raw = m.group("org")
            org = _strip_internal_unit(raw)
            if _is_org(org):
                cands.append(_Cand(org, m.start("org"), rank))
    return cands


def _first_subject(doc: Document, first: int | None) -> list[_Cand]:
    """The body as the bare subject of section 一's first sentence: X局认真贯彻… (no year or lead before it)."""
    if not first:
        return []
    for ln in doc.lines[first : first + 3]:
        if not ln.text.strip():
            continue
        m = _BARE_SUBJECT.match(ln.text)
        return [_Cand(m.group("org"), ln.offset + m.start("org"), 2)] if m and _is_org(m.group("org")) else []
    return []


def _same_body(a: str, b: str) -> bool:
    return a == b or _extends(a, b) or _extends(b, a)


def _own_document_pick(cands: list[_Cand], own: list[_Cand]) -> tuple[list[_Cand], list[str]]:
    """Without a title or title mention, the bodies read from the prose (sentence subjects, 本机关（X局）) and
    from the titles of its own documents (《X局关于…》, a last resort) must name one body; when two different
    bodies compete nothing is chosen and the competing names are returned."""
    if any(c.rank <= 1 for c in cands):
        return cands, []
    prose = [c for c in cands if c.rank == 2] + own
    if not prose:
        return cands, []
    first = prose[0].org
    if any(not _same_body(c.org, first) for c in prose) or (own and any(not _same_body(c.org, first) for c in cands)):
        return [], sorted({c.org for c in cands + own})
    return cands + own, []


def _pick_org(cands: list[_Cand]) -> _Cand | None:
    if not cands:
        return None
    best = min(cands, key=lambda c: (c.rank, c.offset))
    longer = [c for c in cands if _extends(c.org, best.org)]
    if longer:
        return max(longer, key=lambda c: (len(c.org), -c.rank, -c.offset))
    return best


def extract_metadata(doc: Document, first_section_line: int | None = None) -> Metadata:
    """Organization, year reported on, roll-up flag and publication date, with where each came from."""
    text = doc.text
    idx = _Index(doc)
    first = first_section_line or _find_first_section(doc)
    # Title/preamble lines: before section 一, or the first lines when no section 一 was found.
    title_last = (first - 1) if first else min(len(doc.lines), 15)
    head_end = _head_end(doc, first)
    positions: dict[str, Position] = {}

    title_cands, title_year = _title_candidates(doc, title_last)
    mention_cands, mention_year = _mention_candidates(text, 0, head_end)
    cands = title_cands + mention_cands + _other_candidates(text, 0, head_end)
    # Names inside 《》 are only trusted when they are the report's own title (mention candidates).
    books = [(m.start(), m.end()) for m in _BOOK.finditer(text, 0, head_end)]
    cands = [c for c in cands if c.rank <= 1 or not any(a <= c.offset < b for a, b in books)]
    if first:
        cands += _first_subject(doc, first)
    # an office (X政府办公室) issues documents for its host or for itself: not certain either way, so skipped
    own = [
        _Cand(org, m.start("org"), 5)
        for m in _OWN_DOCUMENT.finditer(text, 0, head_end)
        if _is_org(org := m.group("org")) and not _CENTRAL.match(org) and not _INTERNAL_UNIT.search(org)
    ]
    cands, competing = _own_document_pick(cands, own)
    notes = (f"正文提到不同的机关（{'、'.join(competing)}），无法确定发布年报的机关",) if competing else ()
    chosen = _pick_org(cands)
    organization = None
    if chosen:
        organization = chosen.org
        positions["organization"] = idx.pos(chosen.offset, len(chosen.org))

    year_hit = title_year or mention_year
    if year_hit is None:
        head = text[:head_end]
        for rx in (_STAT_START, _STAT_END):
            m = rx.search(head)
            if m and (y := _year_value(m.group(1))) is not None:
                year_hit = (y, m.start(1), len(m.group(1)))
                break
    if year_hit is None:
        year_hit = _prevailing_year(text, 0, head_end)
    year = None
    if year_hit:
        year = year_hit[0]
        positions["year"] = idx.pos(year_hit[1], year_hit[2])

    is_rollup = _ROLLUP.search(text, 0, head_end) is not None

    published = None
    pub = _published(doc, text, head_end, idx)
    if pub:
        published, positions["published"] = pub

    return Metadata(organization, year, is_rollup, published, positions, notes)
