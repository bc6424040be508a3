"""A generated district: one city government, one district government and its member bodies over several years,
with cross-report errors planted where we know exactly what the cross-report checks must find.

Every member body reports every year; the district government publishes one roll-up report a year whose
request and appeal tables are the sums of its members' tables. Each body's 上年结转 equals its previous year's
结转下年度继续办理 column by column, every report's own identities hold, every report has its own prose
(sections 一/五/六) and is published before its deadline. With ``plant`` (the default) the region also holds:

* 3 carry-over mismatches in member reports (+d on 上年结转 of one applicant column, balanced inside the report
  by +d on 予以公开 and the results total): two columns differ each (the applicant column and 总计). The error
  propagates into the district's roll-up (its 上年结转 is the sum of its members'), so the roll-up shows the
  same carry-over mismatch in that year: both are expected, as the rules report both.
* 2 roll-up mismatches (the roll-up states other values than the sum, its own identities kept): one in the
  request table (6 cells), one in the appeal table (2 cells), in years other than the last;
* 2 late publications (a department after 1月31日, the roll-up government after 3月31日);
* 1 duplicate: a department's last-year prose copied from the year before;
* one member's report missing in the last year: its roll-up states the full sum (the missing member
  included), which is never less than the partial sum, so only ROLLUP-INCOMPLETE is expected for that year;
* one report printed under a body's former name and one under a short alias: these must match the registry
  and produce nothing.

:func:`expected_findings` is an independent reading of the cross-report rules over the specs; the tests check
that it agrees with the plan of planted errors (``Region.planted``), so ``Region.expected`` is exact.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import pairwise
from pathlib import Path

from gongkai.analysis.crosscheck import similarity
from gongkai.analysis.prose import prose_hashes
from gongkai.spec import ReportSpec, Value
from gongkai.standard.layout import request_layout
from gongkai.spec import request_cell as _req
from gongkai.examples.generate import random_spec
from gongkai.render.text import fee_sentence
from gongkai.standard import Format, get_format

__all__ = [
    "REGISTRY_FILE",
    "Body",
    "ExpectedFinding",
    "Region",
    "deadline",
    "expected_findings",
    "generate_region",
    "spec_prose",
    "summed_cells",
    "write_region",
]

REGISTRY_FILE = "机关名录.yaml"
FORMAT_ID = "2021"
CITY = "青禾市"
DISTRICT = "桐溪区"
REGION = CITY + DISTRICT

_DEPARTMENTS = (
    "民政局", "教育局", "卫生健康局", "市场监督管理局", "住房和城乡建设局", "人力资源和社会保障局", "城市运行管理中心",
    "发展和改革局", "财政局", "司法局", "农业农村局", "生态环境分局", "文化和旅游局", "商务局", "科学技术局",
    "应急管理局", "退役军人事务局", "统计局", "审计局", "医疗保障局", "交通运输局", "水务局", "体育局", "林业局",
    "档案馆", "信访局", "数据资源局", "国防动员办公室",
)
_STREETS = ("杏林", "枫桥", "柳塘", "石泉", "槐荫", "雁栖", "竹园", "东篱")
_TOWNS = ("青石", "梅岭", "双溪", "苇塘", "龙湾")
# the bodies that carry aliases and the reorganisation (see _registry_bodies)
_ALIASED = {"民政局": ("桐溪区民政局", "区民政局"), "市场监督管理局": ("桐溪区市场监督管理局", "区市场监管局"),
            "城市运行管理中心": ("桐溪区城市运行管理中心", "区城市运行管理中心")}
_RENAMED = ("城市运行管理中心", "城市管理局")  # (current, former)
_SHORT_ALIAS = "区民政局"  # printed instead of the full name in one year


@dataclass(frozen=True, slots=True)
class ExpectedFinding:
    """One finding the cross-report checks must give for the region."""

    code: str
    organization: str  # registered full name of the report the finding is on
    year: int
    cell_id: str | None = None  # carry-over: this year's 上年结转 cell; roll-up: the roll-up's cell; else None


@dataclass(frozen=True, slots=True)
class Body:
    name: str  # registered full name
    kind: str  # government | department | street | town
    level: str | None = None
    aliases: tuple[str, ...] = ()
    former: tuple[tuple[str, int], ...] = ()  # (name, last report year under it)


@dataclass
class Region:
    registry_yaml: str
    files: dict[str, bytes]  # relative file name → rendered report
    specs: dict[str, ReportSpec]  # file name → the spec it was rendered from (organization = the printed name)
    expected: list[ExpectedFinding]
    organizations: dict[str, str] = field(default_factory=dict)  # file name → registered full name
    planted: list[ExpectedFinding] = field(default_factory=list)  # the plan: what the planted errors must give
    city: str = CITY + "人民政府"
    district: str = REGION + "人民政府"
    members: tuple[Body, ...] = ()
    missing: tuple[tuple[str, int], ...] = ()  # (member, year) without a report
    unpublished: dict[tuple[str, int], ReportSpec] = field(default_factory=dict)  # their specs, summed in the roll-up


# ---------------------------------------------------------------------------------------------------- registry

def _members(n: int, renamed_until: int) -> tuple[Body, ...]:
    streets = max(1, n // 6)
    towns = max(1, n // 10)
    departments = n - streets - towns
    if departments > len(_DEPARTMENTS) or streets > len(_STREETS) or towns > len(_TOWNS) or departments < 4:
        raise ValueError(f"departments must be between 6 and 36, not {n}")
    out = []
    for d in _DEPARTMENTS[:departments]:
        former = ((REGION + _RENAMED[1], renamed_until),) if d == _RENAMED[0] else ()
        out.append(Body(REGION + d, "department", aliases=_ALIASED.get(d, ()), former=former))
    out += [Body(f"{REGION}{s}街道办事处", "street") for s in _STREETS[:streets]]
    out += [Body(f"{REGION}{t}镇人民政府", "town") for t in _TOWNS[:towns]]
    return tuple(out)


def _registry_yaml(members: tuple[Body, ...]) -> str:
    import yaml

    def member(b: Body) -> dict:
        node: dict = {"name": b.name}
        if b.kind == "department":  # streets and towns leave kind to the guess from the name
            node["kind"] = b.kind
        if b.aliases:
            node["aliases"] = list(b.aliases)
        if b.former:
            node["former"] = [{"name": n, "until": until} for n, until in b.former]
        return node

    tree = {"organizations": [{
        "name": CITY + "人民政府", "kind": "government", "level": "city", "aliases": [CITY + "政府"],
        "children": [{
            "name": REGION + "人民政府", "kind": "government", "level": "district",
            "aliases": [DISTRICT + "人民政府", DISTRICT + "政府"],
            "children": [member(b) for b in members],
        }],
    }]}
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=200)


# ---------------------------------------------------------------------------------------------------- prose

_OPENINGS = (
    "认真贯彻落实《中华人民共和国政府信息公开条例》，把政务公开作为转变作风、服务群众的重要抓手",
    "坚持以公开为常态、不公开为例外，围绕中心工作持续深化政务公开",
    "严格按照上级关于政务公开工作的部署要求，健全制度机制，夯实工作基础",
    "紧扣年度政务公开工作要点，聚焦群众关心关注的事项，推动公开工作提质增效",
    "积极适应新形势新要求，将信息公开贯穿于权力运行的全流程",
    "持续完善公开工作责任体系，主要负责同志亲自过问、分管负责同志具体抓",
    "立足本职职能，把依法公开和便民服务结合起来，稳步提升工作透明度",
    "扎实推进决策、执行、管理、服务、结果公开，公开工作的规范化水平进一步提高",
)
_TOPICS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("在门户网站集中发布机构职能、权责清单和财政预决算信息", "依托政务新媒体矩阵同步推送重要政策文件",
      "按季度更新法定主动公开内容，逐项核对公开目录", "对涉及民生的重点领域信息实行专栏发布",
      "把重大项目批准和实施情况纳入常态化发布范围", "围绕营商环境建设公开涉企收费和惠企政策清单",
      "在便民服务大厅设置查阅点并配备纸质材料"),
     ("做到应公开尽公开", "确保发布内容准确、完整、及时", "方便群众一站式获取", "社会各界反响良好",
      "信息获取渠道更加畅通", "发布时效明显提升", "群众知晓率持续提高")),
    (("规范依申请公开的登记、审核、答复流程", "对疑难申请组织法律顾问会商研判", "建立申请办理台账并实行销号管理",
      "在法定期限内逐件出具规范的告知书", "对申请人补正要求一次性告知", "加强与申请人的沟通，准确理解其信息需求",
      "完善依申请公开转主动公开的评估机制"),
     ("答复质量稳步提高", "未发生超期答复的情况", "有效减少了重复申请", "保障了申请人的合法权益",
      "程序更加规范严谨", "答复文书的说理性明显增强", "群众满意度有所提升")),
    (("落实信息发布前的保密审查和内容审核制度", "定期清理行政规范性文件并向社会公布结果",
      "动态调整政府信息公开目录", "加强对历史公文的梳理和公开属性认定", "严格执行公文公开属性源头认定",
      "对过期失效信息及时做好归档处理", "建立健全信息发布协调机制"),
     ("信息管理的规范性不断增强", "有效防范了泄密风险", "公开底数更加清晰", "文件管理更加有序",
      "避免了信息发布前后不一致的问题", "工作链条实现闭环管理", "基础台账更加完备")),
    (("加强门户网站信息公开专栏的日常维护", "优化栏目设置和页面导航", "推进政务新媒体规范化建设",
      "完善站内搜索功能并开展无障碍改造", "对照检查指标逐项整改网站存在的问题", "加强政务服务平台与门户网站的数据对接",
      "更新网站适老化服务功能"),
     ("平台的承载能力进一步提升", "检索查阅更加便捷", "栏目内容保持常态更新", "用户体验持续改善",
      "网站运行安全平稳", "平台集约化水平稳步提高", "信息查找效率有所提升")),
    (("将政务公开纳入年度目标管理考核", "定期开展政务公开工作自查", "主动接受社会评议和舆论监督",
      "组织业务骨干参加专题培训", "明确专人负责公开工作的日常联络", "把公开工作情况纳入督查督办事项",
      "邀请群众代表参与公开工作评议"),
     ("发现问题及时整改到位", "工作人员的业务能力明显增强", "形成了一级抓一级的工作格局",
      "本年度未发生因信息公开工作引起的责任追究", "监督保障作用有效发挥", "责任链条压得更实", "工作合力进一步形成")),
    (("坚持政策文件与解读材料同步起草、同步审签、同步发布", "运用图文、音视频等多种形式解读政策",
      "围绕热点问题及时发布权威信息", "通过新闻发布会和访谈节目回应社会关切", "建立舆情收集、研判和回应机制",
      "邀请起草人员和专家学者参与政策解读"),
     ("政策解读的针对性和可读性增强", "回应社会关切更加及时有力", "政策知晓度明显提高", "有效引导了社会预期",
      "解读内容更接地气", "互动交流渠道更加丰富")),
)
_PROBLEMS = ("政策解读的形式还比较单一", "基层工作人员的业务能力有待提高", "部分栏目信息更新不够及时",
             "依申请公开答复文书的规范性还需加强", "主动公开的深度和广度还有提升空间", "政务新媒体的互动性不强",
             "信息公开与业务工作的融合还不够紧密", "公开内容的可读性有待提高", "工作人员流动较大，业务衔接不够顺畅",
             "对公开工作的宣传力度还不够")
_FIXES = ("丰富图文、视频等解读形式，提高解读的针对性", "定期组织业务培训，提升经办人员的专业水平",
          "建立栏目更新提醒机制，落实专人负责", "完善答复文书模板，加强合法性审核",
          "围绕重点领域拓展公开内容，提高公开质量", "加强政务新媒体运营，增强互动回应能力",
          "推动公开工作与业务工作同部署、同落实", "采用通俗易懂的语言发布信息", "建立岗位交接制度，保持工作连续性",
          "通过多种渠道宣传信息公开工作")
_OTHERS = ("本年度承办的人大代表建议和政协提案办理结果已按要求公开。", "年度政务公开工作要点确定的各项任务均已落实。",
           "本年度未发生需要特别说明的其他事项。", "建议提案办理复文已在门户网站专栏集中公开。",
           "本年度政务公开工作接受了第三方评估，评估意见已逐项整改。", "本年度无其他需要报告的事项。")
_ZERO_FEE = ("本年度未发出信息处理费收费通知，未收取信息处理费。",
             "{year}年，{name}没有向申请人收取信息处理费，也未发出收费通知。",
             "按照《政府信息公开信息处理费管理办法》的规定，本年度{name}未产生信息处理费。",
             "信息处理费收取情况：本年度未发出收费通知，实际收取信息处理费为零。")


def _self_word(kind: str) -> str:
    return {"department": "我局", "street": "本街道", "town": "本镇", "government": "区政府"}[kind]


def _prose(rng: random.Random, spec: ReportSpec, kind: str) -> dict[str, list[str]]:
    """Sections 一/五/六 of one report: sentences drawn from fragment pools, with the printed name and year mixed
    in, so that two reports share only short stretches. No figures of the tables appear (no narrative check),
    no roll-up wording appears in a member's report, and 六 always states the 信息处理费."""
    name, year, me = spec.organization, spec.year, _self_word(kind)
    first = f"{year}年，{name}{rng.choice(_OPENINGS)}。"
    topics = rng.sample(range(len(_TOPICS)), k=rng.randint(5, 6))
    paras = [first]
    for _i, t in enumerate(topics):
        actions, results = _TOPICS[t]
        a, b = rng.sample(actions, 2)
        lead = rng.choice(("", "一年来，", "全年，", f"{me}", "同时，", "此外，", "在此基础上，"))
        paras.append(f"{lead}{a}，{b}，{rng.choice(results)}。")
    picked = rng.sample(range(len(_PROBLEMS)), rng.randint(2, 3))
    nums = "一二三"
    five = ["存在的主要问题：" + "；".join(f"{nums[i]}是{_PROBLEMS[p]}" for i, p in enumerate(picked)) + "。",
            f"{year + 1}年，{name}将" + "；".join(f"{_FIXES[p]}" for p in picked) + "。"]
    if spec.fee_notices:
        fee = fee_sentence(spec)
    else:
        fee = rng.choice(_ZERO_FEE).format(year=year, name=name)
    six = [fee, rng.choice(_OTHERS)]
    return {"1": paras, "5": five, "6": six}


