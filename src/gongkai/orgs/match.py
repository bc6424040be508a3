"""Matching the organization printed in a report to the registry (pure, no database).

Reports name their body in many ways: the full registered name, an alias, a name the body had before a
reorganisation, or a name written relative to its place (区城市运行管理中心, 本区城市运行管理中心, 城市运行管理中心).
:class:`OrgIndex` precomputes a dictionary for each of these so a match is a few lookups.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.orgs.registry import OrgNode, site_key

EXACT, ALIAS, FORMER, SHORT, AMBIGUOUS, UNMATCHED = "exact", "alias", "former", "short", "ambiguous", "unmatched"

# what a title leaves after the body's name: 2023年度 / 2023年 / 政府信息公开工作年度报告 / 关于…的
_TITLE_TAIL = re.compile(r"(?:\(?(?:\d{4}(?:年度|年)?|年度)\)?)?(?:政府信息公开(?:工作)?(?:年度)?(?:报告|年报))?$")
_NOISE = re.compile(r"[\s\u3000\u200b\ufeff·•\"'“”‘’《》<>]+")
# equivalent endings, written one way in the keys (both sides of a lookup go through normalize)
_ENDINGS = ((re.compile(r"(街道办事处|街道办|街办|街道)$"), "街道办事处"), (re.compile(r"(?<!人民)政府$"), "人民政府"))
# one place unit: at least two characters, then a place type (自治… before the plain types)
_PLACE_UNIT = re.compile(r".{2,}?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|街道|省|市|州|盟|区|县|旗|镇|乡)")
_PLACE_TYPES = set("省市州盟区县旗镇乡街")
_LOCAL_KINDS = {"government", "town", "street"}  # bodies whose name gives a place
_ADDRESS = re.compile(r"https?://[^\s\"'<>|｜]+", re.I)  # an address inside a hint


def normalize(name: str) -> str:
    """The comparable form of a body's name: NFKC (full-width → half-width, （）→ ()), no spaces or quotes,
    no year / 年度 / 政府信息公开工作年度报告 left by a title, and one spelling of equivalent endings."""
    text = _NOISE.sub("", unicodedata.normalize("NFKC", name or ""))
    text = text.replace("[", "(").replace("]", ")").replace("〔", "(").replace("〕", ")")
    for _ in range(2):  # "…2023年度政府信息公开工作年度报告" loses both the report words and the year
        text = _TITLE_TAIL.sub("", text).rstrip(":：,，.。-—_ ")
    for pattern, ending in _ENDINGS:
        text = pattern.sub(ending, text)
    return text


def place_of(name: str) -> str | None:
    """The place a local government's (normalized) name stands for: 青禾市桐溪区人民政府 → 青禾市桐溪区,
    杏林街道办事处 → 杏林街道; None for any other name."""
    if name.endswith("人民政府") and len(name) > 4:
        return name[:-4]
    if name.endswith("街道办事处") and len(name) > 5:
        return name[:-3]
    return None


def place_units(place: str) -> list[str]:
    """青禾市桐溪区 → [青禾市, 桐溪区]; a remainder that does not end in a place type is kept as a unit."""
    units = _PLACE_UNIT.findall(place)
    rest = place[sum(map(len, units)) :]
    return units + [rest] if rest else units


@dataclass(frozen=True, slots=True)
class Match:
    status: str  # exact | alias | former | short | ambiguous | unmatched
    org_id: int | None = None
    candidates: tuple[int, ...] = ()
    note: str = ""


class OrgIndex:
    """Lookup tables over the registry; build once, match many times."""

    def __init__(self) -> None:
        self.nodes: dict[int, OrgNode] = {}
        self._names: dict[str, int] = {}
        self._aliases: dict[str, set[int]] = defaultdict(set)
        self._former: dict[str, dict[int, int | None]] = defaultdict(dict)
        self._short: dict[str, set[int]] = defaultdict(set)
        self._short_former: dict[str, dict[int, int | None]] = defaultdict(dict)
        self._places: dict[str, int] = {}  # normalized place → the local government standing for it
        self._hint_words: dict[int, tuple[tuple[str, int], ...]] = {}
        self._sites: dict[str, int] = {}  # declared site (host[/path prefix]) → the body publishing there

    # ------------------------------------------------------------------------------------------- build

    @classmethod
    def build(cls, nodes: Iterable[OrgNode], aliases: Iterable[tuple[int, str, str, int | None]] = ()) -> OrgIndex:
        """``aliases``: (org_id, alias, relation 'alias'|'former'|'site', until_year); a 'site' row is a web
        site the body declares in the registry (host[/path prefix]), not a name."""
        index = cls()
        for node in nodes:
            index.nodes[node.id] = node
            key = normalize(node.name)
            index._names.setdefault(key, node.id)
            place = place_of(key) if node.kind in _LOCAL_KINDS or node.kind == "other" else None
            if place:
                index._places.setdefault(place, node.id)
        alias_rows = list(aliases)
        for org_id, alias, relation, until in alias_rows:
            if org_id not in index.nodes:
                continue
            if relation == "site":
                index._sites.setdefault(site_key(alias), org_id)
                continue
            key = normalize(alias)
            if relation == "former":
                index._former[key][org_id] = until
            else:
                index._aliases[key].add(org_id)
        for node in index.nodes.values():
            key = normalize(node.name)
            for short in index._short_keys(key):
                index._short[short].add(node.id)
            index._hint_words[node.id] = index._words(node, key)
        for org_id, alias, relation, until in alias_rows:
            if org_id not in index.nodes or relation == "site":
                continue
            for short in index._short_keys(normalize(alias)):
                if relation == "former":
                    index._short_former[short][org_id] = until
                else:
                    index._short[short].add(org_id)
        return index

    def _longest_place(self, key: str) -> str | None:
        """The longest registered place that ``key`` starts with, other than the place ``key`` itself
        stands for (青禾市桐溪区人民政府 → 青禾市, not 青禾市桐溪区)."""
        own = place_of(key)
        for end in range(len(key) - 1, 1, -1):
            prefix = key[:end]
            if prefix != own and prefix in self._places:
                return prefix
        return None

    def _short_keys(self, key: str) -> set[str]:
        """The ways a name is written relative to its place: for 青禾市桐溪区城市运行管理中心 (place 青禾市桐溪区)
        城市运行管理中心, 区城市运行管理中心, 桐溪区城市运行管理中心."""
        place = self._longest_place(key)
        if place is None:
            return set()
        function = key[len(place) :]
        if len(function) < 2:
            return set()
        units = place_units(place)
        keys = {function, _place_type(units[-1]) + function}
        for k in range(1, len(units)):
            keys.add("".join(units[-k:]) + function)
        keys.discard(key)
        return keys

    def _words(self, node: OrgNode, key: str) -> tuple[tuple[str, int], ...]:
        """(word, depth) pairs whose presence in a hint (a file path) points at this body: the last unit of its
        place and of its parent's place (with and without the type), the parent's name. The depth (number of
        place units) lets a hit on 桐溪区 outrank a hit on 青禾市 when a path names both."""
        words: dict[str, int] = {}
        parent = self.nodes.get(node.parent_id) if node.parent_id is not None else None
        for source in filter(None, [self._longest_place(key), self._parent_place(node)]):
            units = place_units(source)
            depth = len(units)
            stem = re.sub(r"(特别行政区|自治区|自治州|自治县|自治旗|地区|街道|[省市州盟区县旗镇乡])$", "", units[-1])
            for word in (source, units[-1], stem if len(stem) >= 2 else ""):
                if word:
                    words[word] = max(words.get(word, 0), depth)
            if parent is not None:
                words[normalize(parent.name)] = max(words.get(normalize(parent.name), 0), depth)
        return tuple(words.items())

    def _parent_place(self, node: OrgNode) -> str | None:
        parent = self.nodes.get(node.parent_id) if node.parent_id is not None else None
        return place_of(normalize(parent.name)) if parent is not None else None

    # ------------------------------------------------------------------------------------------- match

    def name(self, org_id: int) -> str:
        return self.nodes[org_id].name

    def find(self, name: str) -> int | None:
        """The body registered under exactly this (normalized) name."""
        return self._names.get(normalize(name))

    def match(self, printed: str, year: int | None = None, hint: str = "") -> Match:
        key = normalize(printed)
        if not key:
            return Match(UNMATCHED, note="报告中未能读出机关名称")
        if key in self._names:
            org_id = self._names[key]
            return Match(EXACT, org_id, (org_id,))
        ids = self._aliases.get(key)
        if ids:
            return self._one_or_many(ALIAS, ids, f"“{printed}”是登记的别名", hint)
        formers = self._former.get(key)
        if formers:
            return self._former_match(printed, formers, year, hint, short=False)
        short = _strip_own(key)
        ids = self._short.get(short)
        if ids:
            return self._one_or_many(SHORT, ids, f"“{printed}”按所在地简称匹配", hint)
        formers = self._short_former.get(short)
        if formers:
            return self._former_match(printed, formers, year, hint, short=True)
        return Match(UNMATCHED, note=f"机关名录中没有“{printed}”")

    def _one_or_many(self, status: str, ids: set[int], why: str, hint: str) -> Match:
        if len(ids) == 1:
            (org_id,) = ids
            return Match(status, org_id, (org_id,), f"{why}：{self.name(org_id)}")
        ordered = tuple(sorted(ids))
        picked = self._by_hint(ordered, hint)
        if picked is not None:
            return Match(
                status, picked, ordered, f"{why}，有 {len(ordered)} 个候选，按文件路径等线索选定：{self.name(picked)}"
            )
        names = "、".join(self.name(i) for i in ordered[:5]) + ("等" if len(ordered) > 5 else "")
        return Match(AMBIGUOUS, None, ordered, f"{why}，但有 {len(ordered)} 个候选：{names}")

    def _former_match(
        self, printed: str, formers: dict[int, int | None], year: int | None, hint: str, short: bool
    ) -> Match:
        ids = set(formers)
        if len(ids) > 1 and year is not None:  # a name two bodies had: the one that still used it that year
            in_use = {i for i, until in formers.items() if until is None or year <= until}
            ids = in_use or ids
        how = "（按所在地简称）" if short else ""
        m = self._one_or_many(FORMER, ids, f"“{printed}”是曾用名{how}", hint)
        if m.org_id is None:
            return m
        note = f"“{printed}”是“{self.name(m.org_id)}”的曾用名{how}"
        until = formers[m.org_id]
        if until is not None:
            note += f"（使用至 {until} 年度）"
            if year is not None and year > until:
                note += f"；报告年度 {year} 已晚于该名称停用的年度，仍按曾用名匹配"
        if m.note and "线索" in m.note:
            note += "；有多个候选，按文件路径等线索选定"
        return Match(FORMER, m.org_id, m.candidates, note)

    def _by_hint(self, candidates: tuple[int, ...], hint: str) -> int | None:
        """The one candidate whose place the hint names most specifically, if there is exactly one. An address
        in the hint on a site the registry declares narrows the candidates first to that body and the bodies
        under it. Only ever one of ``candidates``: the hint chooses among what the printed name allows."""
        if not hint:
            return None
        owners = {o for m in _ADDRESS.finditer(hint) if (o := self._site_owner(m.group(0))) is not None}
        if owners:
            under = tuple(c for c in candidates if any(self._is_under(c, o) for o in owners))
            if len(under) == 1:
                return under[0]
            candidates = under or candidates
        text = normalize(unquote(hint))  # a percent-encoded path names its places too
        scores = {c: max((d for w, d in self._hint_words.get(c, ()) if w in text), default=0) for c in candidates}
        best = max(scores.values(), default=0)
        hits = [c for c, score in scores.items() if best and score == best]
        return hits[0] if len(hits) == 1 else None

    def _site_owner(self, address: str) -> int | None:
        """The body whose declared site is the most specific one holding ``address``: the same host or a host
        under it (tongxi.gov.cn holds www.tongxi.gov.cn), and the site's path prefix, whole segments."""
        if not self._sites:
            return None
        host, _, path = site_key(address).partition("/")
        best, owner = -1, None
        for site, org_id in self._sites.items():
            site_host, _, prefix = site.partition("/")
            if host != site_host and not host.endswith("." + site_host):
                continue
            if prefix and path != prefix and not path.startswith(prefix + "/"):
                continue
            if len(site) > best:
                best, owner = len(site), org_id
        return owner

    def _is_under(self, org_id: int, ancestor: int) -> bool:
        seen: set[int] = set()
        current: int | None = org_id
        while current is not None and current not in seen:
            if current == ancestor:
                return True
            seen.add(current)
            node = self.nodes.get(current)
            current = node.parent_id if node is not None else None
        return False

    # ------------------------------------------------------------------------------------------ parent

    def parent_for(self, name: str) -> int | None:
        """The local government whose place is the longest proper prefix of ``name``."""
        place = self._longest_place(normalize(name))
        return self._places[place] if place is not None else None


def _place_type(unit: str) -> str:
    """桐溪区 → 区, 杏林街道 → 街道, 某某自治县 → 县 (how a report says 'our place': 本区, 本街道, 本县)."""
    m = re.search(r"(特别行政区|自治区|自治州|自治县|自治旗|地区|街道|[省市州盟区县旗镇乡])$", unit)
    if m is None:
        return ""
    return {"特别行政区": "区", "自治区": "区", "自治州": "州", "自治县": "县", "自治旗": "旗"}.get(
        m.group(1), m.group(1)
    )


def _strip_own(key: str) -> str:
    """本区城市运行管理中心 / 我区… → 区城市运行管理中心 (the 本/我 says 'our place')."""
    if len(key) > 2 and key[0] in "本我" and key[1] in _PLACE_TYPES:  # 街 covers 本街道
        return key[1:]
    return key


def derive_parent(name: str, index: OrgIndex) -> int | None:
    """For a body not in the registry: the registered government whose place is the longest prefix of its
    name (青禾市桐溪区民政局 → 青禾市桐溪区人民政府)."""
    return index.parent_for(name)
