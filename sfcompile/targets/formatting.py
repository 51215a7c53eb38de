"""The one place that turns numbers and symbols into text.

Parameter lines use the earlier generator's formats: reals as ``%.{p}E`` (``%9.3E`` at the
default precision 3), lambda as ``%2.0f``, element symbols left-aligned in width 2. The settings
overview prints scalars as Python does and arrays as numpy's ``array2string`` does with 4
digits, as the earlier tool did (:mod:`.arrays` reproduces that text without numpy, so that no
print option of a user's numpy can change our bytes).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Dict, Sequence, Union

from .arrays import array_text

Number = Union[int, float]


class NumberFormat:
    """Formats reals in E notation at a fixed precision, or ``"full"``: with just enough digits
    to read back as exactly the same double. Values repeat a lot, so results are cached."""

    def __init__(self, precision: Union[int, str]) -> None:
        self._spec = "" if precision == "full" else f".{precision}E"
        self._cache: Dict[Number, str] = {}

    def real(self, value: Number) -> str:
        text = self._cache.get(value)
        if text is None:
            text = format(value, self._spec) if self._spec else shortest_exact(value)
            self._cache[value] = text
        return text


def shortest_exact(value: Number) -> str:
    """E notation with the fewest digits that read back as the same double (``2.5E-01``).

    Python's ``repr`` finds the shortest round-tripping digit string; its digits are laid out
    here in the E notation of the other precisions (at least one digit after the point).
    """
    sign, digits, exponent = Decimal(repr(float(value))).normalize().as_tuple()
    assert isinstance(exponent, int)  # finite: the models refuse NaN and infinity
    text = "".join(map(str, digits))
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{exponent + len(text) - 1:+03d}"


def lambda_(value: float) -> str:
    return f"{value:2.0f}"


def sf_value(name: str, value: Union[Number, str], numbers: NumberFormat) -> str:
    """One parameter of an SF (a :class:`SymmetryFunction` field name) as its compiled line
    writes it, without the padding: what every report prints, so that a number a report names
    can be found in the compiled file (``1.393E+01``, not ``13.93``)."""
    if name == "subtype" or isinstance(value, str):
        return str(value)
    if name == "lambda_":
        return lambda_(value).strip()
    return numbers.real(value)


def element(symbol: str) -> str:
    return f"{symbol:<2}"


def overview_scalar(value: object) -> str:
    return str(value)


def overview_array(values: Sequence[Number]) -> str:
    """numpy's own text for the array, at 4 digits (may span several lines); see
    :mod:`.arrays` (no numpy needed)."""
    return array_text(values)