def spec_prose(spec: ReportSpec) -> str:
    return "\n".join(p for key in ("1", "5", "6") for p in spec.texts.get(key, ()))


# ---------------------------------------------------------------------------------------------------- values

def _numbers(values: dict[str, Value], cid: str) -> int:
    v = values[cid]
    return v if isinstance(v, int) and not isinstance(v, bool) else 0


def _set(values: dict[str, Value], cid: str, n: int) -> None:
    """Write a count, keeping a blank cell blank while it stays 0."""
    if n == 0 and values[cid] is None:
        return
    values[cid] = n


def _rebalance(values: dict[str, Value], fmt: Format, carried_over: dict[str, int] | None) -> None:
    """Make 上年结转 equal ``carried_over`` (last year's 结转下年度, per applicant column) and restore the
    balance (新收 = 办结 + 结转下年度 − 上年结转; an overflow is booked as 予以公开) and the 总计 column."""
    lay = request_layout(fmt)
    for col in lay.applicant_columns:
        if carried_over is not None:
            _set(values, _req(lay.carried_over, col), carried_over[col])
        over = _numbers(values, _req(lay.carried_over, col))
        closed = _numbers(values, _req(lay.results_total, col))
        forward = _numbers(values, _req(lay.carried_forward, col))
        received = closed + forward - over
        if received < 0:
            _set(values, _req(lay.result_rows[0], col), _numbers(values, _req(lay.result_rows[0], col)) - received)
            _set(values, _req(lay.results_total, col), closed - received)
            received = 0
        _set(values, _req(lay.received, col), received)
    _row_totals(values, fmt)


