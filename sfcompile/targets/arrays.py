"""numpy's text for a 1-D array, without numpy: the settings overview's array lines.

The earlier generator printed its grids with ``numpy.array2string`` at 4 digits; sfcompile keeps
those bytes without importing numpy on the compile path (numpy is most of a compile's start-up
time). The rules reproduced, for ``precision=4, floatmode="maxprec", suppress_small=False,
sign="-", max_line_width=75, separator=" ", threshold=1000, edgeitems=3`` (numpy >= 1.14 layout):

* integers (every value a Python ``int``): right-aligned in the width of the longest;
* floats: scientific notation when the largest magnitude is >= 1e8, or the smallest non-zero
  one < 1e-4, or their ratio > 1000; otherwise positional. Each value gets the shortest digits
  that read back as the same double, cut at 4 digits after the point (then rounded correctly),
  trailing zeros dropped (``2.``, ``0.0278``); integer and fraction parts are padded to the
  widest (positional), or every mantissa gets the largest number of fraction digits and every
  exponent the most digits (scientific: ``1.e-05``);
* lines wrap before 75 characters, continuation lines indented by one space; more than 1000
  values print as the first 3, ``...``, the last 3 (widths from those 6 alone).

``tests/test_arrays.py`` holds it against numpy itself.
"""

from __future__ import annotations

from decimal import Decimal
from typing import List, Sequence, Tuple, Union

Number = Union[int, float]

PRECISION = 4
LINE_WIDTH = 75
THRESHOLD = 1000
EDGE_ITEMS = 3


def array_text(values: Sequence[Number]) -> str:
    """``numpy.array2string(numpy.asarray(values), ...)`` with the overview's options."""
    summarised = len(values) > THRESHOLD
    shown = [*values[:EDGE_ITEMS], *values[-EDGE_ITEMS:]] if summarised else list(values)
    words = _format_all(shown)
    if summarised:
        words = [*words[:EDGE_ITEMS], "...", *words[EDGE_ITEMS:]]
    return _wrap(words)


def _format_all(values: Sequence[Number]) -> List[str]:
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        width = max(len(str(max(values))), len(str(min(values))))
        return [f"{v:{width}d}" for v in values]
    floats = [float(v) for v in values]
    magnitudes = [abs(x) for x in floats if x != 0.0]
    scientific = bool(magnitudes) and (
        max(magnitudes) >= 1e8 or min(magnitudes) < 1e-4 or max(magnitudes) / min(magnitudes) > 1e3
    )
    return _scientific(floats) if scientific else _positional(floats)


def _shortest(x: float) -> Tuple[str, int]:
    """The shortest round-trip significant digits of |x| and the decimal exponent of the
    first digit (``0.0278`` -> ("278", -2); zero -> ("0", 0))."""
    value = Decimal(repr(abs(x)))
    if value == 0:
        return "0", 0
    _, digits, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    return "".join(map(str, digits)), exponent + len(digits) - 1


def _positional_digits(x: float) -> str:
    """``x`` positional with at most PRECISION fraction digits, trailing zeros trimmed."""
    digits, first = _shortest(x)
    fraction_digits = max(0, len(digits) - 1 - first)
    if fraction_digits <= PRECISION:
        text = format(Decimal(repr(x)), "f")
    else:
        text = format(x, f".{PRECISION}f")  # rounds the exact binary value, half to even
    if "." not in text:
        return text + "."
    return text.rstrip("0")


def _positional(values: Sequence[float]) -> List[str]:
    parts = [_positional_digits(x).split(".") for x in values]
    left = max(len(whole) for whole, _ in parts)
    right = max(len(fraction) for _, fraction in parts)
    return [f"{whole:>{left}}.{fraction:<{right}}" for whole, fraction in parts]


def _mantissa_exponent(x: float, fraction: int, trim: bool) -> Tuple[str, int]:
    """The mantissa of ``x`` and its decimal exponent. ``trim``: the shortest digits that read
    back as ``x``, at most ``fraction`` of them after the point, trailing zeros dropped;
    otherwise exactly ``fraction`` digits of the exact value, rounded (numpy's ``min_digits``:
    for a subnormal these can differ from the shortest digits padded with zeros)."""
    digits, exponent = _shortest(x)
    sign = "-" if repr(x).startswith("-") else ""
    if trim and len(digits) - 1 <= fraction:
        return f"{sign}{digits[0]}.{digits[1:]}", exponent
    mantissa, _, power = format(abs(x), f".{fraction}e").partition("e")
    return sign + (mantissa.rstrip("0") if trim else mantissa), int(power)


def _scientific(values: Sequence[float]) -> List[str]:
    first = [_mantissa_exponent(x, PRECISION, trim=True) for x in values]
    fraction = max(len(m.partition(".")[2]) for m, _ in first)
    exponent_digits = max(len(str(abs(e))) for _, e in first)
    exponent_digits = max(exponent_digits, 2)
    final = [_mantissa_exponent(x, fraction, trim=False) for x in values]
    left = max(len(m.partition(".")[0]) for m, _ in final)
    return [
        f"{m.partition('.')[0]:>{left}}.{m.partition('.')[2]}e{'-' if e < 0 else '+'}"
        f"{abs(e):0{exponent_digits}d}"
        for m, e in final
    ]


def _wrap(words: Sequence[str]) -> str:
    """numpy's line filling: words separated by one space, a line never longer than 74
    characters before the closing bracket, continuation lines start with one space."""
    width, indent = LINE_WIDTH - 1, " "
    text, line = "", indent
    for k, word in enumerate(words):
        if len(line) + len(word) > width and len(line) > len(indent):
            text += line.rstrip() + "\n"
            line = indent
        line += word + (" " if k < len(words) - 1 else "")
    return "[" + (text + line)[len(indent) :] + "]"
