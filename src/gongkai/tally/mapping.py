"""The register vocabulary as data: column headers, applicant types, handling results, appeal kinds and
outcomes, each with the aliases offices actually write. ``docs/register.md`` documents the same tables for
users; the tests check that the two agree on the field names.

Everything is matched on :func:`norm` (NFKC, then only ideographs, digits and letters), so full-width forms,
spaces, brackets and punctuation never matter.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from gongkai.standard import get_format
from gongkai.standard.labels import NUMERAL_CHARS

_KEEP = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]+")
_PAREN = re.compile(r"[（(][^（）()]*[）)]")
_ORDINAL = re.compile(rf"^(?:[0-9]+|[{NUMERAL_CHARS}]+)")


def norm(text: str) -> str:
    """Matching key of a header or a value."""
    return _KEEP.sub("", unicodedata.normalize("NFKC", text)).lower()


def strip_remarks(text: str) -> str:
    """Text without bracketed remarks: '收到日期（年/月/日）' → '收到日期'."""
    return _PAREN.sub("", text)


def strip_ordinal(k: str) -> str:
    """'1属于国家秘密' → '属于国家秘密' (one leading ordinal, on a key)."""
    return _ORDINAL.sub("", k, count=1)


# --- register of applications -------------------------------------------------------------------------------

# field id → (Chinese name shown to users, header aliases). The first alias is the documented header.
REQUEST_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("申请编号", ("申请编号", "序号", "编号", "登记编号", "登记号", "流水号", "申请号", "受理编号", "No")),
    "received": (
        "收到日期",
        (
            "收到日期",
            "受理日期",
            "申请日期",
            "收到申请日期",
            "收到时间",
            "受理时间",
            "申请时间",
            "登记日期",
            "接收日期",
        ),
    ),
    "applicant": ("申请人类型", ("申请人类型", "申请人类别", "申请主体类型", "申请人性质", "申请主体", "申请人身份")),
    "result": (
        "办理结果",
        ("办理结果", "处理结果", "答复结果", "答复类型", "办理结果类型", "答复情况", "处理情况", "办理情况"),
    ),
    "closed": (
        "答复日期",
        ("答复日期", "办结日期", "答复时间", "办结时间", "回复日期", "告知日期", "结案日期", "处理日期"),
    ),
}
REQUEST_REQUIRED = ("received", "applicant", "result", "closed")

# column id of table 三 → what offices write in 申请人类型
APPLICANT_ALIASES: dict[str, tuple[str, ...]] = {
    "natural_person": ("自然人", "公民", "个人", "群众", "居民", "村民"),
    "commercial_enterprise": ("商业企业", "企业", "公司", "企业法人", "个体工商户", "商户"),
    "research_institution": ("科研机构", "科研院所", "研究机构", "研究所", "研究院", "科研单位"),
    "social_welfare_org": ("社会公益组织", "公益组织", "社会组织", "公益机构", "基金会", "社会团体", "民办非企业单位"),
    "legal_service_org": ("法律服务机构", "律师事务所", "律所", "法律服务所", "律师事务所律师"),
    "other_org": ("其他", "其他组织", "其他机构", "其他单位", "其他法人", "其他法人或其他组织"),
}
# prefixes written before an organisation type ("法人或其他组织-商业企业"); dropped before matching
APPLICANT_PREFIXES: tuple[str, ...] = ("法人或其他组织", "法人或者其他组织", "法人")

# result row id → extra ways to write it, beyond the format's own labels (which always match, with or
# without their numbering and group label). Keys are 2021 row ids; the 2019 format folds other.* into
# other_handling (see result_lookup).
RESULT_ALIASES: dict[str, tuple[str, ...]] = {
    "granted": ("予以公开", "公开", "同意公开", "全部公开", "依申请公开", "已公开"),
    "partially_granted": ("部分公开", "区分处理", "部分予以公开"),
    "withheld.state_secret": ("国家秘密", "涉及国家秘密"),
    "withheld.prohibited_by_law": ("其他法律行政法规禁止公开", "法律法规禁止公开", "法律行政法规禁止公开"),
    "withheld.security_stability": ("危及三安全一稳定", "三安全一稳定"),
    "withheld.third_party_rights": (
        "保护第三方合法权益",
        "第三方合法权益",
        "涉及第三方合法权益",
        "涉及商业秘密",
        "涉及个人隐私",
    ),
    "withheld.internal_affairs": ("属于三类内部事务信息", "三类内部事务信息", "内部事务信息", "内部事务"),
    "withheld.process_information": ("属于四类过程性信息", "四类过程性信息", "过程性信息"),
    "withheld.enforcement_case_file": ("属于行政执法案卷", "行政执法案卷", "执法案卷"),
    "withheld.administrative_query": ("属于行政查询事项", "行政查询事项"),
    "unavailable.not_held": (
        "本机关不掌握相关政府信息",
        "不掌握",
        "信息不存在",
        "本机关不掌握",
        "不掌握相关政府信息",
        "非本机关掌握",
    ),
    "unavailable.requires_creation": ("没有现成信息需要另行制作", "需要另行制作", "需另行制作", "没有现成信息"),
    "unavailable.unclear_after_amendment": ("补正后申请内容仍不明确", "补正后仍不明确", "申请内容不明确"),
    "not_processed.petition_complaint": ("信访举报投诉类申请", "信访举报投诉", "信访类", "投诉举报"),
    "not_processed.duplicate": ("重复申请",),
    "not_processed.publication": ("要求提供公开出版物", "公开出版物"),
    "not_processed.excessive_repeated": ("无正当理由大量反复申请", "大量反复申请"),
    "not_processed.confirmation_request": (
        "要求行政机关确认或重新出具已获取信息",
        "要求确认或重新出具",
        "重新出具已获取信息",
    ),
    "other.no_amendment": ("申请人无正当理由逾期不补正", "逾期不补正", "逾期未补正", "不补正"),
    "other.fee_unpaid": ("申请人逾期未按收费通知要求缴纳费用", "逾期未缴纳费用", "逾期未缴费", "未缴费"),
    "other.other": ("其他", "撤回申请", "申请人撤回"),
}
# group labels that may precede a numbered result ("（三）不予公开 1.属于国家秘密", "不予公开-国家秘密")
RESULT_GROUPS: dict[str, str] = {
    "不予公开": "withheld",
    "无法提供": "unavailable",
    "不予处理": "not_processed",
    "其他处理": "other",
}


@cache
def result_lookup(format_id: str) -> dict[str, str]:
    """Normalised result text → row id of table 三 in ``format_id`` (rows of （一）–（六）)."""
    fmt = get_format(format_id)
    rows = result_rows(format_id)
    out: dict[str, str] = {}

    def add(text: str, row: str) -> None:
        k = norm(text)
        for variant in (k, strip_ordinal(k), norm(_PAREN.sub("", text)), strip_ordinal(norm(_PAREN.sub("", text)))):
            if variant:
                out.setdefault(variant, row)

    for row in fmt.request_rows:
        if row.id in rows:
            for label in (row.label, *row.aliases):
                add(label, row.id)
    for row_id, aliases in RESULT_ALIASES.items():
        target = row_id if row_id in rows else ("other_handling" if row_id.startswith("other.") else None)
        if target is not None and target in rows:
            for a in aliases:
                add(a, target)
    if "other_handling" in rows:  # the 2019 format has a single （六）其他处理 row: the 2021 sub-items fold into it
        add("其他处理", "other_handling")
        for row in get_format("2021").request_rows:
            if row.id.startswith("other."):
                for label in (row.label, *row.aliases):
                    add(label, "other_handling")
    return out


@cache
def result_rows(format_id: str) -> tuple[str, ...]:
    """Row ids of the handling results （一）–（六） in table order (the terms of the （七）总计 identity)."""
    fmt = get_format(format_id)
    rhs = next(i for i in fmt.identities if i.rule == "requests.results_total").rhs
    return tuple(dict.fromkeys(c.split(".", 1)[1].rsplit(".", 1)[0] for c in rhs))


def result_candidates(text: str) -> list[str]:
    """Keys to try for a result text, most literal first: as written, without its ordinal, without a leading
    group label and the ordinal after it."""
    k = norm(text)
    out = [k, strip_ordinal(k)]
    for cand in list(out):
        for group in RESULT_GROUPS:
            gk = norm(group)
            if cand.startswith(gk) and len(cand) > len(gk):
                rest = cand[len(gk) :]
                out += [rest, strip_ordinal(rest), gk + strip_ordinal(rest)]
    bare = norm(_PAREN.sub("", text))
    out += [bare, strip_ordinal(bare)]
    return [c for c in dict.fromkeys(out) if c]


@cache
def applicant_lookup() -> dict[str, str]:
    return {norm(a): col for col, aliases in APPLICANT_ALIASES.items() for a in aliases}


def applicant_candidates(text: str) -> list[str]:
    k = norm(text)
    out = [k]
    for p in APPLICANT_PREFIXES:
        pk = norm(p)
        if k.startswith(pk) and len(k) > len(pk):
            out.append(k[len(pk) :])
    bare = norm(_PAREN.sub("", text))
    out.append(bare)
    return [c for c in dict.fromkeys(out) if c]


# --- register of 行政复议 / 行政诉讼 cases ----------------------------------------------------------------------

APPEAL_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "id": ("案件编号", ("案件编号", "序号", "编号", "案号", "登记编号")),
    "kind": ("类型", ("类型", "案件类型", "类别", "案件类别", "救济方式", "复议诉讼类型")),
    "result": (
        "结果",
        ("结果", "审结结果", "办理结果", "案件结果", "处理结果", "结案结果", "裁判结果", "复议诉讼结果"),
    ),
    "received": (
        "收到日期",
        ("收到日期", "立案日期", "受理日期", "收案日期", "收到时间", "立案时间", "应诉日期", "收到文书日期"),
    ),
    "closed": ("结案日期", ("结案日期", "审结日期", "办结日期", "决定日期", "判决日期", "结案时间")),
}
APPEAL_REQUIRED = ("kind", "received")

# group id of table 四 → kinds as written
APPEAL_KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "review": ("行政复议", "复议", "复议案件", "行政复议案件"),
    "litigation_direct": (
        "行政诉讼未经复议直接起诉",
        "未经复议直接起诉",
        "直接起诉",
        "行政诉讼直接起诉",
        "诉讼未经复议直接起诉",
        "直诉",
    ),
    "litigation_after_review": ("行政诉讼复议后起诉", "复议后起诉", "行政诉讼复议后", "诉讼复议后起诉", "经复议后起诉"),
}
# column id of table 四 → outcomes as written; an empty outcome is 尚未审结
APPEAL_RESULT_ALIASES: dict[str, tuple[str, ...]] = {
    "upheld": ("维持", "结果维持", "维持原行政行为", "确认合法", "驳回诉讼请求", "驳回原告诉讼请求"),
    "corrected": ("纠正", "结果纠正", "撤销", "变更", "确认违法", "责令履行", "责令重新答复", "撤销重作", "确认无效"),
    "other": (
        "其他",
        "其他结果",
        "驳回复议申请",
        "驳回起诉",
        "终止",
        "终止审理",
        "撤回",
        "撤诉",
        "撤回申请",
        "调解",
        "和解",
        "不予受理",
    ),
    "pending": ("尚未审结", "未审结", "审理中", "在审", "未结", "未结案", "待审结"),
}


@cache
def appeal_kind_lookup() -> dict[str, str]:
    return {norm(a): g for g, aliases in APPEAL_KIND_ALIASES.items() for a in aliases}


@cache
def appeal_result_lookup() -> dict[str, str]:
    return {norm(a): c for c, aliases in APPEAL_RESULT_ALIASES.items() for a in aliases}


def field_name(fields: dict[str, tuple[str, tuple[str, ...]]], field: str) -> str:
    return fields[field][0]


def header_lookup(fields: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    """Normalised header → field id; also accepts the field id itself (for ``--map``)."""
    out: dict[str, str] = {}
    for fid, (_, aliases) in fields.items():
        out.setdefault(norm(fid), fid)
        for a in aliases:
            out.setdefault(norm(a), fid)
    return out