def _row_totals(values: dict[str, Value], fmt: Format) -> None:
    lay = request_layout(fmt)
    for row in fmt.request_rows:
        _set(values, _req(row.id, lay.total_column),
             sum(_numbers(values, _req(row.id, c)) for c in lay.applicant_columns))


def _forward(values: dict[str, Value], fmt: Format) -> dict[str, int]:
    lay = request_layout(fmt)
    return {c: _numbers(values, _req(lay.carried_forward, c)) for c in lay.applicant_columns}


def summed_cells(fmt: Format) -> tuple[str, ...]:
    """The cells a roll-up is compared on: every cell of the request and appeal tables."""
    return (*fmt.cells_of("requests"), *fmt.cells_of("appeals"))


def _published(rng: random.Random, year: int, kind: str) -> date | None:
    if rng.random() < 0.1:
        return None
    if kind == "government":
        return date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
    return date(year + 1, 1, rng.randint(5, 31))


def deadline(year: int, kind: str, level: str | None) -> date:
    """条例第五十条 (governments of province/city/district/county: 3月31日) or 第四十九条 (others: 1月31日)."""
    if kind == "government" and level in ("province", "city", "district", "county"):
        return date(year + 1, 3, 31)
    return date(year + 1, 1, 31)


# ---------------------------------------------------------------------------------------------------- region

