"""Clearer words for TOML syntax errors.

The TOML parser's messages are terse ("Invalid value", "Cannot overwrite a value") and sometimes
point past the real mistake (an unterminated string is reported where the line ends). Here the
common mistakes are recognised from the message and the source text, and reworded with the place
where the mistake starts. Anything not recognised keeps the parser's own message.
"""

from __future__ import annotations

import ast
import re
from typing import List, Optional, Tuple

Place = Tuple[int, int]  # 1-based line, column

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _line_text(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _first_column(line_text: str) -> int:
    return len(line_text) - len(line_text.lstrip()) + 1


def _open_brackets_and_quote(text: str) -> Tuple[List[Place], Optional[Place]]:
    """Scan TOML text: '[' of array values still open at the end, and an unterminated quote.

    A '[' counts only inside a value (after '=' or while an array is open), not in headers.
    """
    open_brackets: List[Place] = []
    for number, line in enumerate(text.split("\n"), start=1):
        in_value = bool(open_brackets)
        quote: Optional[str] = None
        start = 0
        i = 0
        while i < len(line):
            char = line[i]
            if quote is not None:
                if char == "\\" and quote == '"':
                    i += 1
                elif char == quote:
                    quote = None
            elif char == "#":
                break
            elif char in "\"'":
                quote, start = char, i
            elif char == "=" and not open_brackets:
                in_value = True
            elif char == "[" and in_value:
                open_brackets.append((number, i + 1))
            elif char == "]" and open_brackets:
                open_brackets.pop()
            i += 1
        if quote is not None:
            return open_brackets, (number, start + 1)
    return open_brackets, None


def _where(place: Place) -> str:
    return f"{place[0]}:{place[1]}"


def reword(message: str, text: str, place: Optional[Place]) -> Tuple[str, Place]:
    """A clearer message and place for a TOML syntax error (``place`` None: end of file)."""
    end = place is None
    line, column = place if place is not None else _end_of(text)
    line_text = _line_text(text, line)
    brackets, quote = _open_brackets_and_quote(text)

    if message == "Cannot overwrite a value":
        key = line_text.split("=", 1)[0].strip()
        return (
            f"duplicate key {key!r}: a key can be set only once per table; remove one of them",
            (line, _first_column(line_text)),
        )
    declared = re.fullmatch(r"Cannot declare (\(.*\)) twice", message)
    if declared:
        try:
            name = ".".join(str(part) for part in ast.literal_eval(declared.group(1)))
        except (ValueError, SyntaxError):
            name = declared.group(1)
        return (
            f"table [{name}] is defined twice (or clashes with keys set earlier); "
            "merge the two definitions",
            (line, _first_column(line_text)),
        )
    if quote is not None and (
        message.startswith(("Unterminated string", 'Expected "\'"', "Expected '\"'"))
        or message.startswith("Illegal character '\\n'")
    ):
        return "unterminated string; add the closing quote", quote
    if brackets and (end or message == "Unclosed array"):
        opened = brackets[-1]
        hint = "" if end else "; is a comma missing between two values?"
        return f"unclosed array (opened at {_where(opened)}){hint}", (line, column)
    if message == "Unclosed array":
        return "unclosed array, or a missing comma between two values", (line, column)
    if message == "Invalid value":
        word = line_text[column - 1 :].split()[0] if line_text[column - 1 :].strip() else ""
        if word in ("True", "False"):
            return f"invalid value {word}: TOML booleans are lowercase (true, false)", (
                line,
                column,
            )
        if not word:
            return "a value is missing after '='", (line, column)
        return f"invalid value {word!r}: text must be quoted, numbers written as 1.5 or 2", (
            line,
            column,
        )
    if message == "Invalid statement" and line_text.strip() and "=" in line_text:
        key = line_text.split("=", 1)[0].strip()
        if not _BARE.fullmatch(key):
            return (
                f"invalid key {key}: keys other than A-Z a-z 0-9 _ - must be quoted, "
                f'e.g. "{key}" = ...',
                (line, column),
            )
    suffix = " at the end of the file" if end else ""
    return message + suffix, (line, column)


def _end_of(text: str) -> Place:
    lines = text.split("\n")
    return len(lines), len(lines[-1]) + 1
