"""The organization registry file: which bodies exist, their kinds, aliases, former names and hierarchy.

The file is YAML (or the same structure as JSON), nesting = hierarchy; see docs/organizations.md. Loading
validates everything a later step relies on (unique names, an alias naming one body only), so the database
import and the matcher can trust what they get.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.errors import RegistryError, os_reason

KINDS = ("government", "department", "street", "town", "other")
LEVELS = ("province", "city", "district", "county")
KIND_NAMES = {"government": "人民政府", "department": "部门", "street": "街道", "town": "乡镇", "other": "其他"}
LEVEL_NAMES = {"province": "省级", "city": "市级", "district": "区级", "county": "县级"}

_ENTRY_KEYS = {"name", "kind", "level", "aliases", "former", "sites", "children", "note"}
# a declared web site: a host name, optionally with a path prefix (www.qinghe.gov.cn/tongxi)
_SITE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9](?:/[^\s?#]*)?$")
_TOWN = re.compile(r"(镇|乡)(人民)?政府$")
_STREET = re.compile(r"(街道办事处|街道办|街办|街道)$")
_GOVERNMENT = re.compile(r"政府$")
# the place's own type, read from the end of the place name (自治区 before 区: it is a province)
_LEVEL_SUFFIXES = (
    ("特别行政区", "province"),
    ("自治区", "province"),
    ("省", "province"),
    ("自治州", "city"),
    ("市", "city"),
    ("州", "city"),
    ("盟", "city"),
    ("区", "district"),
    ("县", "county"),
    ("旗", "county"),
)


@dataclass(frozen=True, slots=True)
class OrgNode:
    """A body in the organization registry, as the store holds it (its row id, its parent's)."""

    id: int
    name: str
    kind: str  # government | department | street | town | other
    level: str | None = None  # province | city | district | county (governments); None otherwise
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """One body of the registry with its sub-bodies (nesting = hierarchy)."""

    name: str
    kind: str
    level: str | None = None
    aliases: tuple[str, ...] = ()
    former: tuple[tuple[str, int | None], ...] = ()  # (old name, last report year under it)
    sites: tuple[str, ...] = ()  # web sites the body publishes on: host[/path prefix], lower case
    children: tuple[RegistryEntry, ...] = ()
    note: str | None = None
    path: str = field(default="", compare=False)  # 'organizations[0].children[3]', for messages

    def walk(self):
        """This entry and every entry below it, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


def guess_kind(name: str) -> tuple[str, str | None]:
    """(kind, level) guessed from a body's name: …人民政府 → government with the level of its place,
    …镇/乡人民政府 → town, …街道办事处 → street, anything else → department."""
    name = re.sub(r"\s+", "", name)
    if _TOWN.search(name):
        return "town", None
    if _STREET.search(name):
        return "street", None
    if _GOVERNMENT.search(name):
        place = re.sub(r"(人民)?政府$", "", name)
        for suffix, level in _LEVEL_SUFFIXES:
            if place.endswith(suffix):
                return "government", level
        return "government", None
    return "department", None


def load_registry(path_or_text: str | Path) -> list[RegistryEntry]:
    """Read a registry (a path, or the YAML/JSON text itself) into its top-level entries.

    Raises :class:`RegistryError` (E-ORGS) naming the entry path for: a missing name, an unknown kind or
    level, a name used twice, an alias (or a name) that names two different bodies, a malformed field.
    """
    text, source = _read(path_or_text)
    data = _parse(text, source)
    if isinstance(data, dict):
        if set(data) - {"organizations"}:
            raise RegistryError(
                f"顶层只能有 organizations 字段，发现：{'、'.join(map(str, set(data) - {'organizations'}))}",
                source=source,
            )
        data = data.get("organizations")
    if not isinstance(data, list) or not data:
        raise RegistryError("机关名录应有 organizations 列表，且至少包含一个机关", source=source)
    entries = [_entry(item, f"organizations[{i}]", source) for i, item in enumerate(data)]
    _check_unique(entries, source)
    return entries


# ------------------------------------------------------------------------------------------------ helpers


def _read(path_or_text: str | Path) -> tuple[str, str | None]:
    if isinstance(path_or_text, Path) or (
        "\n" not in path_or_text and len(path_or_text) < 1024 and path_or_text.strip() and _is_file(path_or_text)
    ):
        path = Path(path_or_text)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise RegistryError(f"无法读取机关名录文件：{os_reason(exc)}", source=str(path)) from None
        try:
            return raw.decode("utf-8-sig"), str(path)
        except UnicodeDecodeError:
            raise RegistryError("机关名录文件应为 UTF-8 编码", source=str(path)) from None
    return str(path_or_text), None


def _is_file(text: str) -> bool:
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def _parse(text: str, source: str | None):
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            pass  # YAML flow style also starts with { or [
        except RecursionError:
            raise RegistryError("机关名录的 JSON 嵌套层次过深", source=source) from None
        except ValueError:  # json.loads refuses an integer of more than 4,300 digits
            raise RegistryError("机关名录的 JSON 中有过长的数字", source=source) from None
    from gongkai.safe_yaml import YamlRefused, load

    try:
        return load(text)  # bounded: depth, aliases and nodes are checked before anything is built
    except YamlRefused as exc:
        raise RegistryError(f"机关名录不是有效的 YAML/JSON：{exc}", source=source) from None


def _text(value, what: str, path: str, source: str | None) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{path}：{what}应为非空文字", source=source)
    return re.sub(r"\s+", "", value)


def _entry(item, path: str, source: str | None) -> RegistryEntry:
    if isinstance(item, str):  # a bare name is a leaf with every field guessed
        item = {"name": item}
    if not isinstance(item, dict):
        raise RegistryError(f"{path}：每个机关应是一个包含 name 的条目", source=source)
    if "name" not in item or item["name"] is None:
        raise RegistryError(f"{path}：缺少机关名称（name）", source=source)
    unknown = set(map(str, item)) - _ENTRY_KEYS
    if unknown:
        raise RegistryError(
            f"{path}：未知字段 {'、'.join(sorted(unknown))}（可用字段：{'、'.join(sorted(_ENTRY_KEYS))}）",
            source=source,
        )
    name = _text(item["name"], "机关名称（name）", path, source)
    guessed_kind, guessed_level = guess_kind(name)
    kind = item.get("kind") or guessed_kind
    if kind not in KINDS:
        raise RegistryError(f"{path}（{name}）：未知的机关类型 kind: {kind}（可用：{'、'.join(KINDS)}）", source=source)
    level = item.get("level")
    if level is not None and level not in LEVELS:
        raise RegistryError(
            f"{path}（{name}）：未知的行政级别 level: {level}（可用：{'、'.join(LEVELS)}）", source=source
        )
    if level is not None and kind != "government":
        raise RegistryError(f"{path}（{name}）：level 只适用于 kind: government", source=source)
    if kind == "government" and level is None:
        level = guessed_level if guessed_kind == "government" else guess_kind(name + "人民政府")[1]
    aliases = item.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list):
        raise RegistryError(f"{path}（{name}）：aliases 应为名称列表", source=source)
    alias_names = tuple(
        dict.fromkeys(
            a for a in (_text(a, "别名", f"{path}.aliases[{i}]", source) for i, a in enumerate(aliases)) if a != name
        )
    )
    former = _former(item.get("former") or [], f"{path}.former", name, source)
    sites = _sites(item.get("sites") or [], f"{path}.sites", name, source)
    children = item.get("children") or []
    if not isinstance(children, list):
        raise RegistryError(f"{path}（{name}）：children 应为机关列表", source=source)
    note = item.get("note")
    return RegistryEntry(
        name=name,
        kind=kind,
        level=level,
        aliases=alias_names,
        former=former,
        sites=sites,
        children=tuple(_entry(c, f"{path}.children[{i}]", source) for i, c in enumerate(children)),
        note=str(note) if note is not None else None,
        path=path,
    )


def _former(items, path: str, name: str, source: str | None) -> tuple[tuple[str, int | None], ...]:
    if isinstance(items, (str, dict)):
        items = [items]
    if not isinstance(items, list):
        raise RegistryError(f"{path}（{name}）：former 应为列表", source=source)
    out: dict[str, int | None] = {}
    for i, item in enumerate(items):
        where = f"{path}[{i}]"
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict) or "name" not in item:
            raise RegistryError(f"{where}（{name}）：曾用名应写作 {{name: 旧名称, until: 年份}}", source=source)
        extra = set(map(str, item)) - {"name", "until"}
        if extra:
            raise RegistryError(
                f"{where}（{name}）：未知字段 {'、'.join(sorted(extra))}（可用：name、until）", source=source
            )
        old = _text(item["name"], "曾用名", where, source)
        until = item.get("until")
        if until is not None:
            if (
                isinstance(until, bool)
                or not isinstance(until, (int, str))
                or not str(until).isdigit()
                or not 1949 <= int(until) <= 2200
            ):
                raise RegistryError(f"{where}（{name}）：until 应为年份（使用该名称的最后一个报告年度）", source=source)
            until = int(until)
        if old != name:
            out[old] = until
    return tuple(out.items())


def site_key(site: str) -> str:
    """The comparable form of a declared site or an address: lower-case host and path prefix, no scheme, no
    port, no trailing slash (http://WWW.Tongxi.gov.cn:80/ → www.tongxi.gov.cn)."""
    text = site.strip()
    text = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", text).split("?")[0].split("#")[0]
    host, _, rest = text.partition("/")
    host = host.rsplit("@", 1)[-1].split(":")[0].rstrip(".").lower()
    rest = rest.strip("/").lower()  # portals' paths are matched case-blind, as their servers mostly serve them
    return f"{host}/{rest}" if rest else host


def _sites(items, path: str, name: str, source: str | None) -> tuple[str, ...]:
    if isinstance(items, str):
        items = [items]
    if not isinstance(items, list):
        raise RegistryError(f"{path}（{name}）：sites 应为网站地址列表", source=source)
    out: dict[str, None] = {}
    for i, item in enumerate(items):
        key = site_key(_text(item, "网站地址", f"{path}[{i}]", source))
        if not _SITE.match(key):
            raise RegistryError(
                f"{path}[{i}]（{name}）：“{item}”不是网站地址（应写作 www.example.gov.cn，可带路径前缀）", source=source
            )
        out[key] = None
    return tuple(out)


def _check_unique(entries: list[RegistryEntry], source: str | None) -> None:
    """Each name names one body; an alias names one body and is nobody else's name."""
    from gongkai.orgs.match import normalize

    names: dict[str, RegistryEntry] = {}
    for entry in (e for top in entries for e in top.walk()):
        key = normalize(entry.name)
        if key in names:
            raise RegistryError(f"{entry.path}：机关名称“{entry.name}”重复（已用于 {names[key].path}）", source=source)
        names[key] = entry
    aliases: dict[str, RegistryEntry] = {}
    for entry in (e for top in entries for e in top.walk()):
        for alias in entry.aliases:
            key = normalize(alias)
            other = names.get(key)
            if other is not None and other is not entry:
                raise RegistryError(
                    f"{entry.path}：别名“{alias}”是另一个机关 {other.path}（{other.name}）的名称", source=source
                )
            other = aliases.get(key)
            if other is not None and other is not entry:
                raise RegistryError(
                    f"{entry.path}：别名“{alias}”同时指向两个机关（另见 {other.path}：{other.name}）", source=source
                )
            aliases[key] = entry
    sites: dict[str, RegistryEntry] = {}
    for entry in (e for top in entries for e in top.walk()):
        for site in entry.sites:
            other = sites.get(site)
            if other is not None and other is not entry:
                raise RegistryError(
                    f"{entry.path}：网站“{site}”同时属于两个机关（另见 {other.path}：{other.name}）", source=source
                )
            sites[site] = entry
