"""Where the data's pair distances fall in gaps of the radial SFs (``sfcompile stats``).

Each chunk adds its neighbour pairs to a histogram per element pair (``BINS`` bins from 0 to
the largest cutoff of the radial Gaussian SFs, types 2 and 12; integer counts, so the sum does
not depend on the chunking). For each central element c and neighbour element n with radial
Gaussian SFs (type 2 with neighbour n, and type 12) the *coverage* at distance r is, as the
lint's ``radial-gap`` defines it, the largest of their Gaussians exp(-eta (r - r_s)^2) relative
to its peak, over those whose cutoff lies beyond r (the cutoff function left aside). A c-n
distance (a bin centre) below the outermost of their centres where the coverage is below 10 %
is *in a gap*: a neighbour there moves none of these SFs. Beyond the outermost centre the SFs
end, by choice (a shorter range) or because the cutoff function takes them down: not counted.
More than ``SHARE_LIMIT`` of the c-n distances within the cutoff in gaps is a warning, with the
gaps that hold most of them (each from its first to its last distance).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

from ..generate.expand import SymmetryFunction
from ..generate.lint.gaps import GAP_LIMIT, RADIAL_GAUSSIAN

BINS = 1000
SHARE_LIMIT = 0.01  # more than 1 % of the distances in gaps: a warning
SHOWN = 3  # gaps named per warning
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def reach(sfs: Dict[str, List[SymmetryFunction]]) -> float:
    """The largest cutoff of the radial Gaussian SFs (0: none)."""
    cutoffs = [float(sf.cutoff) for group in sfs.values() for sf in group
               if sf.type_number in RADIAL_GAUSSIAN]  # fmt: skip
    return max(cutoffs, default=0.0)


def pair_histogram(
    elements: Sequence[str], symbols: Sequence[str], i: IntArray, j: IntArray,
    distances: FloatArray, cutoff: float,
) -> Optional[IntArray]:  # fmt: skip
    """Counts of the pairs (i, j) per unordered element pair and bin of [0, cutoff): an array
    (len(elements)^2, BINS), row a * E + b for a <= b in ``elements`` order."""
    if cutoff <= 0.0:
        return None
    n = len(elements)
    code = {e: k for k, e in enumerate(elements)}
    species = np.array([code[s] for s in symbols], dtype=np.int64)
    inside = distances < cutoff
    a, b = species[i[inside]], species[j[inside]]
    row = np.minimum(a, b) * n + np.maximum(a, b)
    bins = np.minimum((distances[inside] * (BINS / cutoff)).astype(np.int64), BINS - 1)
    counts = np.bincount(row * BINS + bins, minlength=n * n * BINS)
    return counts.reshape(n * n, BINS)


def _coverage(sfs: Sequence[SymmetryFunction], r: FloatArray) -> FloatArray:
    """The largest Gaussian of ``sfs`` at each r (0 beyond an SF's cutoff)."""
    best = np.zeros_like(r)
    for sf in sfs:
        rs, eta = float(sf.r_shift or 0.0), float(sf.eta or 0.0)
        value = np.exp(-eta * (r - rs) ** 2)
        best = np.maximum(best, np.where(r < float(sf.cutoff), value, 0.0))
    return best


def _sees(sf: SymmetryFunction, neighbour: str) -> bool:
    """A radial Gaussian SF that responds to neighbours of element ``neighbour``."""
    if sf.type_number == 12:  # weighted: every neighbour
        return True
    return sf.type_number == 2 and sf.combination[1] == neighbour


def _runs(flags: npt.NDArray[np.bool_]) -> List[Tuple[int, int]]:
    """[start, end) of every run of True."""
    edges = np.flatnonzero(np.diff(np.r_[0, flags.astype(np.int8), 0]))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def radial_gaps(
    elements: Sequence[str],
    sfs: Dict[str, List[SymmetryFunction]],
    histogram: Optional[IntArray],
    cutoff: float,
) -> List[Dict[str, Any]]:
    """Per ordered element pair (central, neighbour) whose distances lie in gaps of its radial
    Gaussian SFs more than SHARE_LIMIT of the time: the share, the cutoff, the gaps."""
    if histogram is None:
        return []
    n = len(elements)
    width = cutoff / BINS
    centres: FloatArray = (np.arange(BINS, dtype=np.float64) + 0.5) * width
    found = []
    for ci, central in enumerate(elements):
        for ni, neighbour in enumerate(elements):
            mine = [sf for sf in sfs.get(central, []) if _sees(sf, neighbour)]
            if not mine:
                continue
            reach = max(float(sf.cutoff) for sf in mine)
            outermost = max(float(sf.r_shift or 0.0) for sf in mine)
            counts = histogram[min(ci, ni) * n + max(ci, ni)] * (centres < reach)
            total = float(counts.sum())
            if not total:
                continue
            empty = (centres < outermost) & (_coverage(mine, centres) < GAP_LIMIT)
            share = float(counts[empty].sum()) / total
            if share <= SHARE_LIMIT:
                continue
            seen = np.flatnonzero(counts > 0)  # the gaps from their first to their last distance
            runs = []
            for lo, hi in _runs(empty):
                inside = seen[(seen >= lo) & (seen < hi)]
                if len(inside):
                    part = float(counts[lo:hi].sum()) / total
                    runs.append((int(inside[0]), int(inside[-1]) + 1, part))
            runs.sort(key=lambda r: (-r[2], r[0]))
            found.append({
                "combination": [central, neighbour], "share": share,
                "cutoff": max(float(sf.cutoff) for sf in mine),
                "gaps": [{"from": lo * width, "to": hi * width, "share": s}
                         for lo, hi, s in runs],
            })  # fmt: skip
    return found


def gap_warning(entry: Dict[str, Any]) -> str:
    central, neighbour = entry["combination"]
    shown = ", ".join(
        f"{g['from']:.4g} to {g['to']:.4g} ({100 * g['share']:.2g} %)"
        for g in entry["gaps"][:SHOWN]
    )
    more = f" and {len(entry['gaps']) - SHOWN} more" if len(entry["gaps"]) > SHOWN else ""
    return (
        f"radial gaps: {100 * entry['share']:.3g} % of the {central}-{neighbour} distances "
        f"within the cutoff ({entry['cutoff']:g}) lie in gaps of the radial Gaussian SFs of "
        f"{central} with {neighbour} neighbours (below their outermost centre, where none "
        f"reaches {100 * GAP_LIMIT:g} % of its peak): {shown}{more}. A neighbour there moves none"
        " of these SFs; add Gaussians there, or wider ones (a pool with several widths to select "
        "from: sfcompile init --pool)"
    )
