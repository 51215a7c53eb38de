"""DScribe's ACSF over a whole data set, with the mean and standard deviation of every SF.

The reference program of bench_engine.py (DScribe's ACSF is C++ behind a Python interface):
reads the structures of an n2p2 input.data (a plain reader of its own), builds one ACSF per
central element from the keyword arguments `sfcompile SPEC --target dscribe` wrote, computes
it for every atom of that element in every structure, and writes, per element, the mean and
the sample standard deviation of each column that is an SF of the spec, keyed by the SF's
position in the spec ("line" in the target's column map), as JSON.

    python bench/dscribe_stats.py ACSF_JSON INPUT_DATA [--bohr] -o MOMENTS_JSON
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import numpy as np
from ase import Atoms
from dscribe.descriptors import ACSF

BOHR_IN_ANGSTROM = 0.529177210903  # CODATA 2018, as the dscribe target converts the SFs

Structure = Tuple[List[str], List[List[float]], List[List[float]]]  # elements, positions, cell


def read_input_data(path: Path) -> Iterator[Structure]:
    elements: List[str] = []
    positions: List[List[float]] = []
    cell: List[List[float]] = []
    with path.open() as lines:
        for line in lines:
            words = line.split()
            if not words:
                continue
            if words[0] == "begin":
                elements, positions, cell = [], [], []
            elif words[0] == "lattice":
                cell.append([float(w) for w in words[1:4]])
            elif words[0] == "atom":
                positions.append([float(w) for w in words[1:4]])
                elements.append(words[4])
            elif words[0] == "end":
                yield elements, positions, cell


def moments(acsf_json: Path, data: Path, scale: float) -> Dict[str, Dict[str, List[float]]]:
    document = json.loads(acsf_json.read_text())
    descriptors = {
        element: ACSF(periodic=True, **arguments) for element, arguments in document["acsf"].items()
    }
    rows: Dict[str, List[np.ndarray]] = {element: [] for element in descriptors}
    for elements, positions, cell in read_input_data(data):
        periodic = len(cell) == 3
        atoms = Atoms(
            symbols=elements,
            positions=np.asarray(positions) * scale,
            cell=np.asarray(cell) * scale if periodic else None,
            pbc=periodic,
        )
        for element, acsf in descriptors.items():
            centres = [i for i, e in enumerate(elements) if e == element]
            if centres:
                acsf.periodic = periodic
                rows[element].append(np.atleast_2d(acsf.create(atoms, centers=centres)))
    result: Dict[str, Dict[str, List[float]]] = {}
    for element, found in rows.items():
        if not found:
            continue
        values = np.concatenate(found)
        mean = values.mean(axis=0)
        sigma = values.std(axis=0, ddof=1) if len(values) > 1 else np.zeros(values.shape[1])
        result[element] = {
            str(c["line"]): [float(mean[c["column"]]), float(sigma[c["column"]])]
            for c in document["columns"][element]
            if c["line"] is not None
        }
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("acsf_json", type=Path)
    parser.add_argument("data", type=Path)
    parser.add_argument("--bohr", action="store_true", help="the data's lengths are in Bohr")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    scale = BOHR_IN_ANGSTROM if args.bohr else 1.0
    found = moments(args.acsf_json, args.data, scale)
    args.output.write_text(json.dumps(found, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