@dataclass
class _Report:
    body: Body
    spec: ReportSpec  # organization = the printed name
    fmt_to: str = "md"


def _member_spec(rng: random.Random, body: Body, year: int, activity: str, printed: str) -> ReportSpec:
    spec = random_spec(rng, FORMAT_ID, body_kind=body.kind, year=year, activity=activity, organization=printed,
                       region=REGION, is_rollup=False)
    return replace(spec, published=_published(rng, year, body.kind), state_figures=False)


def _rollup_spec(rng: random.Random, district: Body, year: int, members: list[ReportSpec]) -> ReportSpec:
    fmt = get_format(FORMAT_ID)
    spec = random_spec(rng, FORMAT_ID, body_kind="government", year=year, activity="busy", allow_blank=False,
                       organization=district.name, region=REGION, is_rollup=True, state_figures=False)
    values = dict(spec.values)
    for cid in summed_cells(fmt):
        values[cid] = sum(_numbers(m.values, cid) for m in members)
    for row in fmt.proactive_rows:  # a district government cannot make 规章
        if row.id == "regulations":
            for cid in row.cells:
                values[cid] = 0
    return replace(spec, values=values, published=_published(rng, year, "government"),
                   fee_notices=sum(m.fee_notices for m in members),
                   fee_collected=float(sum(m.fee_collected for m in members)))


