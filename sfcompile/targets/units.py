"""Length units: exact conversions between the spec's unit and the unit a target's code assumes.

1 bohr = 0.529177210903 Å (CODATA 2018). Lengths (r_c, r_s, r_l) scale with the factor, eta
(per length squared) with its inverse square. Each converted number is computed exactly (the
number's shortest decimal times the decimal constant, as fractions) and rounded to a double
once, so a conversion is as exact as a double can hold; it is written with the shortest digits
that read back as that double.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Dict, Optional, Tuple

from ..generate.expand import Number, SymmetryFunction

BOHR_IN_ANGSTROM = "0.529177210903"  # CODATA 2018
SOURCE = "CODATA 2018"
NAMES = {"angstrom": "Å", "bohr": "Bohr"}
_FACTORS: Dict[Tuple[str, str], Fraction] = {
    ("bohr", "angstrom"): Fraction(BOHR_IN_ANGSTROM),
    ("angstrom", "bohr"): 1 / Fraction(BOHR_IN_ANGSTROM),
}


def _decimal(value: Number) -> Fraction:
    """The decimal a number is written as (its shortest round-trip digits), exactly: 0.02
    converts as 0.02, not as the binary double nearest to it."""
    return Fraction(repr(float(value)))


class Conversion:
    """From the spec's unit to a target's: ``length(x)`` and ``eta(x)``, each rounded once."""

    def __init__(self, source: Optional[str], target: Optional[str]) -> None:
        self.source, self.target = source, target
        same = source is None or target is None or source == target
        self.factor: Optional[Fraction] = None if same else _FACTORS[(source, target)]  # type: ignore[index]

    @property
    def identity(self) -> bool:
        return self.factor is None

    def length(self, value: Optional[Number]) -> Optional[Number]:
        if value is None or self.factor is None:
            return value
        return float(_decimal(value) * self.factor)

    def eta(self, value: Optional[Number]) -> Optional[Number]:
        if value is None or self.factor is None:
            return value
        return float(_decimal(value) / (self.factor * self.factor))

    def sf(self, sf: SymmetryFunction) -> SymmetryFunction:
        """The SF with its lengths and eta in the target's unit (angles, lambda, zeta kept)."""
        if self.factor is None:
            return sf
        return sf._replace(
            cutoff=float(_decimal(sf.cutoff) * self.factor),
            eta=self.eta(sf.eta),
            r_shift=self.length(sf.r_shift),
            r_lower=self.length(sf.r_lower),
        )

    def describe(self) -> str:
        """One line for a header: the unit, and how it was reached."""
        if self.target is None:
            name = "the spec's length unit" if self.source is None else NAMES[self.source]
            return f"lengths in {name} (as in the spec), eta in 1/length^2"
        unit = NAMES[self.target]
        if self.factor is None:
            return f"lengths in {unit}, eta in 1/{unit}^2 (as in the spec)"
        factor = BOHR_IN_ANGSTROM if self.target == "angstrom" else f"1/{BOHR_IN_ANGSTROM}"
        return (
            f"lengths in {unit}, eta in 1/{unit}^2: converted from {NAMES[self.source or '']} "
            f"exactly (lengths x {factor}, eta / ({factor})^2; 1 Bohr = {BOHR_IN_ANGSTROM} Å, "
            f"{SOURCE}), each number rounded once"
        )
