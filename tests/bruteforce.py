"""A slow, independent evaluation of n2p2's symmetry functions, for reference in tests.

Written from the definitions (``n2p2-input-nn.md``; Behler, J. Chem. Phys. 134, 074106 (2011);
Bircher, Singraber & Dellago, Mach. Learn.: Sci. Technol. 2, 035026 (2021)), sharing no code with
the engine: the periodic images of every atom are enumerated explicitly, and every sum runs over
all neighbours (pairs) or all pairs of neighbours j < k (triplets) of one centre at a time. No
blocks, no tables, no rounding tricks: agreement is expected to about 1e-9 relative.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

Z = {"H": 1, "C": 6, "N": 7, "O": 8, "S": 16, "Cu": 29, "Au": 79}


def neighbours_of(
    positions: np.ndarray, lattice: Optional[np.ndarray], centre: int, cutoff: float
) -> Tuple[np.ndarray, np.ndarray]:
    """Vectors to every atom (and periodic image) within ``cutoff`` of ``centre``, and the
    index of the atom each one is an image of."""
    if lattice is None:
        shifts = np.zeros((1, 3))
    else:
        volume = abs(np.linalg.det(lattice))
        heights = [volume / np.linalg.norm(np.cross(lattice[a], lattice[b]))
                   for a, b in ((1, 2), (2, 0), (0, 1))]  # fmt: skip
        reach = [math.ceil(cutoff / h) + 1 for h in heights]
        grid = itertools.product(*(range(-n, n + 1) for n in reach))
        shifts = np.array([np.dot(n, lattice) for n in grid])
    vectors, atoms = [], []
    for j, position in enumerate(positions):
        v = position + shifts - positions[centre]
        d = np.linalg.norm(v, axis=1)
        keep = (d < cutoff) & (d > 0.0)
        vectors.append(v[keep])
        atoms += [j] * int(keep.sum())
    return np.concatenate(vectors), np.array(atoms, dtype=int)


def cutoff_function(r: np.ndarray, rc: float, kind: int, alpha: float = 0.0) -> np.ndarray:
    """n2p2's cutoff_type 0 (hard), 1 (cos), 2 (tanhu), 6 (poly2)."""
    if kind == 0:
        return (r < rc).astype(float)
    if kind == 2:
        return np.where(r < rc, np.tanh(1.0 - r / rc) ** 3, 0.0)
    inner = alpha * rc
    x = np.clip((r - inner) / (rc - inner), 0.0, 1.0)
    f = 0.5 * (np.cos(np.pi * x) + 1.0) if kind == 1 else ((15 - 6 * x) * x - 10) * x**3 + 1
    return np.where(r < inner, 1.0, np.where(r < rc, f, 0.0))


def core(y: np.ndarray, name: str) -> np.ndarray:
    if name == "e":
        with np.errstate(divide="ignore"):
            return np.where(y < 1.0, np.exp(1.0 - 1.0 / (1.0 - y * y)), 0.0)
    polynomials = {
        "p1": lambda x: (2 * x - 3) * x**2 + 1,
        "p2": lambda x: ((15 - 6 * x) * x - 10) * x**3 + 1,
        "p3": lambda x: (x * (x * (20 * x - 70) + 84) - 35) * x**4 + 1,
        "p4": lambda x: (x * (x * ((315 - 70 * x) * x - 540) + 420) - 126) * x**5 + 1,
    }
    return np.asarray(polynomials[name](y))


def bump(v: np.ndarray, left: float, right: float, subtype: str, radial: bool) -> np.ndarray:
    """C(v; left, right): the core at |v − centre| / half-width, 0 outside (left, right)."""
    y = np.abs(v - (left + right) / 2) / ((right - left) / 2)
    y = np.minimum(y, 1.0)
    name = subtype.rstrip("a")
    if subtype.endswith("a") and radial:
        y = (2.0 - y) * y
    return np.where((v > left) & (v < right), core(y, name), 0.0)


def value(sf: Any, vectors: np.ndarray, species: Sequence[str], kind: int, alpha: float) -> float:
    """One SF (an object with the fields of sfcompile's SymmetryFunction) at one centre whose
    neighbours are ``vectors`` (of elements ``species``), all within the largest cutoff."""
    t, combo, rc = sf.type_number, sf.combination, float(sf.cutoff)
    r = np.linalg.norm(vectors, axis=1)
    inside = r < rc
    v, r, names = vectors[inside], r[inside], [s for s, ok in zip(species, inside) if ok]
    z = np.array([Z[s] for s in names], dtype=float)
    if t in (2, 12, 20, 23):
        use = np.ones(len(r), bool) if t in (12, 23) else np.array([s == combo[1] for s in names])
        weight = z if t in (12, 23) else np.ones(len(r))
        if t in (2, 12):
            gaussian = np.exp(-sf.eta * (r - sf.r_shift) ** 2)
            terms = gaussian * cutoff_function(r, rc, kind, alpha)
        else:
            terms = bump(r, sf.r_lower, rc, sf.subtype, True)
        return float(np.sum((weight * terms)[use]))
    j, k = np.triu_indices(len(r), 1)
    if t in (3, 9, 21, 22):
        first, second = np.array(names)[j], np.array(names)[k]
        e1, e2 = combo[1], combo[2]
        use = ((first == e1) & (second == e2)) | ((first == e2) & (second == e1))
        weight = np.ones(len(j))
    else:
        use, weight = np.ones(len(j), bool), z[j] * z[k]
    if not len(j):
        return 0.0
    rij, rik = r[j], r[k]
    rjk = np.linalg.norm(v[k] - v[j], axis=1)
    cos = np.sum(v[j] * v[k], axis=1) / (rij * rik)
    narrow = t in (3, 13, 21, 24)
    if t in (3, 9, 13):
        base = 1.0 + sf.lambda_ * cos
        power = np.where(base > 0, np.abs(base) ** sf.zeta, 0.0)
        angular = power * 2.0 ** (1 - sf.zeta)
        squares = (rij - sf.r_shift) ** 2 + (rik - sf.r_shift) ** 2
        fc = cutoff_function(rij, rc, kind, alpha) * cutoff_function(rik, rc, kind, alpha)
        if narrow:
            squares = squares + (rjk - sf.r_shift) ** 2
            fc = fc * cutoff_function(rjk, rc, kind, alpha) * (rjk < rc)
        terms = angular * np.exp(-sf.eta * squares) * fc
    else:
        rl, sub = sf.r_lower, sf.subtype
        theta = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
        terms = bump(rij, rl, rc, sub, True) * bump(rik, rl, rc, sub, True)
        terms = terms * bump(theta, sf.theta_left, sf.theta_right, sub, False)
        if narrow:
            terms = terms * bump(rjk, rl, rc, sub, True)
    return float(np.sum((weight * terms)[use]))


def evaluate(
    positions: np.ndarray,
    lattice: Optional[np.ndarray],
    elements: Sequence[str],
    sfs: Sequence[Any],
    kind: int,
    alpha: float = 0.0,
    centres: Optional[Sequence[int]] = None,
) -> Dict[int, List[float]]:
    """Atom index -> the values of its element's SFs (in the order given), for ``centres``
    (default: every atom)."""
    largest = max(float(sf.cutoff) for sf in sfs)
    result = {}
    for i in range(len(elements)) if centres is None else centres:
        vectors, atoms = neighbours_of(positions, lattice, i, largest)
        species = [elements[a] for a in atoms]
        mine = [sf for sf in sfs if sf.combination[0] == elements[i]]
        result[i] = [value(sf, vectors, species, kind, alpha) for sf in mine]
    return result
