"""Greedy selection of columns (SFs) or rows (structures): CUR and farthest-point sampling.

CUR (Imbalzano et al., J. Chem. Phys. 148, 241730 (2018); Mahoney & Drineas, PNAS 106, 697
(2009)), deterministic, k = 1: score every column by the square of its component in the leading
right singular vector of the current matrix, pick the best, make every column orthogonal to the
picked one, repeat. With the Gram matrix G = XᵀX that needs no X at all: the right singular
vectors of X are the eigenvectors of G, and orthogonalising X against column c,
X ← X − x_c x_cᵀ X / ‖x_c‖², turns G into G − g_c g_cᵀ / G_cc (g_c: column c of G). The picks
are scikit-matter's ``CUR(recompute_every=1, k=1)`` on the same matrix (tested).

FPS: start from the column CUR would pick first, then repeatedly the column farthest (Euclidean
distance between the standardised columns, from G: d² = G_ii + G_jj − 2 G_ij) from every column
picked so far; scikit-matter's ``FPS(initialize=first)`` (tested).

For either method the *unexplained variance* after each pick is trace(G_residual) / trace(G):
the fraction of the (standardised) pool's variance that no linear combination of the picked
columns reproduces; it is what the report's curve shows.

Rows (structures) work the same on the rows of X; X is kept (structures are few compared with
atoms) and G is updated alongside it.
"""

from __future__ import annotations

import math
from typing import Any, Callable, List, NamedTuple, Optional, Sequence, Union

import numpy as np

from ..engine.cutoff_functions import FloatArray

METHODS = ("cur", "fps")
#: A residual column (row) whose squared norm is below this fraction of the largest initial one
#: is treated as explained: picking it would add nothing the data can tell apart.
EXHAUSTED = 1e-10


#: A fixed cost per column, or ``(column, picked so far) -> cost`` (a marginal cost).
Cost = Union[FloatArray, Callable[[int, Sequence[int]], float]]


class Picks(NamedTuple):
    indices: List[int]  # in pick order, into the columns (rows) given
    scores: List[Optional[float]]  # CUR: the (cost-weighted) score; FPS: the distance (None: first)
    unexplained: List[float]  # after each pick, 0..1
    exhausted: bool  # stopped early: nothing left to explain (rank of the data reached)


#: Below this size a full eigen-decomposition is as fast as Lanczos.
DIRECT = 160
#: Lanczos stops when ‖G y − θ y‖ ≤ RESIDUAL · θ for its Ritz pair (θ, y).
RESIDUAL = 1e-12
LANCZOS_STEPS = 240


def leading_vector(gram: FloatArray) -> FloatArray:
    """The eigenvector of the largest eigenvalue of a symmetric positive semi-definite matrix
    (sign arbitrary): by Lanczos iteration with full reorthogonalisation for large matrices
    (a CUR pick needs one per step; a full decomposition of a 900-SF Gram matrix takes 80 ms,
    this about 20), by ``eigh`` for small ones or where Lanczos does not converge."""
    if len(gram) > DIRECT:
        found = _lanczos(gram)
        if found is not None:
            return found
    _, vectors = np.linalg.eigh(gram)
    return np.asarray(vectors[:, -1])


def _lanczos(gram: FloatArray) -> Optional[FloatArray]:
    n = len(gram)
    steps = min(n, LANCZOS_STEPS)
    start = np.sqrt(np.abs(np.diag(gram))) + 1.0 / n  # deterministic, never orthogonal to all
    q = start / np.linalg.norm(start)
    basis = np.empty((steps, n))
    alphas: List[float] = []
    betas: List[float] = []
    for j in range(steps):
        basis[j] = q
        w = gram @ q
        alphas.append(float(q @ w))
        done = basis[: j + 1]
        for _ in range(2):  # twice: orthogonal to working precision
            w -= done.T @ (done @ w)
        beta = float(np.linalg.norm(w))
        betas.append(beta)
        if j % 4 == 3 or beta == 0.0 or j == steps - 1:
            tridiagonal = np.diag(alphas) + np.diag(betas[:-1], 1) + np.diag(betas[:-1], -1)
            values, vectors = np.linalg.eigh(tridiagonal)
            theta, ritz = float(values[-1]), vectors[:, -1]
            if beta == 0.0 or beta * abs(ritz[-1]) <= RESIDUAL * max(abs(theta), 1e-300):
                return np.asarray(done.T @ ritz)
        q = w / beta
    return None


def _best(scores: FloatArray, taken: FloatArray) -> int:
    scores = np.where(taken, -np.inf, scores)
    return int(np.argmax(scores))  # the first of equal scores, as scikit-matter picks


