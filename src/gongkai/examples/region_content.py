"""The generated district's report content: prose, figures kept consistent, publication dates and deadlines.

Used by :mod:`gongkai.examples.region` (the generator) and :mod:`gongkai.examples.region_expected` (the oracle).
"""

from __future__ import annotations

import random
from datetime import date

from gongkai.render.text import fee_sentence
from gongkai.spec import ReportSpec, Value
from gongkai.spec import request_cell as _req
from gongkai.standard import Format
from gongkai.standard.layout import request_layout

FORMAT_ID = "2021"


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
    (
        (
            "在门户网站集中发布机构职能、权责清单和财政预决算信息",
            "依托政务新媒体矩阵同步推送重要政策文件",
            "按季度更新法定主动公开内容，逐项核对公开目录",
            "对涉及民生的重点领域信息实行专栏发布",
            "把重大项目批准和实施情况纳入常态化发布范围",
            "围绕营商环境建设公开涉企收费和惠企政策清单",
            "在便民服务大厅设置查阅点并配备纸质材料",
        ),
        (
            "做到应公开尽公开",
            "确保发布内容准确、完整、及时",
            "方便群众一站式获取",
            "社会各界反响良好",
            "信息获取渠道更加畅通",
            "发布时效明显提升",
            "群众知晓率持续提高",
        ),
    ),
    (
        (
            "规范依申请公开的登记、审核、答复流程",
            "对疑难申请组织法律顾问会商研判",
            "建立申请办理台账并实行销号管理",
            "在法定期限内逐件出具规范的告知书",
            "对申请人补正要求一次性告知",
            "加强与申请人的沟通，准确理解其信息需求",
            "完善依申请公开转主动公开的评估机制",
        ),
        (
            "答复质量稳步提高",
            "未发生超期答复的情况",
            "有效减少了重复申请",
            "保障了申请人的合法权益",
            "程序更加规范严谨",
            "答复文书的说理性明显增强",
            "群众满意度有所提升",
        ),
    ),
    (
        (
            "落实信息发布前的保密审查和内容审核制度",
            "定期清理行政规范性文件并向社会公布结果",
            "动态调整政府信息公开目录",
            "加强对历史公文的梳理和公开属性认定",
            "严格执行公文公开属性源头认定",
            "对过期失效信息及时做好归档处理",
            "建立健全信息发布协调机制",
        ),
        (
            "信息管理的规范性不断增强",
            "有效防范了泄密风险",
            "公开底数更加清晰",
            "文件管理更加有序",
            "避免了信息发布前后不一致的问题",
            "工作链条实现闭环管理",
            "基础台账更加完备",
        ),
    ),
    (
        (
            "加强门户网站信息公开专栏的日常维护",
            "优化栏目设置和页面导航",
            "推进政务新媒体规范化建设",
            "完善站内搜索功能并开展无障碍改造",
            "对照检查指标逐项整改网站存在的问题",
            "加强政务服务平台与门户网站的数据对接",
            "更新网站适老化服务功能",
        ),
        (
            "平台的承载能力进一步提升",
            "检索查阅更加便捷",
            "栏目内容保持常态更新",
            "用户体验持续改善",
            "网站运行安全平稳",
            "平台集约化水平稳步提高",
            "信息查找效率有所提升",
        ),
    ),
    (
        (
            "将政务公开纳入年度目标管理考核",
            "定期开展政务公开工作自查",
            "主动接受社会评议和舆论监督",
            "组织业务骨干参加专题培训",
            "明确专人负责公开工作的日常联络",
            "把公开工作情况纳入督查督办事项",
            "邀请群众代表参与公开工作评议",
        ),
        (
            "发现问题及时整改到位",
            "工作人员的业务能力明显增强",
            "形成了一级抓一级的工作格局",
            "本年度未发生因信息公开工作引起的责任追究",
            "监督保障作用有效发挥",
            "责任链条压得更实",
            "工作合力进一步形成",
        ),
    ),
    (
        (
            "坚持政策文件与解读材料同步起草、同步审签、同步发布",
            "运用图文、音视频等多种形式解读政策",
            "围绕热点问题及时发布权威信息",
            "通过新闻发布会和访谈节目回应社会关切",
            "建立舆情收集、研判和回应机制",
            "邀请起草人员和专家学者参与政策解读",
        ),
        (
            "政策解读的针对性和可读性增强",
            "回应社会关切更加及时有力",
            "政策知晓度明显提高",
            "有效引导了社会预期",
            "解读内容更接地气",
            "互动交流渠道更加丰富",
        ),
    ),
)
_PROBLEMS = (
    "政策解读的形式还比较单一",
    "基层工作人员的业务能力有待提高",
    "部分栏目信息更新不够及时",
    "依申请公开答复文书的规范性还需加强",
    "主动公开的深度和广度还有提升空间",
    "政务新媒体的互动性不强",
    "信息公开与业务工作的融合还不够紧密",
    "公开内容的可读性有待提高",
    "工作人员流动较大，业务衔接不够顺畅",
    "对公开工作的宣传力度还不够",
)
_FIXES = (
    "丰富图文、视频等解读形式，提高解读的针对性",
    "定期组织业务培训，提升经办人员的专业水平",
    "建立栏目更新提醒机制，落实专人负责",
    "完善答复文书模板，加强合法性审核",
    "围绕重点领域拓展公开内容，提高公开质量",
    "加强政务新媒体运营，增强互动回应能力",
    "推动公开工作与业务工作同部署、同落实",
    "采用通俗易懂的语言发布信息",
    "建立岗位交接制度，保持工作连续性",
    "通过多种渠道宣传信息公开工作",
)
_OTHERS = (
    "本年度承办的人大代表建议和政协提案办理结果已按要求公开。",
    "年度政务公开工作要点确定的各项任务均已落实。",
    "本年度未发生需要特别说明的其他事项。",
    "建议提案办理复文已在门户网站专栏集中公开。",
    "本年度政务公开工作接受了第三方评估，评估意见已逐项整改。",
    "本年度无其他需要报告的事项。",
)
_ZERO_FEE = (
    "本年度未发出信息处理费收费通知，未收取信息处理费。",
    "{year}年，{name}没有向申请人收取信息处理费，也未发出收费通知。",
    "按照《政府信息公开信息处理费管理办法》的规定，本年度{name}未产生信息处理费。",
    "信息处理费收取情况：本年度未发出收费通知，实际收取信息处理费为零。",
)


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
    five = [
        "存在的主要问题：" + "；".join(f"{nums[i]}是{_PROBLEMS[p]}" for i, p in enumerate(picked)) + "。",
        f"{year + 1}年，{name}将" + "；".join(f"{_FIXES[p]}" for p in picked) + "。",
    ]
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
        _set(
            values,
            _req(row.id, lay.total_column),
            sum(_numbers(values, _req(row.id, c)) for c in lay.applicant_columns),
        )


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
