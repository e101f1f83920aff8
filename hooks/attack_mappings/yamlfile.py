"""Read YAML files safely: C-speed parsing, line numbers kept, nothing unsafe let through."""

from __future__ import annotations

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


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _check_nodes(path: Path, root: yaml.Node) -> list[Problem]:
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
                    if key.value in keys:
                        problems.append(
                            Problem(
                                path,
                                f"duplicate key (first at line {keys[key.value]})",
                                _line(key),
                                field=key.value,
                            )
                        )
                    keys[key.value] = _line(key)
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems


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
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise DataError(path, f"not UTF-8 text (byte {error.start})", line=line) from None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        problems = _check_nodes(path, root)
        if problems:
            raise DataError(problems=problems)
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(path, f"not valid YAML: {error.problem or error}", line=line) from None
    except yaml.YAMLError as error:
        raise DataError(path, f"not valid YAML: {error}") from None
    except RecursionError:
        raise DataError(path, "not valid YAML: nested too deeply") from None
    finally:
        loader.dispose()
    return data, root


def mapping_child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """Return the value node under ``key`` of a mapping node, if there is one."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value_node
    return None


def node_line(node: yaml.Node | None) -> int | None:
    """Return the 1-based line a node starts on."""
    return _line(node) if node is not None else None
