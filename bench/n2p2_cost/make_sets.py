"""Write the calibration workloads of the cost model: data sets, n2p2 headers and SF sets.

Everything is derived, deterministically, from files in this repository: the pools are specs
(bench/data/cuau-600, examples/configs, bench/n2p2_cost/specs) compiled by sfcompile, cutoff
variants are the same specs with another cutoff, and the random subsets are drawn with a seed
made from the set's name. ``measure.py`` runs n2p2 on them; ``fit.py`` reads them back (the
measurements record each set's sha256, which ``fit.py`` checks).

    python bench/n2p2_cost/make_sets.py [--out bench/results/n2p2_cost]

Layout: OUT/<data>/input.data; per element list OUT/<data>/<elements>/header.nn (n2p2's
keywords: those of bench/data/cuau-600/train-header.nn with these elements) and
OUT/<data>/<elements>/<name>.nn (the SF lines).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CUAU = ROOT / "bench/data/cuau-600"
RADIAL_TYPES = {"2", "12", "20", "23"}


class Pool(NamedTuple):
    name: str
    spec: Path
    cutoff: Optional[Tuple[float, float]] = None  # (cutoff, r_upper) replacing the spec's


class Workload(NamedTuple):
    data: str  # name of the data variant
    pool: Pool
    sizes: Sequence[int]  # SFs per central element of the random subsets


def data_variants() -> Dict[str, Tuple[Path, int, int]]:
    """name -> (source, keep every n-th structure, copies of the result)."""
    return {
        "cuau-600": (CUAU / "CuAu-EMT-600.data.gz", 1, 1),
        "cuau-300": (CUAU / "CuAu-EMT-600.data.gz", 2, 1),
        "cuau-150": (CUAU / "CuAu-EMT-600.data.gz", 4, 1),
        "h2o-x20": (ROOT / "bench/data/h2o-4/input.data", 1, 20),
        "h2o-x10": (ROOT / "bench/data/h2o-4/input.data", 1, 10),
        "h2o-x2": (ROOT / "bench/data/h2o-4/input.data", 1, 2),
        "qm9-x300": (ROOT / "tests/data/datasets/qm9-10.data", 1, 300),
        "cu2s-x2": (ROOT / "bench/data/cu2s-20/input.data", 1, 2),  # held out of the fit
    }


SPECS = HERE / "specs"
POOL_CUAU = Pool("p6", CUAU / "pool-CuAu.toml")
WORKLOADS = [
    Workload("cuau-300", POOL_CUAU, (2, 4, 8, 16, 28, 56, 112)),
    Workload("cuau-300", Pool("mw6", CUAU / "pool-multiwidth-CuAu.toml"), (2, 6, 12, 28, 56, 100)),
    Workload("cuau-300", Pool("p45", CUAU / "pool-CuAu.toml", (4.5, 4.2)), (4, 12, 28, 56, 112)),
    Workload("cuau-150", Pool("p8", CUAU / "pool-CuAu.toml", (8.0, 7.5)), (4, 12, 28, 56)),
    Workload(
        "h2o-x10",
        Pool("w12", ROOT / "examples/configs/water-pool-HO.toml"),
        (2, 4, 8, 16, 32, 64, 128),
    ),
    Workload(
        "h2o-x20",
        Pool("w8", ROOT / "examples/configs/water-pool-HO.toml", (8.0, 7.5)),
        (4, 16, 48, 128),
    ),
    Workload(
        "h2o-x2",
        Pool("w16", ROOT / "examples/configs/water-pool-HO.toml", (16.0, 15.5)),
        (4, 12, 32),
    ),
    Workload("h2o-x10", Pool("ww12", SPECS / "water-weighted-HO.toml"), (2, 6, 16, 40)),
    Workload("qm9-x300", Pool("qg6", SPECS / "qm9-gaussian-HCNO.toml"), (4, 12, 28, 64, 128)),
    Workload("cuau-300", Pool("cp6", SPECS / "cuau-poly.toml"), (4, 12, 28, 56)),
    Workload("qm9-x300", Pool("qp6", SPECS / "qm9-poly-HCNO.toml"), (4, 12, 28, 60)),
    Workload(
        "qm9-x300", Pool("qw15", ROOT / "examples/configs/polynomial-qm9-HCNOF.toml"), (3, 6, 12)
    ),
]
# whole specs measured as they are (data, name, spec)
WHOLE = [
    ("cuau-600", "hand-spec", CUAU / "hand-CuAu.toml"),
    ("cuau-300", "cp6-all", SPECS / "cuau-poly.toml"),
    ("h2o-x10", "water-HO", ROOT / "examples/configs/water-HO.toml"),
    ("h2o-x10", "water-pool-HO", ROOT / "examples/configs/water-pool-HO.toml"),
    ("h2o-x10", "selected-water-HO", ROOT / "examples/configs/selected-water-HO.toml"),
    ("h2o-x10", "ww12-all", SPECS / "water-weighted-HO.toml"),
    ("qm9-x300", "qw15-all", ROOT / "examples/configs/polynomial-qm9-HCNOF.toml"),
    ("qm9-x300", "qp6-all", SPECS / "qm9-poly-HCNO.toml"),
    # held out: a fourth data set (n2p2's Cu2S example) and specs not drawn from the pools
    ("cu2s-x2", "walkthrough-SCu", ROOT / "examples/configs/sfparamgen-walkthrough-SCu.toml"),
    ("cu2s-x2", "per-set-cutoffs", ROOT / "examples/configs/per-set-cutoffs.toml"),
    ("cu2s-x2", "per-pair-cutoffs", ROOT / "examples/configs/per-pair-cutoffs-CuS.toml"),
    ("cu2s-x2", "poly-SCu", ROOT / "examples/configs/polynomial-element-resolved-SCu.toml"),
]
#: SF lines used as they are (data, name, input.nn, its elements)
WHOLE_NN = [("cu2s-x2", "cu2s-n2p2", ROOT / "bench/data/cu2s-20/input.nn", ["S", "Cu"])]
# sets drawn from two pools at once (different cutoffs in one set): data, name, pools, sizes
MIXED = [
    ("cuau-150", "p45+p8", (Pool("p45", CUAU / "pool-CuAu.toml", (4.5, 4.2)),
                            Pool("p8", CUAU / "pool-CuAu.toml", (8.0, 7.5))), (8, 28, 56)),
    ("cuau-300", "p45+p6", (Pool("p45", CUAU / "pool-CuAu.toml", (4.5, 4.2)), POOL_CUAU),
     (8, 28, 56)),
    ("h2o-x10", "w8+w12", (Pool("w8", ROOT / "examples/configs/water-pool-HO.toml", (8.0, 7.5)),
                           Pool("w12", ROOT / "examples/configs/water-pool-HO.toml")), (8, 32)),
]  # fmt: skip


def compile_lines(pool: Pool) -> Tuple[List[str], List[str]]:
    """The pool's elements and its symfunction_short lines (compiled by this sfcompile)."""
    text = pool.spec.read_text()
    if pool.cutoff is not None:
        cutoff, upper = pool.cutoff
        text = re.sub(r"(?m)^cutoff = \S+", f"cutoff = {cutoff}", text)
        text = re.sub(r"(?m)^r_upper = \S+", f"r_upper = {upper}", text)
    out = subprocess.run(
        [sys.executable, "-m", "sfcompile", "compile", "-"],
        input=text, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    match = re.search(r"(?m)^elements = \[(.*)\]", text)
    assert match is not None
    elements = [e.strip().strip('"') for e in match.group(1).split(",")]
    return elements, [x for x in out.splitlines() if x.startswith("symfunction_short")]


def kind(line: str) -> str:
    return "radial" if line.split()[2] in RADIAL_TYPES else "angular"


def draw(lines: Sequence[str], name: str, size: int, which: str) -> Optional[List[str]]:
    """``size`` lines per central element of kind ``which`` (radial, angular, mixed); None if
    some element has fewer."""
    rng = random.Random(int(hashlib.sha256(name.encode()).hexdigest()[:16], 16))
    chosen: List[str] = []
    for element in dict.fromkeys(x.split()[1] for x in lines):
        own = [x for x in lines if x.split()[1] == element and which in ("mixed", kind(x))]
        if len(own) < size:
            return None
        chosen += sorted(rng.sample(own, size), key=lines.index)
    return chosen


def random_sets(work: Workload) -> Iterator[Tuple[str, List[str], List[str]]]:
    elements, lines = compile_lines(work.pool)
    for which in ("radial", "angular", "mixed"):
        for size in work.sizes:
            name = f"{work.pool.name}-{which}-{size}"
            chosen = draw(lines, name, size, which)
            if chosen is not None:
                yield name, elements, chosen


def mixed_sets() -> Iterator[Tuple[str, str, List[str], List[str]]]:
    for data, name, pools, sizes in MIXED:
        compiled = [compile_lines(p) for p in pools]
        elements = compiled[0][0]
        lines = [x for _, found in compiled for x in found]
        for size in sizes:
            chosen = draw(lines, f"{name}-mixed-{size}", size, "mixed")
            assert chosen is not None
            yield data, f"{name}-mixed-{size}", elements, chosen


def baseline(elements: Sequence[str], cutoff: float) -> List[str]:
    """One radial SF per element (its own element as neighbour) at the largest cutoff: the
    neighbour list and the fixed costs of a run with next to no SF work."""
    return [f"symfunction_short {e} 2 {e} 1.000E+00 0.000E+00 {cutoff:.3E}" for e in elements]


def header(elements: Sequence[str]) -> str:
    text = (CUAU / "train-header.nn").read_text()
    text = re.sub(r"(?m)^number_of_elements\s.*$", f"number_of_elements {len(elements)}", text)
    text = re.sub(r"(?m)^elements\s.*$", "elements " + " ".join(elements), text)
    text = re.sub(r"(?m)^atom_energy\s.*\n", "", text)
    return text + "".join(f"atom_energy {e} 0.0\n" for e in elements)


def write_data(target: Path, source: Path, stride: int, copies: int) -> None:
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt") as f:
        text = f.read()
    blocks = re.findall(r"(?ms)^\s*begin\s*$.*?^\s*end\s*$\n?", text)
    kept = "".join(b if b.endswith("\n") else b + "\n" for b in blocks[::stride])
    target.write_text(kept * copies)


RC_FIELD = {2: 6, 3: 8, 9: 8, 12: 5, 13: 7, 20: 5, 21: 6, 22: 6, 23: 4, 24: 4, 25: 4}


def largest_cutoff(lines: Sequence[str]) -> float:
    """The largest cutoff (polynomial types: right radial window edge) of a set of lines."""
    return max(float(x.split()[RC_FIELD[int(x.split()[2])]]) for x in lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench/results/n2p2_cost")
    args = parser.parse_args()
    sets: Dict[str, Dict[str, Tuple[List[str], List[str]]]] = {}
    for work in WORKLOADS:
        for name, elements, lines in random_sets(work):
            sets.setdefault(work.data, {})[name] = (elements, lines)
    for data, name, elements, lines in mixed_sets():
        sets.setdefault(data, {})[name] = (elements, lines)
    for data, name, spec in WHOLE:
        sets.setdefault(data, {})[name] = compile_lines(Pool(name, spec))
    for data, name, path, elements in WHOLE_NN:
        lines = [x for x in path.read_text().splitlines() if x.startswith("symfunction_short")]
        sets.setdefault(data, {})[name] = (elements, [" ".join(x.split()) for x in lines])
    for found in sets.values():
        for elements, cutoff in sorted({(tuple(e), largest_cutoff(x)) for e, x in found.values()}):
            found[f"base-{'-'.join(elements)}-{cutoff:g}"] = (
                list(elements),
                baseline(elements, cutoff),
            )
    variants = data_variants()
    for data, found in sorted(sets.items()):
        folder = args.out / data
        folder.mkdir(parents=True, exist_ok=True)
        write_data(folder / "input.data", *variants[data])
        for name, (elements, lines) in sorted(found.items()):
            group = folder / "-".join(elements)
            group.mkdir(exist_ok=True)
            (group / "header.nn").write_text(header(elements))
            (group / f"{name}.nn").write_text("\n".join(lines) + "\n")
        print(data, len(found), "sets")


if __name__ == "__main__":
    main()
