"""Greedy forward selection of SFs by their fit to reference energies and forces, in the space of
the normal equations (the rows are never needed again).

Objective (training structures): w_E·Σ_s (E_s/N_s − pred)² + w_F·Σ (F − pred)² with w_E =
energy_weight / (n_E var(E/N)) and w_F = 1 / (n_F var(F)) — the two mean squared errors, each
relative to the variance of its reference — plus a ridge λ Σ (w_c s_c)² / var(E/N), s_c the
spread of column c's function over the whole data (max |u^p| over the SF's range, every
structure counted): no term of the model may swing by much more than the energies do anywhere
the data goes, so an SF that barely varies on the training structures cannot take a coefficient
that explodes where it does vary (a polynomial of an SF 600 σ beyond its usual values, say).
Starting from the element offsets, each step adds the SF (its P columns) whose exact refit
lowers the objective most, or, cost-aware, the most per unit of its marginal cost; the refit
after a pick is exact.

In Gram space (A = XᵀX, b = Xᵀy): with the selected columns S, the Cholesky factor L of A_SS
and V = L⁻¹ A_S,·, z = L⁻¹ b_S, a candidate block G lowers the objective by rᵀ Q⁻¹ r, r = b_G −
V_Gᵀ z, Q = A_GG − V_Gᵀ V_G (the part of G not explained by S). Adding G appends P rows to V
and z; Q and r of every candidate are updated with those rows only (Efroymson's stepwise
regression on the Gram matrix; block orthogonal matching pursuit).

After every pick the model's weights give the validation RMSE of forces and energies per atom,
from the validation structures' own normal equations: RMSE² = (wᵀAw − 2bᵀw + Σy²)/n.
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, NamedTuple, Optional, Sequence, Tuple

import numpy as np

from ..engine.cutoff_functions import FloatArray
from ..engine.neighbours import IntArray
from .fit import Normal

RIDGE = 1e-7  # λ: see the module docstring
NO_GAIN = 1e-12  # a pick that lowers the objective by less than this (relative) ends the run


class Candidate(NamedTuple):
    """A pool SF: its element, position in the element's pool and its columns."""

    element: str
    position: int
    columns: IntArray


class Errors(NamedTuple):
    """RMSE of forces and of energies per atom (NaN without rows)."""

    forces: float
    energy: float


class Step(NamedTuple):
    """One pick and the refitted model after it."""

    candidate: int  # into the candidates
    gain: float  # relative drop of the training objective
    objective: float  # the training objective after it, relative to its value with offsets only
    training: Errors
    validation: Errors
    cost: float  # the marginal cost of the pick (1 without a cost model)


MarginalCost = Callable[[int, Sequence[int]], float]  # (candidate, picked so far) -> cost


def weights(
    normal: Dict[Tuple[str, str], Normal], fixed: IntArray, energy_weight: float
) -> Tuple[float, float]:
    """w_E and w_F of the training objective: each part's rows divided by their number and by
    the variance the ``fixed`` columns (the element offsets) leave: for energies what the
    composition does not explain, for forces (which the offsets do not touch) their spread."""
    out = []
    for part, factor in (("energy", energy_weight), ("forces", 1.0)):
        n = normal[part, "training"]
        if not n.rows:
            out.append(0.0)
            continue
        gram, rhs = n.gram[np.ix_(fixed, fixed)], n.rhs[fixed]
        explained = 0.0
        if np.any(np.diag(gram) > 0):
            solution = np.linalg.lstsq(gram, rhs, rcond=None)[0]
            explained = float(rhs @ solution)
        mean = n.total / n.rows
        spread = n.squares - explained if explained else n.squares - n.rows * mean * mean
        variance = max(spread / n.rows, 0.0)
        out.append(factor / (n.rows * variance) if variance > 0 else 0.0)
    return out[0], out[1]


def rmse(normal: Normal, columns: IntArray, w: FloatArray) -> float:
    """The RMSE of the model ``w`` (on ``columns``) on the rows of ``normal``."""
    if not normal.rows:
        return math.nan
    gram = normal.gram[np.ix_(columns, columns)]
    mse = (w @ gram @ w - 2.0 * normal.rhs[columns] @ w + normal.squares) / normal.rows
    return math.sqrt(max(float(mse), 0.0))


