"""Tests for sfcompile.spec.toml_locations (expected positions are counted by hand)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest

from sfcompile.spec.toml_locations import Location, Path, Position, locate

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def toml(*lines: str) -> str:
    """The given lines, each terminated by a newline."""
    return "".join(line + "\n" for line in lines)


def loc(
    line: int, column: int, value_line: int | None = None, value_column: int | None = None
) -> Location:
    """Location with the key at (line, column) and the value there too unless given."""
    if value_line is None or value_column is None:
        value_line, value_column = line, column
    return Location(Position(line, column), Position(value_line, value_column))


def all_paths(node: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every path (tables, arrays, elements and leaves) of a parsed TOML document."""
    if isinstance(node, dict):
        children: list[tuple[str | int, Any]] = list(node.items())
    elif isinstance(node, list):
        children = list(enumerate(node))
    else:
        return
    for segment, child in children:
        path = (*prefix, segment)
        yield path
        yield from all_paths(child, path)


def walk(document: dict[str, Any], path: Path) -> Any:
    """Follow *path* through a parsed document (raises if it does not exist)."""
    node: Any = document
    for segment in path:
        if isinstance(segment, int):
            assert isinstance(node, list)
        else:
            assert isinstance(node, dict)
        node = node[segment]
    return node


def assert_located(text: str, expected: dict[Path, Location]) -> None:
    """locate(text) gives exactly *expected*, which covers every path tomllib sees."""
    assert locate(text) == expected
    assert set(expected) == set(all_paths(tomllib.loads(text)))


def test_simple_key_values() -> None:
    text = 'name = "x"\ncount = 3\n'
    assert_located(
        text,
        {
            ("name",): loc(1, 1, 1, 8),
            ("count",): loc(2, 1, 2, 9),
        },
    )


def test_table_header() -> None:
    text = "[output]\nprecision = 3\n"
    assert_located(
        text,
        {
            ("output",): loc(1, 1),
            ("output", "precision"): loc(2, 1, 2, 13),
        },
    )


def test_header_with_quoted_keys_spaces_and_comment() -> None:
    text = '  [ "x y" . z ]  # comment\nk = 1\n'
    assert_located(
        text,
        {
            ("x y",): loc(1, 3),
            ("x y", "z"): loc(1, 3),
            ("x y", "z", "k"): loc(2, 1, 2, 5),
        },
    )


def test_dotted_keys_register_intermediate_tables() -> None:
    text = "a.b.c = 1\na . d = 2\n"
    assert_located(
        text,
        {
            ("a",): loc(1, 1),
            ("a", "b"): loc(1, 1),
            ("a", "b", "c"): loc(1, 1, 1, 9),
            ("a", "d"): loc(2, 1, 2, 9),
        },
    )


def test_dotted_keys_inside_table() -> None:
    text = "[t]\nx.y = 1\n"
    assert_located(
        text,
        {
            ("t",): loc(1, 1),
            ("t", "x"): loc(2, 1),
            ("t", "x", "y"): loc(2, 1, 2, 7),
        },
    )


def test_quoted_keys() -> None:
    text = toml(
        '"a.b" = 1',
        r"""'lit' . "esc\"q" = 2""",
        r'"caf\u00e9" = 3',
    )
    assert_located(
        text,
        {
            ("a.b",): loc(1, 1, 1, 9),
            ("lit",): loc(2, 1),
            ("lit", 'esc"q'): loc(2, 1, 2, 20),
            ("café",): loc(3, 1, 3, 15),
        },
    )


def test_array_of_tables() -> None:
    text = '[[sets]]\nmode = "a"\n\n[[sets]]\nmode = "b"\n'
    assert_located(
        text,
        {
            ("sets",): loc(1, 1),
            ("sets", 0): loc(1, 1),
            ("sets", 0, "mode"): loc(2, 1, 2, 8),
            ("sets", 1): loc(4, 1),
            ("sets", 1, "mode"): loc(5, 1, 5, 8),
        },
    )


def test_nested_array_of_tables() -> None:
    text = toml(
        "[[a]]",
        "x = 1",
        "[[a.b]]",
        "y = 1",
        "[[a.b]]",
        "y = 2",
        "[[a]]",
        "[[a.b]]",
        "[a.c]",
        "z = 3",
    )
    assert_located(
        text,
        {
            ("a",): loc(1, 1),
            ("a", 0): loc(1, 1),
            ("a", 0, "x"): loc(2, 1, 2, 5),
            ("a", 0, "b"): loc(3, 1),
            ("a", 0, "b", 0): loc(3, 1),
            ("a", 0, "b", 0, "y"): loc(4, 1, 4, 5),
            ("a", 0, "b", 1): loc(5, 1),
            ("a", 0, "b", 1, "y"): loc(6, 1, 6, 5),
            ("a", 1): loc(7, 1),
            ("a", 1, "b"): loc(8, 1),
            ("a", 1, "b", 0): loc(8, 1),
            ("a", 1, "c"): loc(9, 1),
            ("a", 1, "c", "z"): loc(10, 1, 10, 5),
        },
    )


