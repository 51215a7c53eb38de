"""The workloads of bench_engine.py, prepared in a scratch directory: each a spec and a data file.

Every spec is written without a ``unit`` key, so that the previous release (which does not know
it) reads the same file; the unit is kept beside it for the targets that need one.
"""

from __future__ import annotations

import random
import re
import subprocess
from pathlib import Path
from typing import Callable, List, NamedTuple, Optional, Sequence

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
QM9_SFS = REPO / "tests" / "data" / "sfvalues" / "qm9-10_t23-24-25_example" / "input.nn"
QM9_10 = REPO / "tests" / "data" / "datasets" / "qm9-10.data"
CU2S = HERE / "data" / "cu2s-20"
H2O_4 = HERE / "data" / "h2o-4" / "input.data"
WATER_SPEC = REPO / "examples" / "configs" / "water-HO.toml"

ONE_ATOM_COUNT = 20_000
CU_LATTICE = 3.615  # Å, fcc Cu
ONE_ATOM_SPEC = """\
# Cu, one atom per structure: a small Gaussian spec with radial and angular SFs (bench_engine.py)
elements = ["Cu"]
cutoff = 6.0

[cutoff_function]
type = "cos"

[[sets]]
type = "radial"
rule = "gastegger2018"
mode = "shift"
nb_param_pairs = 8
r_lower = 2.0
r_upper = 5.5

[[sets]]
type = "angular_narrow"
rule = "gastegger2018"
mode = "center"
nb_param_pairs = 2
r_lower = 2.0
zetas = [1, 4]

[[sets]]
type = "angular_wide"
rule = "gastegger2018"
mode = "center"
nb_param_pairs = 2
r_lower = 2.0
zetas = [1, 4]
"""


class Workload(NamedTuple):
    name: str
    about: str  # where the spec and the data come from
    spec: Path
    data: Path
    unit: str  # "angstrom" or "bohr": the data's length unit
    reference: Optional[Path] = None  # n2p2's scaling.data for exactly this spec and data


# (name, group): --only takes either
NAMES = (
    ("qm9-poly-x1", "qm9-poly"), ("qm9-poly-x3", "qm9-poly"),
    ("qm9-gauss-x1", "qm9-gauss"), ("qm9-gauss-x3", "qm9-gauss"),
    ("cu2s", "cu2s"), ("water", "water"),
    ("one-atom", "one-atom"), ("one-atom-isolated", "one-atom"),
)  # fmt: skip


def wanted(only: Optional[str]) -> List[str]:
    if not only:
        return [name for name, _ in NAMES]
    asked = set(only.split(","))
    known = {n for pair in NAMES for n in pair}
    if asked - known:
        unknown, names = sorted(asked - known), sorted(known)
        raise SystemExit(f"--only: unknown workload(s) {unknown}; known: {names}")
    return [name for name, group in NAMES if name in asked or group in asked]


def structures(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.split()[:1] == ["begin"])


def atoms(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.split()[:1] == ["atom"])


def without_unit(text: str) -> str:
    return re.sub(r"(?m)^unit\s*=.*\n", "", text)


