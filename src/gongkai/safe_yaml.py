"""YAML from users and scripts, loaded within bounds: nesting depth, node count and alias expansion are
measured on the event stream and the node graph BEFORE any Python object is built, so an alias bomb or a
document nested thousands deep is refused instead of taking memory or the stack.

Only the safe tags are constructed (``yaml.SafeLoader``); a value the safe constructor cannot build (an
invalid date such as ``2025-02-30``) is reported as :class:`YamlRefused`, never as a Python exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(frozen=True)
class YamlLimits:
    max_depth: int = 64  # a form is 3 levels deep
    max_events: int = 200_000  # parser events (scalars, collections, aliases) as written
    max_nodes: int = 200_000  # nodes after alias expansion: what a consumer walking the data would see
    # characters of one integer scalar: int() of 4,300+ decimal digits raises, and a hex/octal/binary literal
    # builds an integer that no message can print; a cell value has < 15 digits
    max_number_chars: int = 100


DEFAULT_YAML_LIMITS = YamlLimits()


class YamlRefused(ValueError):
    """The YAML is malformed or over a limit; the message is Chinese and names the line where known."""


# libyaml's parser when PyYAML was built with it (about ten times faster; both are non-recursive state machines
# and share the same Python resolver and safe constructor, so the data built is the same)
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SAFE_LOADER):  # type: ignore[misc,valid-type]
    """SafeLoader whose timestamps say where an impossible date is, instead of raising ValueError."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        raise YamlRefused(f"日期“{node.value}”无效{_where(node.start_mark)}") from None


def _int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    limit = getattr(loader, "max_number_chars", DEFAULT_YAML_LIMITS.max_number_chars)
    if len(node.value) > limit:  # checked on the text, before int() sees it
        raise YamlRefused(f"数字过长（{len(node.value)} 个字符，上限 {limit} 个）{_where(node.start_mark)}")
    return yaml.SafeLoader.construct_yaml_int(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _int)


def _where(mark: Any) -> str:
    return f"（第{mark.line + 1}行）" if mark is not None else ""


def _scan(text: str, limits: YamlLimits) -> None:
    """Depth and size from the event stream: the parser is a state machine, so this never recurses."""
    depth = events = 0
    for event in yaml.parse(text, Loader=_SAFE_LOADER):
        events += 1
        if events > limits.max_events:
            raise YamlRefused(f"YAML 内容过多（超过 {limits.max_events} 个元素）{_where(event.start_mark)}")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > limits.max_depth:
                raise YamlRefused(f"YAML 嵌套层次过深（超过 {limits.max_depth} 层）{_where(event.start_mark)}")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _expanded_size(root: yaml.Node, limits: YamlLimits) -> int:
    """Nodes the document has once every alias is expanded, counted on the shared node graph (each distinct
    node once, iteratively); a recursive alias (a node inside itself) is refused."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            children = _children(node)
            total = 1 + sum(size[id(c)] for c in children)
            if total > limits.max_nodes:
                raise YamlRefused(
                    f"YAML 展开后内容过多（超过 {limits.max_nodes} 个元素，可能是别名炸弹）{_where(node.start_mark)}"
                )
            size[key] = total
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlRefused(f"YAML 中的别名引用了自身{_where(node.start_mark)}")
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) not in size:
                stack.append((child, False))
    return size[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load(text: str, limits: YamlLimits = DEFAULT_YAML_LIMITS) -> Any:
    """The single YAML document in ``text`` as Python data (safe tags only), or :class:`YamlRefused`."""
    try:
        _scan(text, limits)
        loader = _Loader(text)
        loader.max_number_chars = limits.max_number_chars
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _expanded_size(node, limits)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except YamlRefused:
        raise
    except yaml.MarkedYAMLError as exc:
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, met while it scans ahead of our count
            raise YamlRefused(f"YAML 嵌套层次过深（超过 {limits.max_depth} 层）{_where(exc.problem_mark)}") from None
        raise YamlRefused(f"YAML 格式错误{_where(exc.problem_mark)}：{exc.problem or exc.context or ''}") from None
    except yaml.YAMLError:
        raise YamlRefused("YAML 格式错误") from None
    except (ValueError, TypeError, OverflowError) as exc:  # a scalar the safe constructor rejects (2025-02-30)
        raise YamlRefused(f"YAML 中有无法识别的值（{type(exc).__name__}）") from None
    except RecursionError:  # not expected after the depth check; still never a traceback
        raise YamlRefused("YAML 嵌套层次过深") from None