def test_array_values() -> None:
    text = "zetas = [1.0, 6.0]\n"
    assert_located(
        text,
        {
            ("zetas",): loc(1, 1, 1, 9),
            ("zetas", 0): loc(1, 10),
            ("zetas", 1): loc(1, 15),
        },
    )


def test_nested_arrays_and_inline_tables_in_arrays() -> None:
    text = "x = [[1, 2], {a = 1}, {a = 2, b = [3]}]\n"
    assert_located(
        text,
        {
            ("x",): loc(1, 1, 1, 5),
            ("x", 0): loc(1, 6),
            ("x", 0, 0): loc(1, 7),
            ("x", 0, 1): loc(1, 10),
            ("x", 1): loc(1, 14),
            ("x", 1, "a"): loc(1, 15, 1, 19),
            ("x", 2): loc(1, 23),
            ("x", 2, "a"): loc(1, 24, 1, 28),
            ("x", 2, "b"): loc(1, 31, 1, 35),
            ("x", 2, "b", 0): loc(1, 36),
        },
    )


def test_inline_tables() -> None:
    text = "out = {precision = 3, fmt.width = 8}\ne = {}\n"
    assert_located(
        text,
        {
            ("out",): loc(1, 1, 1, 7),
            ("out", "precision"): loc(1, 8, 1, 20),
            ("out", "fmt"): loc(1, 23),
            ("out", "fmt", "width"): loc(1, 23, 1, 35),
            ("e",): loc(2, 1, 2, 5),
        },
    )


def test_implicit_super_tables() -> None:
    text = "[a.b.c]\nx = 1\n[a]\ny = 2\n"
    assert_located(
        text,
        {
            ("a",): loc(3, 1),  # the explicit [a] header wins over the implied table
            ("a", "b"): loc(1, 1),
            ("a", "b", "c"): loc(1, 1),
            ("a", "b", "c", "x"): loc(2, 1, 2, 5),
            ("a", "y"): loc(4, 1, 4, 5),
        },
    )


def test_super_table_defined_first_keeps_its_header() -> None:
    text = "[a]\n[a.b]\n"
    assert_located(text, {("a",): loc(1, 1), ("a", "b"): loc(2, 1)})


def test_comments() -> None:
    text = toml(
        "#:schema ./schemas/sfcompile.schema.json",
        '# comment with [brackets] = and "quotes"',
        "key = 1 # trailing comment",
        "[t] # header comment",
        "  # indented comment",
        'v = "# not a comment" # real',
        "w = 'x' # ]",
    )
    assert_located(
        text,
        {
            ("key",): loc(3, 1, 3, 7),
            ("t",): loc(4, 1),
            ("t", "v"): loc(6, 1, 6, 5),
            ("t", "w"): loc(7, 1, 7, 5),
        },
    )


def test_tabs_and_blank_lines() -> None:
    text = "\tkey\t=\t\t42\n\n   \n\tb = true\n"
    assert_located(
        text,
        {
            ("key",): loc(1, 2, 1, 9),
            ("b",): loc(4, 2, 4, 6),
        },
    )


def test_crlf_line_endings() -> None:
    text = "a = 1\r\n[t]\r\nb = [\r\n  1,\r\n  2,\r\n]\r\n"
    assert_located(
        text,
        {
            ("a",): loc(1, 1, 1, 5),
            ("t",): loc(2, 1),
            ("t", "b"): loc(3, 1, 3, 5),
            ("t", "b", 0): loc(4, 3),
            ("t", "b", 1): loc(5, 3),
        },
    )


def test_no_trailing_newline() -> None:
    assert locate("a = 1") == {("a",): loc(1, 1, 1, 5)}


def test_strings() -> None:
    text = toml(
        r's1 = "a\"b # [x], = y"',
        r"s2 = 'C:\path # ]'",
        r's3 = """one "quoted" and ""two"" ',
        "still # not comment [ ] = \\",
        r'  end"""""',
        "s4 = '''",
        "it's = # [x]''''",
        "after = 1",
        'e = ""',
        "f = ''''''",
        "g = 2",
        """arr = ["a,]", 'b]', \"\"\"c\"\"\"]""",
        r's5 = """x \""" y"""',
        "h = 3",
    )
    assert_located(
        text,
        {
            ("s1",): loc(1, 1, 1, 6),
            ("s2",): loc(2, 1, 2, 6),
            ("s3",): loc(3, 1, 3, 6),
            ("s4",): loc(6, 1, 6, 6),
            ("after",): loc(8, 1, 8, 9),
            ("e",): loc(9, 1, 9, 5),
            ("f",): loc(10, 1, 10, 5),
            ("g",): loc(11, 1, 11, 5),
            ("arr",): loc(12, 1, 12, 7),
            ("arr", 0): loc(12, 8),
            ("arr", 1): loc(12, 15),
            ("arr", 2): loc(12, 21),
            ("s5",): loc(13, 1, 13, 6),
            ("h",): loc(14, 1, 14, 5),
        },
    )