def _plant_carry_over(rng: random.Random, reports: dict[tuple[str, int], _Report], bodies: list[Body],
                      years: tuple[int, ...], district: str) -> list[ExpectedFinding]:
    """+d on 上年结转 of one applicant column in three member reports, balanced inside each report by +d on
    予以公开 and the results total: that column and 总计 differ from last year's 结转下年度. The district's roll-up
    sums its members' 上年结转, so it differs from its own last year in the same columns."""
    lay = request_layout(get_format(FORMAT_ID))
    out: list[ExpectedFinding] = []
    propagated: set[tuple[int, str]] = set()
    for body, year in zip(bodies, (years[1], years[-1], rng.choice(years[1:]))):
        r = reports[(body.name, year)]
        col, d = rng.choice(lay.applicant_columns[:2]), rng.randint(1, 4)
        values = dict(r.spec.values)
        for row in (lay.carried_over, lay.result_rows[0], lay.results_total):
            values[_req(row, col)] = _numbers(values, _req(row, col)) + d
        _row_totals(values, r.spec.format)
        r.spec = replace(r.spec, values=values)
        for c in (col, lay.total_column):
            out.append(ExpectedFinding("CARRY-OVER-MISMATCH", body.name, year, _req(lay.carried_over, c)))
            propagated.add((year, _req(lay.carried_over, c)))
    out += [ExpectedFinding("CARRY-OVER-MISMATCH", district, year, cid) for year, cid in sorted(propagated)]
    return out