class Forward:
    """The state of a forward selection over ``candidates`` (``fixed``: always-in columns)."""

    def __init__(
        self,
        normal: Dict[Tuple[str, str], Normal],
        fixed: IntArray,
        candidates: Sequence[Candidate],
        energy_weight: float = 1.0,
        ridge: float = RIDGE,
        spread: Optional[FloatArray] = None,
    ) -> None:
        self.normal, self.candidates = normal, list(candidates)
        w_e, w_f = weights(normal, np.asarray(fixed, dtype=np.int64), energy_weight)
        energies = normal["energy", "training"].rows
        # the penalty λ (w s)² in the objective's units: a swing w·s of an energy per atom
        # against the spread of the energies the offsets leave (1 without energies)
        per_swing = w_e * energies / max(energy_weight, 1e-300) if w_e > 0 else 1.0
        gram = w_e * normal["energy", "training"].gram + w_f * normal["forces", "training"].gram
        rhs = w_e * normal["energy", "training"].rhs + w_f * normal["forces", "training"].rhs
        self.total = w_e * normal["energy", "training"].squares + \
            w_f * normal["forces", "training"].squares  # fmt: skip
        length = np.sqrt(np.diag(gram))
        self.length = np.where(length > 0, length, 1.0)
        self.gram = gram / np.outer(self.length, self.length)
        self.rhs = rhs / self.length
        block = np.array([c.columns for c in self.candidates], dtype=np.int64).reshape(
            len(self.candidates), -1
        )
        self.block = block  # (candidates, P)
        columns = block.reshape(-1)
        spread = np.ones(len(self.rhs)) if spread is None else np.asarray(spread)
        self.gram[columns, columns] += (
            ridge * per_swing * (spread[columns] / self.length[columns]) ** 2
        )
        self.gram[fixed, fixed] += 1e-12
        self.columns: List[int] = []
        self.v = np.zeros((0, len(self.rhs)))
        self.z = np.zeros(0)
        self.factor = np.zeros((0, 0))  # L
        self.q = self.gram[block[:, :, None], block[:, None, :]].copy()  # (candidates, P, P)
        self.r = self.rhs[block].copy()  # (candidates, P)
        self.picked: List[int] = []
        self._add(np.asarray(fixed, dtype=np.int64))
        self.start = self.objective
        #: the errors of the offsets alone (per-element energies, no forces): the scale
        self.baseline = {which: self.errors(which) for which in ("training", "validation")}

    @property
    def objective(self) -> float:
        """The training objective of the current model (≥ 0)."""
        return max(self.total - float(self.z @ self.z), 0.0)

    def _add(self, columns: IntArray) -> None:
        """Append ``columns`` to the model: P new rows of V and z; update every Q and r."""
        if not len(columns):
            return
        l = self.v[:, columns]  # noqa: E741 - the block's projection on the model so far
        inner = self.gram[np.ix_(columns, columns)] - l.T @ l
        d = np.linalg.cholesky(inner)
        rows = np.linalg.solve(d, self.gram[columns, :] - l.T @ self.v)
        z = np.linalg.solve(d, self.rhs[columns] - l.T @ self.z)
        size = len(self.columns)
        factor = np.zeros((size + len(columns), size + len(columns)))
        factor[:size, :size] = self.factor
        factor[size:, :size] = l.T
        factor[size:, size:] = d
        self.factor = factor
        self.v = np.vstack([self.v, rows])
        self.z = np.concatenate([self.z, z])
        self.columns += columns.tolist()
        part = rows[:, self.block]  # (new rows, candidates, P)
        self.q -= np.einsum("agp,agq->gpq", part, part)
        self.r -= np.einsum("agp,a->gp", part, z)

    def gains(self) -> FloatArray:
        """How much each candidate would lower the objective (relative to the start)."""
        try:
            solved = np.linalg.solve(self.q, self.r[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:  # a candidate fully explained already: drop it singly
            solved = np.array(
                [np.linalg.lstsq(q, r, rcond=None)[0] for q, r in zip(self.q, self.r)]
            )
        gains = np.einsum("gp,gp->g", self.r, solved)
        gains[self.picked] = -np.inf
        return np.asarray(gains / max(self.start, 1e-300))

    def pick(self, candidate: int) -> float:
        """Add a candidate; its gain."""
        before = self.objective
        self.picked.append(candidate)
        self._add(self.block[candidate])
        return (before - self.objective) / max(self.start, 1e-300)

    def model(self) -> Tuple[IntArray, FloatArray]:
        """The columns of the model and their weights (in the columns' own units)."""
        scaled = np.linalg.solve(self.factor.T, self.z)
        columns = np.asarray(self.columns, dtype=np.int64)
        return columns, scaled / self.length[columns]

    def errors(self, which: str) -> Errors:
        columns, w = self.model()
        return Errors(rmse(self.normal["forces", which], columns, w),
                      rmse(self.normal["energy", which], columns, w))  # fmt: skip


def forward_selection(
    machine: Forward,
    quotas: Optional[Dict[str, int]],
    target_force_rmse: Optional[float] = None,
    cost: Optional[MarginalCost] = None,
) -> List[Step]:
    """Pick until every element has its quota (``quotas``) or, without quotas, until the
    validation force RMSE is at most ``target_force_rmse``; stop early when no candidate
    improves the fit. ``cost``: rank by gain per unit of marginal cost."""
    steps: List[Step] = []
    left = dict(quotas) if quotas is not None else None
    elements = np.array([c.element for c in machine.candidates], dtype=object)
    while True:
        if left is not None and not any(n > 0 for n in left.values()):
            break
        gains = machine.gains()
        if left is not None:
            full = [e for e, n in left.items() if n <= 0]
            gains[np.isin(elements, full)] = -np.inf
        if not np.isfinite(gains).any() or np.nanmax(gains) <= NO_GAIN:
            break
        prices = np.ones(len(gains))
        if cost is not None:
            open_ = np.flatnonzero(np.isfinite(gains))
            prices[open_] = [max(cost(int(k), machine.picked), 1e-12) for k in open_]
        best = int(np.argmax(np.where(np.isfinite(gains), gains / prices, -np.inf)))
        gain = machine.pick(best)
        steps.append(Step(best, gain, machine.objective / max(machine.start, 1e-300),
                          machine.errors("training"), machine.errors("validation"),
                          float(prices[best])))  # fmt: skip
        if left is not None:
            left[machine.candidates[best].element] -= 1
        elif target_force_rmse is not None and steps[-1].validation.forces <= target_force_rmse:
            break
        if len(machine.picked) == len(machine.candidates):
            break
    return steps