def _remove(gram: FloatArray, c: int) -> None:
    """G − g_c g_cᵀ / G_cc in place (the Gram matrix after orthogonalising against c)."""
    g = gram[:, c].copy()
    gram -= np.outer(g, g / g[c])
    gram[c, :] = 0.0
    gram[:, c] = 0.0


def select_columns(
    gram: FloatArray,
    method: str,
    count: int,
    *,
    cost: Optional[Cost] = None,
    max_unexplained: Optional[float] = None,
) -> Picks:
    """Pick up to ``count`` columns of the matrix whose Gram matrix is ``gram`` (its columns
    standardised, none constant). ``cost``: divide every score by it (cost-weighted selection;
    a callable is asked for each column not yet picked, at every step).
    ``max_unexplained``: stop as soon as the unexplained variance is at most this."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    residual = np.array(gram, dtype=np.float64)
    width = len(residual)
    total = float(np.trace(residual))
    floor = EXHAUSTED * float(np.max(np.diag(residual))) if width else 0.0
    fixed = None if cost is None or callable(cost) else np.asarray(cost, dtype=np.float64)
    taken = np.zeros(width, dtype=bool)
    diagonal = np.diag(gram).copy()
    nearest = np.full(width, np.inf)  # FPS: squared distance to the closest pick
    picks = Picks([], [], [], False)
    while len(picks.indices) < min(count, width):
        weight = _weights(cost, fixed, taken, picks.indices)
        if method == "cur" or not picks.indices:
            scores = leading_vector(residual) ** 2 / weight
            c = _best(scores, taken)
            score: Optional[float] = float(scores[c]) if method == "cur" else None
        else:
            scores = np.sqrt(np.maximum(nearest, 0.0)) / weight
            c = _best(scores, taken)
            score = float(scores[c])
        if residual[c, c] <= floor:
            return picks._replace(exhausted=True)
        taken[c] = True
        if method == "fps":
            distance = diagonal + diagonal[c] - 2.0 * np.asarray(gram[:, c])
            nearest = np.minimum(nearest, distance)
        _remove(residual, c)
        left = max(float(np.trace(residual)), 0.0) / total if total > 0 else 0.0
        picks.indices.append(c)
        picks.scores.append(score)
        picks.unexplained.append(left)
        if max_unexplained is not None and left <= max_unexplained:
            break
    return picks


def _weights(
    cost: Optional[Cost],
    fixed: Optional[FloatArray],
    taken: np.ndarray[Any, np.dtype[np.bool_]],
    picked: List[int],
) -> FloatArray:
    if fixed is not None:
        return fixed
    weight = np.ones(len(taken))
    if callable(cost):
        for c in np.flatnonzero(~taken).tolist():
            weight[c] = max(cost(c, picked), 1e-300)
    return weight


def select_rows(matrix: FloatArray, method: str, count: int) -> Picks:
    """Pick up to ``count`` rows of ``matrix`` (standardised columns): CUR on the rows (the
    leading *left* singular vector, rows orthogonalised against each pick) or FPS on them
    (scikit-matter's sample-selection ``CUR``/``FPS``)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    x = np.array(matrix, dtype=np.float64)
    n = len(x)
    squares = np.einsum("ij,ij->i", x, x)
    total = float(squares.sum())
    floor = EXHAUSTED * float(squares.max()) if n else 0.0
    taken = np.zeros(n, dtype=bool)
    original, nearest = x.copy(), np.full(n, np.inf)
    picks = Picks([], [], [], False)
    while len(picks.indices) < min(count, n):
        if method == "cur" or not picks.indices:
            u = x @ leading_vector(x.T @ x)
            scores = u * u / max(float(u @ u), math.ulp(1.0))
            r = _best(scores, taken)
            score: Optional[float] = float(scores[r]) if method == "cur" else None
        else:
            scores = np.sqrt(np.maximum(nearest, 0.0))
            r = _best(scores, taken)
            score = float(scores[r])
        row = x[r].copy()
        size = float(row @ row)
        if size <= floor:
            return picks._replace(exhausted=True)
        taken[r] = True
        if method == "fps":
            distance = squares + squares[r] - 2.0 * (original @ original[r])
            nearest = np.minimum(nearest, distance)
        x -= np.outer(x @ row, row / size)
        x[r] = 0.0
        picks.indices.append(r)
        picks.scores.append(score)
        picks.unexplained.append(max(float(np.einsum("ij,ij->", x, x)), 0.0) / total)
    return picks


def unexplained_curve(gram: FloatArray, order: List[int]) -> List[float]:
    """The unexplained variance after each column of ``order`` (any order: a random subset,
    for comparison with the greedy picks)."""
    residual = np.array(gram, dtype=np.float64)
    total = float(np.trace(residual))
    curve = []
    for c in order:
        if residual[c, c] > 0:
            _remove(residual, c)
        curve.append(max(float(np.trace(residual)), 0.0) / total)
    return curve