def _plant_late_member(rng: random.Random, reports: dict[tuple[str, int], _Report], body: Body,
                       years: tuple[int, ...]) -> list[ExpectedFinding]:
    year = rng.choice(years)
    r = reports[(body.name, year)]
    r.spec = replace(r.spec, published=date(year + 1, 2, rng.randint(1, 27)))
    return [ExpectedFinding("LATE-PUBLICATION", body.name, year)]


def _plant_rollups(rng: random.Random, rollups: dict[int, _Report], years: tuple[int, ...],
                   district: str) -> list[ExpectedFinding]:
    """Two roll-ups state other values than their members' sums (own identities kept: 新收 and 予以公开 move
    together, so the balance holds and 结转下年度 — next year's 上年结转 — is untouched; in the appeal table a
    result and its total), in years other than the last (the incomplete one); the roll-up of the year before
    the last is published after 3月31日."""
    lay = request_layout(get_format(FORMAT_ID))
    review = next(i for i in get_format(FORMAT_ID).identities if i.rule == "appeals.group_total")
    plan = [(years[0], tuple(_req(row, c) for row in (lay.received, lay.result_rows[0], lay.results_total)
                             for c in (lay.applicant_columns[0], lay.total_column))),
            (years[1], (review.rhs[1], review.lhs[0]))]
    out = []
    for year, cells in plan:
        r = rollups[year]
        values = dict(r.spec.values)
        d = rng.randint(1, 5)
        for cid in cells:
            values[cid] = _numbers(values, cid) + d
        r.spec = replace(r.spec, values=values)
        out += [ExpectedFinding("ROLLUP-MISMATCH", district, year, cid) for cid in cells]
    late = years[-2]
    rollups[late].spec = replace(rollups[late].spec, published=date(late + 1, 4, rng.randint(1, 30)))
    out.append(ExpectedFinding("LATE-PUBLICATION", district, late))
    return out


