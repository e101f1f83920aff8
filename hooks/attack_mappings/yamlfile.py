"""Read YAML files safely: C-speed parsing, line numbers kept, nothing unsafe let through."""

from __future__ import annotations

import gc
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import DataError, Problem

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml: slower, same results.
    _Loader = yaml.SafeLoader  # type: ignore[misc]

# Files larger than this are refused before parsing: the largest real set is 1.3 MB.
MAX_BYTES = 64 * 1024 * 1024

# Deepest nesting of lists and mappings accepted. Mapping files need 4 levels; libyaml's
# composer recurses in C and crashes the interpreter at some ten thousand levels.
MAX_DEPTH = 100

# Scalar keys that different spellings can give the same value (``true``, ``True``).
_BUILT_KEYS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("bool", "int", "float", "null", "timestamp")
)

# What may stand before a block collection on its line: indentation, the indicators of
# compact nesting ("- - x", "? x", ": x"), anchors and tags.
_LINE_PREFIX = re.compile(r"^(?:[ ]|[-?:][ \t]|[&!][^\s]*[ \t])*", re.M)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _depth_bound(text: str) -> int:
    """Return a number the nesting depth of a YAML text cannot exceed, found without parsing.

    Each nested block collection starts at a later column than its parent, except a
    sequence under a mapping key (same column), so block depth is at most twice the
    longest line prefix; each flow level needs a ``[`` or ``{`` that is not empty.
    """
    prefix = max((len(m) for m in _LINE_PREFIX.findall(text)), default=0)
    flow = text.count("[") - text.count("[]") + text.count("{") - text.count("{}")
    return 2 * (prefix + 1) + max(flow, 0)


def _too_deep(text: str) -> int | None:
    """Return the line where nesting first goes deeper than ``MAX_DEPTH``, if it does."""
    if _depth_bound(text) <= MAX_DEPTH:
        return None
    loader = _Loader(text)
    depth = 0
    try:
        while (event := loader.get_event()) is not None:
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark.line + 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.StreamEndEvent):
                return None
    finally:
        loader.dispose()
    return None


def _key(loader: Any, node: yaml.ScalarNode) -> Any:
    """Return what a scalar key becomes in the loaded mapping (``true`` and ``True`` agree)."""
    if node.tag in _BUILT_KEYS:
        return (node.tag, loader.construct_object(node))
    return node.value if node.tag == "tag:yaml.org,2002:str" else (node.tag, node.value)


def _check_nodes(path: Path, root: yaml.Node, loader: Any) -> list[Problem]:
    """Find aliases and duplicate keys, visiting each node once.

    An alias makes the composer reuse a node, so a node seen twice is an alias; stopping
    there keeps "billion laughs" documents from being expanded at all.
    """
    problems: list[Problem] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            problems.append(Problem(path, "YAML anchors and aliases are not allowed", _line(node)))
            return problems
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[Any, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    name = _key(loader, key)
                    if name in keys:
                        message = f"duplicate key (first at line {keys[name]})"
                        problems.append(Problem(path, message, _line(key), field=key.value))
                    keys[name] = _line(key)
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems


def _bad_scalar(loader: Any, root: yaml.Node) -> yaml.Node | None:
    """Return the first scalar whose value cannot be built (``2024-13-45``, a 5,000-digit int)."""
    # The failed attempt left its node marked as in progress: start afresh.
    loader.constructed_objects, loader.recursive_objects = {}, {}
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node)
            except (ValueError, OverflowError):
                return node
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in reversed(node.value) for part in reversed(pair))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    return None


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(path, f"not UTF-8 text (byte {error.start})", line=line) from None


def _parse(path: Path, text: str, loader: Any) -> tuple[Any, yaml.Node | None]:
    """Compose, check and construct one document; YAML errors propagate."""
    root = loader.get_single_node()
    if root is None:
        return None, None
    try:
        problems = _check_nodes(path, root, loader)
        if problems:
            raise DataError(problems=problems)
        return loader.construct_document(root), root
    except (ValueError, OverflowError) as error:
        node = _bad_scalar(loader, root)
        line = _line(node) if node is not None else None
        raise DataError(path, f"not valid YAML: {error}", line=line) from None


def read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """Return a YAML file's data and its node tree (for line numbers).

    Raises ``DataError`` naming the file and line for anything that is not plain,
    well-formed UTF-8 YAML. A byte-order mark and CRLF line ends are accepted.
    """
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DataError(path, f"file is {size} bytes; the limit is {MAX_BYTES}")
        raw = path.read_bytes()
    except OSError as error:
        raise DataError(path, f"cannot read the file: {error.strerror}") from None
    text = _decode(path, raw)
    loader = _Loader(text)
    # A node tree holds millions of objects and no garbage: the cyclic collector, run
    # again and again as they are made, would take three quarters of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        deep = _too_deep(text)
        if deep is not None:
            message = f"nested more than {MAX_DEPTH} levels deep"
            raise DataError(path, message, line=deep)
        return _parse(path, text, loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(path, f"not valid YAML: {error.problem or error}", line=line) from None
    except yaml.reader.ReaderError as error:
        # The position counts bytes of the UTF-8 text (after any byte-order mark).
        line = text.encode("utf-8")[: error.position].count(b"\n") + 1
        raise DataError(path, f"not valid YAML: {error.reason}", line=line) from None
    except yaml.YAMLError as error:
        raise DataError(path, f"not valid YAML: {error}") from None
    except RecursionError:
        raise DataError(path, "not valid YAML: nested too deeply") from None
    finally:
        loader.dispose()
        if collecting:
            gc.enable()


def mapping_child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """Return the value node under ``key`` of a mapping node, if there is one."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def node_at(root: yaml.Node | None, path: list[Any]) -> yaml.Node | None:
    """Return the deepest node found along a path of keys and list indexes."""
    node = root
    for part in path:
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        else:
            child = mapping_child(node, str(part))
        if child is None:
            break
        node = child
    return node


def node_line(node: yaml.Node | None) -> int | None:
    """Return the 1-based line a node starts on."""
    return _line(node) if node is not None else None