class Preparer:
    """Writes the workloads' files under ``tmp`` with ``program`` (this sfcompile)."""

    def __init__(self, program: Sequence[str], tmp: Path, examples: Optional[Path]) -> None:
        self.program, self.tmp, self.examples = list(program), tmp, examples

    def sfcompile(self, *arguments: str) -> None:
        done = subprocess.run([*self.program, *arguments], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"sfcompile {' '.join(arguments)} failed:\n{done.stderr}")

    def write(self, name: str, text: str) -> Path:
        path = self.tmp / name
        path.write_text(text)
        return path

    def imported(self, input_nn: Path, name: str) -> Path:
        spec = self.tmp / name
        self.sfcompile("import", str(input_nn), "-o", str(spec))
        return spec

    def prepare(self, names: Sequence[str]) -> List[Workload]:
        made: List[Workload] = []
        makers: List[Callable[[Sequence[str]], List[Workload]]] = [
            self.qm9, self.cu2s, self.water, self.one_atom,
        ]  # fmt: skip
        for maker in makers:
            made.extend(maker(names))
        return [w for w in made if w.name in names]

    def qm9(self, names: Sequence[str]) -> List[Workload]:
        if not any(n.startswith("qm9") for n in names):
            return []
        if self.examples:
            source = self.examples / "nnp-train" / "QM9" / "input.data"
            one, origin = source.read_text(), f"n2p2's QM9 example ({source})"
        else:
            one, origin = QM9_10.read_text() * 10, f"{QM9_10.name} repeated 10 times"
        sizes = {1: self.write("qm9-x1.data", one), 3: self.write("qm9-x3.data", one * 3)}
        poly = self.imported(QM9_SFS, "qm9-poly.toml")
        gauss = self.tmp / "qm9-gauss.toml"
        self.sfcompile("init", "--data", str(sizes[1]), "-o", str(gauss))
        gauss.write_text(without_unit(gauss.read_text()))
        found = []
        for size, data in sizes.items():
            text = data.read_text()
            what = f"{origin} x{size}: {structures(text)} molecules, {atoms(text)} atoms"
            poly_about = f"{what}; n2p2's QM9 SFs (types 23/24/25, cutoff_type 6), imported"
            gauss_about = f"{what}; the Gaussian starter spec `sfcompile init` writes for them"
            found.append(Workload(f"qm9-poly-x{size}", poly_about, poly, data, "angstrom"))
            found.append(Workload(f"qm9-gauss-x{size}", gauss_about, gauss, data, "angstrom"))
        return found

    def cu2s(self, names: Sequence[str]) -> List[Workload]:
        if "cu2s" not in names:
            return []
        data = CU2S / "input.data"
        text = data.read_text()
        about = (f"bench/data/cu2s-20 (n2p2's Cu2S example): {structures(text)} periodic cells, "
                 f"{atoms(text)} atoms; its input.nn (179 SFs) imported")  # fmt: skip
        spec = self.imported(CU2S / "input.nn", "cu2s.toml")
        return [Workload("cu2s", about, spec, data, "angstrom", CU2S / "scaling.data")]

    def water(self, names: Sequence[str]) -> List[Workload]:
        if "water" not in names:
            return []
        if self.examples:
            folder = self.examples / "nnp-scaling" / "H2O_RPBE-D3"
            data = folder / "input.data"
            spec = self.imported(folder / "input.nn", "water.toml")
            origin = f"n2p2's water example ({folder}): its input.nn imported"
        else:
            data = H2O_4
            # stats needs n2p2's global cutoff function, which the example leaves out
            text = WATER_SPEC.read_text() + '\n[cutoff_function]\ntype = "cos"\n'
            spec = self.write("water.toml", text)
            origin = f"bench/data/h2o-4 with {WATER_SPEC.name} (+ [cutoff_function] cos)"
        text = data.read_text()
        about = f"{origin}; {structures(text)} periodic cells, {atoms(text)} atoms, Bohr"
        return [Workload("water", about, spec, data, "bohr")]

    def one_atom(self, names: Sequence[str]) -> List[Workload]:
        spec = self.write("one-atom.toml", ONE_ATOM_SPEC)
        found = []
        if "one-atom" in names:
            data = self.write("one-atom.data", one_atom_cells(ONE_ATOM_COUNT, seed=18))
            about = (f"{ONE_ATOM_COUNT:,} periodic fcc Cu primitive cells (a = {CU_LATTICE} Å, "
                     "random strain up to ±5 %), one atom each; cutoff 6 Å")  # fmt: skip
            found.append(Workload("one-atom", about, spec, data, "angstrom"))
        if "one-atom-isolated" in names:
            data = self.write("one-atom-isolated.data", isolated_atoms(ONE_ATOM_COUNT))
            about = f"{ONE_ATOM_COUNT:,} isolated Cu atoms (no cell); the same spec"
            found.append(Workload("one-atom-isolated", about, spec, data, "angstrom"))
        return found


def one_atom_cells(count: int, seed: int) -> str:
    """``count`` fcc Cu primitive cells, each strained by a random symmetric strain tensor with
    components uniform in [-0.05, 0.05] (Python's Mersenne Twister: the same file everywhere)."""
    rng = random.Random(seed)
    half = CU_LATTICE / 2
    base = ((0.0, half, half), (half, 0.0, half), (half, half, 0.0))
    lines: List[str] = []
    for k in range(count):
        strain = [[0.0] * 3 for _ in range(3)]
        for i in range(3):
            for j in range(i, 3):
                strain[i][j] = strain[j][i] = rng.uniform(-0.05, 0.05)
        deformed = [
            [sum(v[m] * ((m == n) + strain[m][n]) for m in range(3)) for n in range(3)]
            for v in base
        ]
        lines.append("begin")
        lines.append(f"comment one-atom fcc Cu cell {k + 1}")
        lines.extend("lattice {:.10f} {:.10f} {:.10f}".format(*v) for v in deformed)
        lines.append("atom 0.0 0.0 0.0 Cu 0.0 0.0 0.0 0.0 0.0")
        lines.extend(("energy 0.0", "charge 0.0", "end"))
    return "\n".join(lines) + "\n"


def isolated_atoms(count: int) -> str:
    block = "begin\ncomment one isolated Cu atom\natom 0.0 0.0 0.0 Cu 0.0 0.0 0.0 0.0 0.0\n"
    return (block + "energy 0.0\ncharge 0.0\nend\n") * count