def generate_region(seed: int = 0, *, departments: int = 30, years=(2022, 2023, 2024), plant: bool = True) -> Region:
    """A district with ``departments`` member bodies reporting over ``years`` (consecutive), deterministic for
    ``seed``; with ``plant``, the errors listed in the module docstring."""
    years = tuple(years)
    if not years or any(b != a + 1 for a, b in pairwise(years)):
        raise ValueError("years must be consecutive")
    if plant and len(years) < 3:
        raise ValueError("planting errors needs at least three years")
    rng = random.Random(seed)
    fmt = get_format(FORMAT_ID)
    members = _members(departments, years[0])
    district = Body(REGION + "人民政府", "government", "district")

    def printed(body: Body, year: int) -> str:
        if body.former and year <= body.former[0][1]:
            return body.former[0][0]
        if plant and _SHORT_ALIAS in body.aliases and year == years[1]:
            return _SHORT_ALIAS
        return body.name

    # ---- members: consistent year to year
    reports: dict[tuple[str, int], _Report] = {}
    for body in members:
        activity = rng.choices(("none", "low", "busy"), weights=(2, 4, 4))[0]
        last: dict[str, int] | None = None
        for year in years:
            spec = _member_spec(rng, body, year, activity, printed(body, year))
            values = dict(spec.values)
            _rebalance(values, fmt, last)
            last = _forward(values, fmt)
            reports[(body.name, year)] = _Report(body, replace(spec, values=values))

    # ---- plants in members (before the roll-ups are summed, so the roll-ups include them)
    planted: list[ExpectedFinding] = []
    missing: list[tuple[str, int]] = []
    dup_body: Body | None = None
    if plant:
        special = {b.name for b in members if b.aliases or b.former}
        plain = [b for b in members if b.kind == "department" and b.name not in special]
        order = rng.sample(plain, len(plain))
        dup_body = order[0]
        planted += _plant_carry_over(rng, reports, order[2:5], years, district.name)
        planted += _plant_late_member(rng, reports, order[1], years)
        missing.append((rng.choice([b for b in members if b.kind != "department"]).name, years[-1]))
    # ---- prose (after the plants: the fee statement and names are final)
    for r in reports.values():
        r.spec = replace(r.spec, texts=_prose(rng, r.spec, r.body.kind))
    if dup_body is not None:
        src, dst = reports[(dup_body.name, years[-2])], reports[(dup_body.name, years[-1])]
        dst.spec = replace(dst.spec, texts={k: list(v) for k, v in src.spec.texts.items()})
        planted.append(ExpectedFinding("DUPLICATE-CONTENT", dup_body.name, years[-1]))
    # ---- the district's roll-ups: the full sums (a dropped member's report is summed, then not published)
    rollups: dict[int, _Report] = {}
    for year in years:
        spec = _rollup_spec(rng, district, year, [reports[(b.name, year)].spec for b in members])
        rollups[year] = _Report(district, spec)
    unpublished = {key: reports.pop(key).spec for key in missing}
    if plant:
        planted += _plant_rollups(rng, rollups, years, district.name)
        planted.append(ExpectedFinding("ROLLUP-INCOMPLETE", district.name, years[-1]))
    for r in rollups.values():
        r.spec = replace(r.spec, texts=_prose(rng, r.spec, "government"))

    # ---- files
    all_reports = [*reports.values(), *rollups.values()]
    files: dict[str, bytes] = {}
    specs: dict[str, ReportSpec] = {}
    organizations: dict[str, str] = {}
    from gongkai.produce import render_spec

    for i, r in enumerate(sorted(all_reports, key=lambda r: (r.spec.year, r.body.name))):
        to = "html" if i % 9 == 4 else "docx" if i % 15 == 7 else "md"
        name = f"{r.spec.year}/{r.spec.organization}.{to}"
        files[name] = render_spec(r.spec, to)
        specs[name] = r.spec
        organizations[name] = r.body.name
    registry = _registry_yaml(members)
    bodies = {b.name: b for b in (*members, district)}
    expected = expected_findings([(bodies[organizations[n]], s) for n, s in specs.items()],
                                 {district.name: [b.name for b in members]})
    return Region(registry, files, specs, expected, organizations, sorted(planted, key=_order), members=members,
                  missing=tuple(missing), unpublished=unpublished)


def _order(f: ExpectedFinding) -> tuple:
    return (f.year, f.code, f.organization, f.cell_id or "")


# ---------------------------------------------------------------------------------------------------- oracle

def _count_or_text(v: Value) -> int | float | None:
    """A cell as the cross-report rules count it: blank and "n/a" are 0, a text cell is None (not assessable)."""
    if v is None or v == "n/a":
        return 0
    if isinstance(v, str):
        return None
    return v


