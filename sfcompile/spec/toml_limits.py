"""Bounds on a spec's TOML, checked before it is parsed.

The TOML parser descends recursively into nested arrays and inline tables; a file nested a few
hundred levels deep exhausts Python's recursion limit inside it. A spec needs three levels
(``include = [["H", "O"]]`` inside a ``[[sets]]`` table), so the bound here, :data:`MAX_NESTING`,
is generous and far below Python's limit. The scan skips strings (all four kinds) and comments.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple

MAX_NESTING = 32

_QUOTES = ('"""', "'''", '"', "'")


def _skip_string(text: str, start: int, quote: str) -> int:
    """The offset after the string that opens at ``start`` with ``quote``."""
    end = start + len(quote)
    escapes = quote.startswith('"')
    while end < len(text):
        if escapes and text[end] == "\\":
            end += 2
            continue
        if text.startswith(quote, end):
            return end + len(quote)
        if len(quote) == 1 and text[end] == "\n":  # an unterminated one-line string
            return end
        end += 1
    return end


_INTERESTING = re.compile(r"[\[\]{}#\"']")  # brackets, comments, strings


def nesting_problem(text: str) -> Optional[Tuple[int, int]]:
    """The offset where arrays and inline tables first nest deeper than MAX_NESTING, and that
    depth; None if they never do."""
    depth = 0
    found = _INTERESTING.search(text)
    while found is not None:
        k, char = found.start(), found.group()
        if char == "#":
            newline = text.find("\n", k)
            k = len(text) if newline < 0 else newline
        elif char in "\"'":
            quote = next(q for q in _QUOTES if text.startswith(q, k))
            k = _skip_string(text, k, quote)
        else:
            if char in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    return k, depth
            else:
                depth = max(0, depth - 1)
            k += 1
        found = _INTERESTING.search(text, k)
    return None
