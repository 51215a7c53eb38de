"""Running means and co-moments of SF columns: the Gram matrix of the standardised SFs without
ever holding the atoms × SFs matrix.

Each chunk of atoms gives its own mean and centred co-moment matrix Σ (x − μ)(x − μ)ᵀ (two
passes over the chunk: no cancellation); chunks are merged with the pairwise update of Chan,
Golub & LeVeque (Am. Stat. 37, 242 (1983)): n = n_a + n_b, δ = μ_b − μ_a,
μ = μ_a + δ n_b / n, C = C_a + C_b + δ δᵀ n_a n_b / n. Chunks are merged in file order, so the
result does not depend on how many processes computed them. The standardised Gram matrix is
then G = D⁻¹ C D⁻¹ with D the sample standard deviations: what XᵀX would be for the centred
columns divided by their standard deviations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Tuple

import numpy as np

from ..analysis.report import is_dead
from ..engine.cutoff_functions import FloatArray
from ..engine.neighbours import IntArray


@dataclass
class Moments:
    """Count, mean, co-moments, minimum and maximum of ``width`` columns."""

    width: int
    count: int = 0
    mean: FloatArray = field(init=False)
    comoment: FloatArray = field(init=False)
    low: FloatArray = field(init=False)
    high: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        self.mean = np.zeros(self.width)
        self.comoment = np.zeros((self.width, self.width))
        self.low = np.full(self.width, np.inf)
        self.high = np.full(self.width, -np.inf)

    @classmethod
    def of(cls, rows: FloatArray) -> Moments:
        """The moments of the rows (atoms) of ``rows``."""
        moments = cls(rows.shape[1])
        if len(rows):
            moments.count = len(rows)
            moments.mean = rows.mean(axis=0)
            centred = rows - moments.mean
            moments.comoment = centred.T @ centred
            moments.low, moments.high = rows.min(axis=0), rows.max(axis=0)
        return moments

    def merge(self, other: Moments) -> None:
        if not other.count:
            return
        if not self.count:
            self.count, self.mean, self.comoment = other.count, other.mean, other.comoment
            self.low, self.high = other.low, other.high
            return
        n = self.count + other.count
        delta = other.mean - self.mean
        self.comoment = self.comoment + other.comoment
        self.comoment += np.outer(delta, delta * (self.count * other.count / n))
        self.mean = self.mean + delta * (other.count / n)
        self.count = n
        self.low = np.minimum(self.low, other.low)
        self.high = np.maximum(self.high, other.high)

    def constant(self, threshold: float) -> IntArray:
        """Columns that do not vary: max − min within ``threshold`` (``stats``' dead SFs), or
        without variance at all."""
        flat = [
            k
            for k in range(self.width)
            if self.count < 2
            or is_dead(float(self.low[k]), float(self.high[k]), threshold)
            or not self.comoment[k, k] > 0
        ]
        return np.array(flat, dtype=np.int64)

    def standardised_gram(self, columns: IntArray) -> Tuple[FloatArray, FloatArray]:
        """G of the given columns (centred, divided by their sample standard deviation), and
        those standard deviations."""
        c = self.comoment[np.ix_(columns, columns)]
        sigma = np.sqrt(np.diag(c) / (self.count - 1))
        return c / np.outer(sigma, sigma), sigma