def expected_findings(reports: list[tuple[Body, ReportSpec]], children: dict[str, list[str]]) -> list[ExpectedFinding]:
    """The cross-report rules of issue 5 applied to specs whose registered body is known (``children``: parent
    name → names of its direct children). An independent reading of the rules, used to make the region's
    expected findings exact."""
    fmt = get_format(FORMAT_ID)
    lay = request_layout(fmt)
    out: list[ExpectedFinding] = []
    series: dict[tuple[str, bool], dict[int, ReportSpec]] = defaultdict(dict)
    for body, spec in reports:
        series[(body.name, spec.is_rollup)][spec.year] = spec
    # CARRY-OVER-MISMATCH
    for (name, _), by_year in series.items():
        for year, spec in by_year.items():
            prev = by_year.get(year - 1)
            if prev is None:
                continue
            for col in (*lay.applicant_columns, lay.total_column):
                cid = _req(lay.carried_over, col)
                now, before = _count_or_text(spec.values[cid]), _count_or_text(prev.values[_req(lay.carried_forward, col)])
                if now is not None and before is not None and now != before:
                    out.append(ExpectedFinding("CARRY-OVER-MISMATCH", name, year, cid))
    # ROLLUP-MISMATCH / ROLLUP-INCOMPLETE
    current: dict[tuple[str, int], ReportSpec] = {}
    for body, spec in reports:
        key = (body.name, spec.year)
        if key not in current or spec.is_rollup and not current[key].is_rollup:
            current[key] = spec
    for body, spec in reports:
        if not spec.is_rollup:
            continue
        members = children.get(body.name, [])
        got = [current[(m, spec.year)] for m in members if (m, spec.year) in current]
        complete = len(got) == len(members)
        for cid in summed_cells(fmt):
            stated = _count_or_text(spec.values[cid])
            found = [_count_or_text(m.values[cid]) for m in got]
            parts = [p for p in found if p is not None]
            if stated is None or len(parts) < len(found):
                continue
            total = sum(parts)
            if (stated != total) if complete else (stated < total):
                out.append(ExpectedFinding("ROLLUP-MISMATCH", body.name, spec.year, cid))
        if not complete:
            out.append(ExpectedFinding("ROLLUP-INCOMPLETE", body.name, spec.year))
    # LATE-PUBLICATION
    for body, spec in reports:
        if spec.published is not None and spec.published > deadline(spec.year, body.kind, body.level):
            out.append(ExpectedFinding("LATE-PUBLICATION", body.name, spec.year))
    # DUPLICATE-CONTENT
    hashes = {(body.name, spec.year): prose_hashes(spec_prose(spec)) for body, spec in reports}
    parent = {m: p for p, ms in children.items() for m in ms}
    for (name, year), h in hashes.items():
        last_year = hashes.get((name, year - 1))
        if last_year is not None and (similarity(h, last_year) or 0) >= 0.8:
            out.append(ExpectedFinding("DUPLICATE-CONTENT", name, year))
        for (other, y2), h2 in hashes.items():
            if y2 == year and other != name and name in parent and parent.get(other) == parent[name] \
                    and (similarity(h, h2) or 0) >= 0.8:
                out.append(ExpectedFinding("DUPLICATE-CONTENT", name, year))
    return sorted(set(out), key=_order)


# ---------------------------------------------------------------------------------------------------- files

def write_region(region: Region, out_dir: Path) -> list[Path]:
    """Write the region's report files (``<year>/<printed name>.<ext>``) and the registry ``机关名录.yaml`` under
    ``out_dir``; returns the paths written, the registry last."""
    out_dir = Path(out_dir)
    paths = []
    for name, data in region.files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        paths.append(path)
    registry = out_dir / REGISTRY_FILE
    registry.write_text(region.registry_yaml, encoding="utf-8")
    paths.append(registry)
    return paths
