"""Reading YAML safely: what is accepted, what is refused, and how the refusal reads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
import yaml
from attack_mappings import yamlfile
from attack_mappings.errors import DataError
from attack_mappings.yamlfile import mapping_child, node_at, node_line, read_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PLAIN = "metadata:\n  name: x\nrows:\n- id: A\n  value: 1\n- id: B\n  value: 2\n"


def write(tmp_path: Path, content: str | bytes, name: str = "set.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def problems_of(path: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(DataError) as caught:
        read_yaml(path)
    for problem in caught.value.problems:
        assert problem.path == path
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def test_plain_file_loads_with_line_numbers(tmp_path):
    data, root = read_yaml(write(tmp_path, PLAIN))
    assert data == {
        "metadata": {"name": "x"},
        "rows": [{"id": "A", "value": 1}, {"id": "B", "value": 2}],
    }
    rows = mapping_child(root, "rows")
    assert [node_line(row) for row in rows.value] == [4, 6]
    assert node_line(node_at(root, ["rows", 1, "value"])) == 7
    # A path that leaves the tree stops at the deepest node found.
    assert node_line(node_at(root, ["rows", 5, "value"])) == 4


def test_byte_order_mark_and_crlf_are_accepted(tmp_path):
    crlf = PLAIN.replace("\n", "\r\n")
    data, root = read_yaml(write(tmp_path, b"\xef\xbb\xbf" + crlf.encode()))
    assert data == read_yaml(write(tmp_path, PLAIN, "plain.yaml"))[0]
    assert node_line(node_at(root, ["rows", 1])) == 6
    # Lines of errors count CRLF line ends once.
    broken = write(tmp_path, "a: 1\r\nb: 2\r\nb: 3\r\n", "dup.yaml")
    assert problems_of(broken)[0][:2] == (3, "b")


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"a: 1\nb: caf\xe9\n", 2),  # Latin-1 from a spreadsheet export
        (b"a: 1\n\n\nb: \xff\xfe\n", 4),
        ("a: 1\n".encode("utf-16"), 1),
    ],
)
def test_text_that_is_not_utf8_is_reported_with_its_line(tmp_path, content, line):
    ((found, _, message),) = problems_of(write(tmp_path, content))
    assert found == line
    assert "not UTF-8" in message


@pytest.mark.parametrize("content", ["", "\n\n", "# only a comment\n", "\ufeff", "---\n"])
def test_empty_files_hold_nothing(tmp_path, content):
    assert read_yaml(write(tmp_path, content))[0] is None


def test_alias_bomb_is_refused_without_expanding_it(tmp_path):
    # Expanded, this document would hold 10**12 strings.
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 12):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    ((line, _, message),) = problems_of(write(tmp_path, "\n".join(lines) + "\n"))
    assert message == "YAML anchors and aliases are not allowed"
    assert line == 1  # where the anchor the aliases reuse stands


def test_merge_keys_are_aliases_too(tmp_path):
    content = "base: &base {a: 1}\nrow:\n  <<: *base\n  b: 2\n"
    assert problems_of(write(tmp_path, content))[0][2] == "YAML anchors and aliases are not allowed"


def test_every_duplicate_key_is_reported(tmp_path):
    content = "a: 1\nb:\n  x: 1\n  x: 2\na: 3\nc: {true: 1, True: 2}\n'1': 1\n1: 2\n"
    found = problems_of(write(tmp_path, content))
    assert sorted(found) == [
        (4, "x", "duplicate key (first at line 3)"),
        (5, "a", "duplicate key (first at line 1)"),
        (6, "True", "duplicate key (first at line 6)"),
    ]  # '1' (text) and 1 (a number) are different keys


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 3, "not valid YAML"),
        ("a:\n  b: 1\n c: 2\n", 3, "not valid YAML"),
        ("a: 1\n---\nb: 2\n", 2, "another document"),
        ("a: 1\nb: !!python/object:os.system x\n", 2, "constructor"),
        ("a: 1\nb: !evil x\n", 2, "constructor"),
        ("a: 1\nb: \x00\n", 2, "control characters"),
        ("a: 1\nb: ä\x07\n", 2, "control characters"),
        ("a: 1\nb: 2024-13-45\n", 2, "month must be in 1..12"),
        ("a: 1\nb:\n  2001-12-14 99:00:00: x\n", 3, "hour must be in 0..23"),
        ("a: 1\nb: " + "9" * 5000 + "\n", 2, "digits"),
        ('a: 1\nb: "\\ud800"\n', 2, "not valid YAML"),
    ],
)
def test_broken_yaml_is_reported_with_its_line(tmp_path, content, line, words):
    ((found, _, message),) = problems_of(write(tmp_path, content))
    assert found == line
    assert words in message


@pytest.mark.parametrize(
    "content",
    [
        "[" * 100_000,  # unclosed: libyaml's composer would crash the interpreter
        "[" * 30_000 + "]" * 30_000,
        "a: " + "{a: " * 5_000 + "1" + "}" * 5_000 + "\n",
        "- " * 5_000 + "x\n",
        "".join(" " * i + "- \n" for i in range(400)),
    ],
    ids=["flow-unclosed", "flow", "flow-mapping", "compact-block", "block"],
)
def test_deep_nesting_is_refused_before_parsing(tmp_path, content):
    ((line, _, message),) = problems_of(write(tmp_path, content))
    assert message == f"nested more than {yamlfile.MAX_DEPTH} levels deep"
    assert line is not None


def test_nesting_up_to_the_limit_is_accepted(tmp_path):
    depth = yamlfile.MAX_DEPTH
    data, _ = read_yaml(write(tmp_path, "[" * depth + "]" * depth))
    for _ in range(depth - 1):
        (data,) = data
    assert data == []


def test_unreadable_and_oversized_files_are_refused(tmp_path, monkeypatch):
    ((_, _, message),) = problems_of(tmp_path / "missing.yaml")
    assert message.startswith("cannot read the file")
    (tmp_path / "folder.yaml").mkdir()
    assert problems_of(tmp_path / "folder.yaml")[0][2].startswith("cannot read the file")
    monkeypatch.setattr(yamlfile, "MAX_BYTES", 100)
    ((_, _, message),) = problems_of(write(tmp_path, "a: " + "x" * 200))
    assert message == "file is 203 bytes; the limit is 100"


# Property tests. Two cores and a shared disk: no deadline, a few hundred examples
# (MX_FUZZ_EXAMPLES asks for more).
FUZZ = settings(
    max_examples=int(os.environ.get("MX_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
YAMLISH = st.lists(
    st.sampled_from(
        list("ab1 :-?,[]{}&*!|>'\"#%@`~\\\n\t") + ["\r", "\ufeff", "é", "\x00", "\x85", "---"]
    ),
    max_size=120,
).map("".join)


def read_text(content: str | bytes) -> object:
    with tempfile.TemporaryDirectory() as folder:
        return read_yaml(write(Path(folder), content))


@FUZZ
@given(YAMLISH)
def test_fuzzed_text_gives_data_or_a_data_error(content):
    try:
        read_text(content)
    except DataError as error:
        assert error.problems and all(p.message for p in error.problems)


@FUZZ
@given(st.binary(max_size=200))
def test_fuzzed_bytes_give_data_or_a_data_error(content):
    try:
        read_text(content)
    except DataError as error:
        assert error.problems


# PyYAML itself writes line separators (U+0085, U+2028) in a way it reads back as spaces.
TEXT = st.text(st.characters(blacklist_categories=["Cs", "Cc", "Zl", "Zp"]), max_size=20)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=30,
)


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: object) -> bool:
        return True


@FUZZ
@given(DOCUMENTS, st.sampled_from([None, True, False]), st.sampled_from(["\n", "\r\n"]))
def test_what_pyyaml_writes_reads_back_unchanged(document, flow, line_end):
    text = yaml.dump(document, Dumper=_NoAliases, default_flow_style=flow, allow_unicode=True)
    data, _ = read_text(text.replace("\n", line_end))
    assert data == document


def depth_of(text: str) -> int:
    loader = yaml.CSafeLoader(text)
    depth = deepest = 0
    while (event := loader.get_event()) is not None:
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


@FUZZ
@given(DOCUMENTS, st.sampled_from([None, True, False]), st.integers(1, 8))
def test_the_quick_depth_bound_is_never_below_the_real_depth(document, flow, indent):
    text = yaml.dump(document, Dumper=_NoAliases, default_flow_style=flow, indent=max(indent, 2))
    compact = text.replace("\n  - ", "\n- ")
    for variant in (text, compact):
        try:
            real = depth_of(variant)
        except yaml.YAMLError:
            continue
        assert yamlfile._depth_bound(variant) >= real