def test_numbers_booleans_and_dates() -> None:
    text = toml(
        "i = 1_000",
        "h = 0xDEAD_beef",
        "o = 0o755",
        "b = 0b1101",
        "f = -3.14e+2",
        "p = +inf",
        "n = -nan",
        "t = true",
        "d1 = 1979-05-27 07:32:00Z",
        "d2 = 1979-05-27T07:32:00.999-07:00",
        "d3 = 1979-05-27",
        "d4 = 07:32:00",
        "arr = [1979-05-27 07:32:00Z, 1979-05-27, 2, false]",
        "d5 = 1979-05-27 # 07:32 comment",
        "z = 0",
    )
    expected: dict[Path, Location] = {
        (key,): loc(line, 1, line, 5) for line, key in enumerate("ihobfpnt", start=1)
    }
    expected.update(
        {
            ("d1",): loc(9, 1, 9, 6),
            ("d2",): loc(10, 1, 10, 6),
            ("d3",): loc(11, 1, 11, 6),
            ("d4",): loc(12, 1, 12, 6),
            ("arr",): loc(13, 1, 13, 7),
            ("arr", 0): loc(13, 8),
            ("arr", 1): loc(13, 30),
            ("arr", 2): loc(13, 42),
            ("arr", 3): loc(13, 45),
            ("d5",): loc(14, 1, 14, 6),
            ("z",): loc(15, 1, 15, 5),
        }
    )
    assert_located(text, expected)


def test_multiline_arrays() -> None:
    text = toml(
        "zetas = [",
        "  1.0,  # first",
        "  # comment",
        "  6.0,",
        "]",
        "other = [",
        "  [1,",
        '   2], "x" ,',
        "]",
    )
    assert_located(
        text,
        {
            ("zetas",): loc(1, 1, 1, 9),
            ("zetas", 0): loc(2, 3),
            ("zetas", 1): loc(4, 3),
            ("other",): loc(6, 1, 6, 9),
            ("other", 0): loc(7, 3),
            ("other", 0, 0): loc(7, 4),
            ("other", 0, 1): loc(8, 4),
            ("other", 1): loc(8, 8),
        },
    )


def test_columns_count_characters_not_bytes() -> None:
    text = '"ключ" = "é"\nx = ["日本", "語"]\n'
    assert_located(
        text,
        {
            ("ключ",): loc(1, 1, 1, 10),
            ("x",): loc(2, 1, 2, 5),
            ("x", 0): loc(2, 6),
            ("x", 1): loc(2, 12),
        },
    )


COMPLEX_DOCUMENT = toml(
    "#:schema ./schemas/sfcompile.schema.json",
    'title = "demo # not a comment"',
    "numbers = [ 0x1F, 1_000, -2.5e-3, inf, ]",
    "when = 1979-05-27 07:32:00Z",
    'site."google.com".enabled = true',
    "",
    "[output]  # where to write",
    "precision = 3",
    "format = { style = 'sci', width.min = 8 }",
    "",
    "[[sets]]",
    'mode = """',
    'multi "line" ""text""',
    '"""',
    "zetas = [",
    "  [1.0, 2.0],",
    "  { a = 1, b = [ {c = 'x'} ] },  # comment",
    "]",
    "[sets.extra]",
    "k = 'v'",
    "[[sets.items]]",
    "id = 1",
    "[[sets.items]]",
    "id = 2",
    "",
    "[[sets]]",
    "mode = 'plain'",
    "empty = []",
    "none = {}",
    "[[sets.items]]",
    "",
    "[ 'deep' . \"er\" . est ]",
    "v = 1",
    "[deep]",
    "w = 2",
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_paths_agree_with_tomllib(newline: str) -> None:
    text = COMPLEX_DOCUMENT.replace("\n", newline)
    document = tomllib.loads(text)
    found = locate(text)
    for path in found:
        walk(document, path)  # every located path exists in the parsed document
    assert set(found) == set(all_paths(document))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[",
        "[[a",
        "a = ",
        "a = [1, 2",
        'a = "unterminated',
        "a = '''never closed",
        'a = """never closed',
        "= = =",
        "\x00\x01\x02",
        "a = {b = ",
        "[a]\n[[a]]\n",
        r'"\uZZZZ" = 1',
        r'"\U00110000" = 1',
        "a = 1 2 3",
        "[" * 5000,
        "a = " + "[" * 5000,
        "a.b = 1\na = 2\n",
        "]]]",
        "\r\r\r",
    ],
)
def test_garbage_does_not_raise(text: str) -> None:
    assert isinstance(locate(text), dict)


def test_garbage_keeps_what_was_found() -> None:
    found = locate("a = 1\nb = = 2\nc = 3\n")
    assert found[("a",)] == loc(1, 1, 1, 5)
    assert ("c",) not in found


def test_non_string_input_does_not_raise() -> None:
    assert locate(None) == {}  # type: ignore[arg-type]
    assert locate(b"a = 1") == {}  # type: ignore[arg-type]
