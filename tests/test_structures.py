"""Reading atomic structures: n2p2's input.data (plain, gzip, streamed) and other formats via ASE.

Expected counts, energies and distances of the four data sets come from
``tests/data/datasets/datasets.json`` (computed by an independent reader and by n2p2), never from
this reader's output. Every kind of damage is pinned to the exact diagnostic, with the line and
column counted by hand from the text next to it.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import numpy as np
import pytest

from sfcompile.errors import SfcompileError
from sfcompile.readers.ase_reader import read_with_ase
from sfcompile.readers.structures import (
    BATCH_ATOMS,
    BATCH_STRUCTURES,
    DataError,
    Structure,
    read_input_data,
)

DATASETS = Path(__file__).parent / "data" / "datasets"
META: List[Dict[str, Any]] = json.loads((DATASETS / "datasets.json").read_text())

# columns of ATOM: atom 1, x 6, y 8, z 10, element 12, charge 14, atomic energy 16, fx 18, fy 20,
# fz 22; the line has 22 characters
ATOM = "atom 0 0 0 O 0 0 0 0 0"
CUBE = "lattice 10 0 0\nlattice 0 10 0\nlattice 0 0 10\n"
TAIL = "energy -1.5\ncharge 0\nend\n"
GOOD = f"begin\ncomment water\n{CUBE}{ATOM}\natom 1 0 0 H 0 0 0 0 0\n{TAIL}"  # 10 lines


def read_all(path: Any, **options: Any) -> List[Structure]:
    return list(read_input_data(path, **options))


def pairwise_min_distance(positions: np.ndarray) -> float:
    diff = positions[:, None, :] - positions[None, :, :]
    dist = np.sqrt((diff**2).sum(axis=-1))
    np.fill_diagonal(dist, np.inf)
    return float(dist.min())


# --- the four data sets ------------------------------------------------------------------------


@pytest.mark.parametrize("meta", META, ids=[m["name"] for m in META])
def test_dataset_matches_its_description(meta: Dict[str, Any]) -> None:
    structures = read_all(DATASETS / meta["file"])
    assert len(structures) == meta["n_structures"]
    assert [s.index for s in structures] == list(range(meta["n_structures"]))
    assert [len(s.elements) for s in structures] == meta["atoms_per_structure"]
    assert [dict(Counter(s.elements)) for s in structures] == meta["elements_per_structure"]
    total: Counter[str] = Counter()
    for s in structures:
        total.update(s.elements)
    assert dict(total) == meta["atoms_per_element"]
    assert sum(total.values()) == meta["n_atoms"]
    assert [s.energy for s in structures] == meta["energies"]  # same decimal text, same double
    assert all(s.periodic == meta["periodic"] for s in structures)
    for s in structures:
        n = len(s.elements)
        assert s.positions.shape == s.forces.shape == (n, 3) and s.charges.shape == (n,)
        assert s.positions.dtype == np.float64 and not s.positions.flags.writeable
        assert s.lattice is None or s.lattice.shape == (3, 3)
    closest = min(pairwise_min_distance(s.positions) for s in structures)
    assert closest == pytest.approx(meta["min_distance_no_pbc"], abs=5e-5)


def test_dataset_details_from_the_fixture_description() -> None:
    # fixtures README: h2o-4 cubic 24.62 and 14.78 Bohr; cu2s-3 third vector (-6.13, 0, 12.37)
    h2o = read_all(DATASETS / "h2o-4.data", known_elements=["H", "O"])
    sides = [s.lattice if s.lattice is not None else np.zeros((3, 3)) for s in h2o]
    assert np.allclose(sides[0], 24.62 * np.eye(3), atol=0.01)
    assert all(np.allclose(side, 14.78 * np.eye(3), atol=0.01) for side in sides[1:])
    assert h2o[0].line == 1 and h2o[1].line == 201  # ` begin` with a leading blank
    assert h2o[0].comment == "written by RuNNerDecom"
    cu2s = read_all(DATASETS / "cu2s-3.data")
    assert cu2s[0].lattice is not None
    assert np.allclose(cu2s[0].lattice[2], [-6.13, 0.0, 12.37], atol=0.01)
    assert (cu2s[0].positions < 0).any()  # atoms outside the cell are kept as written


def test_atom_line_fields() -> None:
    # first atom of qm9-f1: "atom 0.0680853169 1.3816216071 -0.1128715995 O -0.440854 0.0 0 0 0"
    (molecule,) = read_all(DATASETS / "qm9-f1.data", known_elements=["H", "C", "N", "O", "F"])
    assert molecule.lattice is None and molecule.charge == 0.0
    assert molecule.positions[0].tolist() == [0.0680853169, 1.3816216071, -0.1128715995]
    assert molecule.elements[0] == "O" and molecule.charges[0] == -0.440854
    first_h2o = next(read_input_data(DATASETS / "h2o-4.data"))
    assert first_h2o.forces[0].tolist() == [-0.006530137, -0.002852459, -0.027992554]


# --- tolerated variations ----------------------------------------------------------------------


def test_crlf_bom_blank_lines_comments_and_tabs_are_tolerated(tmp_path: Path) -> None:
    plain = tmp_path / "plain.data"
    plain.write_text(GOOD + GOOD)
    varied = tmp_path / "varied.data"
    text = "# made by hand\n\n" + GOOD.replace(" ", "\t") + "\n  # between\n\n" + GOOD
    varied.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())  # BOM, CRLF
    expected, got = read_all(plain), read_all(varied)
    assert [s.line for s in got] == [3, 16]
    for a, b in zip(expected, got):
        assert a.elements == b.elements and a.comment == b.comment == "water"
        assert np.array_equal(a.positions, b.positions) and a.energy == b.energy
        assert a.lattice is not None and b.lattice is not None
        assert np.array_equal(a.lattice, b.lattice)


def test_several_comment_lines_and_any_order(tmp_path: Path) -> None:
    path = tmp_path / "x.data"
    path.write_text(f"begin\ncomment one\ncharge 1\n{ATOM}\ncomment  two words \nenergy 2\nend\n")
    (s,) = read_all(path)
    assert s.comment == "one\ntwo words" and s.charge == 1.0 and s.energy == 2.0


def test_streams_of_text_and_bytes() -> None:
    text = GOOD + GOOD
    from_text = read_all(io.StringIO(text))
    from_bytes = read_all(io.BytesIO(text.encode()))
    from_lines = read_all(text.splitlines(keepends=True))
    assert [len(x) for x in (from_text, from_bytes, from_lines)] == [2, 2, 2]
    with pytest.raises(DataError, match=r"^<stream>:11:1: error: 'hello' outside"):
        read_all(io.StringIO(GOOD + "hello\n"))
    with pytest.raises(DataError, match=r"^mine:12:1: error: 'hello' outside"):
        read_all(io.StringIO(GOOD + "\nhello\n"), source="mine")


# --- gzip --------------------------------------------------------------------------------------


def test_gzip_is_read_transparently(tmp_path: Path) -> None:
    original = (DATASETS / "h2o-4.data").read_bytes()
    packed = tmp_path / "h2o-4.data.gz"
    packed.write_bytes(gzip.compress(original))
    unnamed = tmp_path / "h2o-4.bin"  # recognised by its magic bytes, not by the name
    unnamed.write_bytes(gzip.compress(original))
    plain = read_all(DATASETS / "h2o-4.data")
    for path in (packed, unnamed):
        got = read_all(path)
        assert len(got) == len(plain) == 4
        for a, b in zip(plain, got):
            assert a.elements == b.elements and np.array_equal(a.positions, b.positions)


def test_damaged_gzip_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("cut.data.gz").write_bytes(gzip.compress(GOOD.encode() * 50)[:-20])
    with pytest.raises(DataError) as info:
        read_all("cut.data.gz")
    assert info.value.diagnostics[0].format() == (
        "cut.data.gz:334:1: error: cannot read the data file after line 333 (in or after "
        "structure 33, 0-based): Compressed file ended before the end-of-stream marker was "
        "reached; the file is damaged or incomplete"
    )


def test_a_damaged_deflate_stream_is_reported() -> None:
    """zlib.error (not an OSError: what a corrupt deflate stream raises while gzip reads it)
    escaped the reader as an internal error; it is a located DataError now."""

    def lines() -> Iterator[str]:
        yield from (GOOD * 2).splitlines(keepends=True)
        raise zlib.error("Error -3 while decompressing data: invalid distance too far back")

    with pytest.raises(DataError) as info:
        list(read_input_data(lines(), source="bad.data.gz"))
    rows = len((GOOD * 2).splitlines())
    assert info.value.diagnostics[0].format() == (
        f"bad.data.gz:{rows + 1}:1: error: cannot read the data file after line {rows} (in or "
        "after structure 1, 0-based): Error -3 while decompressing data: invalid distance too "
        "far back; the file is damaged or incomplete"
    )


# --- streaming ---------------------------------------------------------------------------------


class CountingLines:
    """Lines of a text, counting how many the reader has taken; raises past ``limit``."""

    def __init__(self, text: str, limit: Optional[int] = None) -> None:
        self.lines = text.splitlines(keepends=True)
        self.limit = limit
        self.consumed = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            if self.limit is not None and self.consumed >= self.limit:
                raise AssertionError(f"read beyond line {self.limit}")
            self.consumed += 1
            yield line


ONE = f"begin\n{ATOM}\n{TAIL}"  # 5 lines, 1 atom


def test_structures_are_read_in_batches_of_bounded_size() -> None:
    # a batch closes at BATCH_STRUCTURES structures or BATCH_ATOMS atoms, whichever comes first
    stream = CountingLines(ONE * (BATCH_STRUCTURES + 10), limit=5 * BATCH_STRUCTURES)
    structures = read_input_data(stream)
    assert next(structures).index == 0
    assert stream.consumed == 5 * BATCH_STRUCTURES  # one batch read, not the file
    big = "begin\n" + f"{ATOM}\n" * 100 + TAIL  # 104 lines, 100 atoms
    closes = -(-BATCH_ATOMS // 100)  # the structure that reaches BATCH_ATOMS atoms
    stream = CountingLines(big * (closes + 5), limit=104 * closes)
    structures = read_input_data(stream)
    assert len(next(structures).elements) == 100
    assert stream.consumed == 104 * closes


def test_a_batch_gives_what_structures_read_one_by_one_give() -> None:
    # the bulk conversion of a batch against the conversion of each structure on its own
    text = (DATASETS / "h2o-4.data").read_text() + GOOD + ONE * 3 + GOOD.replace("0 0 0 0 0\n",
            "0.25 -1e-3 7 .5 -2.5E+2\n")  # fmt: skip
    together = read_all(io.StringIO(text))
    alone = [structure for part in text.split("begin")[1:]
             for structure in read_all(io.StringIO("begin" + part))]  # fmt: skip
    assert len(together) == len(alone) == 9
    for a, b in zip(together, alone):
        assert a.elements == b.elements and (a.energy, a.charge) == (b.energy, b.charge)
        for name in ("positions", "charges", "forces", "lattice"):
            x, y = getattr(a, name), getattr(b, name)
            if y is None:
                assert x is None
                continue
            assert x.tobytes() == y.tobytes() and x.shape == y.shape
            assert x.flags.c_contiguous and not x.flags.writeable
    assert together[-1].forces[1].tolist() == [7.0, 0.5, -250.0]


def test_structures_before_damage_come_first_and_the_first_damage_is_reported() -> None:
    bad_number = GOOD.replace("energy -1.5", "energy -1.5x")
    bad_element = GOOD.replace("H 0", "Hx 0")
    # structure 2 has a bad number (found when the batch is converted), structure 4 a bad
    # element (found when its lines are read): the reader gives 0 and 1, then structure 2's error
    structures = read_input_data(io.StringIO(GOOD * 2 + bad_number + GOOD + bad_element),
                                 source="late.data")  # fmt: skip
    assert [next(structures).line, next(structures).line] == [1, 11]
    with pytest.raises(DataError, match=r"^late.data:28:8: error: expected a number \(E in"):
        next(structures)
    degenerate = GOOD.replace("lattice 0 0 10", "lattice 0 0 0")
    structures = read_input_data(io.StringIO(GOOD + degenerate), source="flat.data")
    assert next(structures).line == 1
    with pytest.raises(DataError, match=r"^flat.data:13:1: error: degenerate lattice"):
        next(structures)


def test_damage_later_in_the_file_is_reported_only_when_reached() -> None:
    stream = CountingLines(GOOD + GOOD.replace("H 0", "Hx 0"))
    structures = read_input_data(stream, source="late.data")
    assert next(structures).line == 1
    assert stream.consumed == 20  # to the end of the damaged structure, which is checked there
    with pytest.raises(DataError, match=r"^late.data:17:12: error: unknown element 'Hx'"):
        next(structures)


# --- every kind of damage ----------------------------------------------------------------------

B = "the structure that begins at line"
ATOM_USAGE = "`atom x y z element charge atomic_energy fx fy fz`"
DAMAGE = {
    "truncated": (
        f"begin\n{ATOM}\n",
        f"2:23: the file ends inside {B} 1: expected `end` (truncated file?)",
    ),
    "truncated_after_blank_lines": (
        f"{GOOD}begin\n{ATOM}\nenergy 1\n\n\n",
        f"13:9: the file ends inside {B} 11: expected `end` (truncated file?)",
    ),
    "missing_end": (
        f"begin\n{ATOM}\n{TAIL[:-4]}{GOOD}",
        f"5:1: `begin` before the `end` of {B} 1",
    ),
    "end_without_begin": (f"{GOOD}end\n", "11:1: `end` without a `begin`"),
    "text_outside": (
        f"{GOOD}{ATOM}\n",
        "11:1: 'atom' outside a structure: expected `begin`, a blank line or a `#` comment",
    ),
    "text_before_first": (
        "title line\n" + GOOD,
        "1:1: 'title' outside a structure: expected `begin`, a blank line or a `#` comment",
    ),
    "begin_with_text": (" begin 1\n", "1:8: `begin` takes 0 values (`begin`), found 1"),
    "end_with_text": (GOOD.replace("end", "end 2"), "10:5: `end` takes 0 values (`end`), found 1"),
    "bad_number": (
        f"begin\natom 0 0.5.1 0 O 0 0 0 0 0\n{TAIL}",
        f"2:8: expected a number (y in {ATOM_USAGE}), found '0.5.1'",
    ),
    "bad_force": (
        f"begin\n{ATOM}\natom 0 0 0 O 0 0 0 x 0\n{TAIL}",
        f"3:20: expected a number (fy in {ATOM_USAGE}), found 'x'",
    ),
    "bad_lattice_number": (
        GOOD.replace("lattice 0 0 10", "lattice 0 0 abc"),
        "5:13: expected a number (z in `lattice x y z`), found 'abc'",
    ),
    "bad_energy": (
        GOOD.replace("energy -1.5", "energy -1.5eV"),
        "8:8: expected a number (E in `energy E`), found '-1.5eV'",
    ),
    "fortran_exponent": (
        GOOD.replace("charge 0", "charge 0.0D+00"),
        "9:8: expected a number (Q in `charge Q`), found '0.0D+00'",
    ),
    "underscore_digits": (
        f"begin\natom 1_0 0 0 O 0 0 0 0 0\n{TAIL}",
        f"2:6: expected a number (x in {ATOM_USAGE}), found '1_0'",
    ),
    "nan": (
        f"begin\natom 0 0 nan O 0 0 0 0 0\n{TAIL}",
        f"2:10: 'nan' is not a finite number (z in {ATOM_USAGE})",
    ),
    "inf_force": (
        f"begin\natom 0 0 0 O 0 0 0 0 -inf\n{TAIL}",
        f"2:22: '-inf' is not a finite number (fz in {ATOM_USAGE})",
    ),
    "overflow": (
        GOOD.replace("energy -1.5", "energy 1e999"),
        "8:8: '1e999' is not a finite number (E in `energy E`)",
    ),
    "element_case": (
        GOOD.replace(" H ", " h "),
        "7:12: unknown element 'h': not a chemical symbol (H … No); did you mean 'H'?",
    ),
    "element_two_letter_case": (
        f"begin\natom 0 0 0 cu 0 0 0 0 0\n{TAIL}",
        "2:12: unknown element 'cu': not a chemical symbol (H … No); did you mean 'Cu'?",
    ),
    "element_beyond_nobelium": (
        f"begin\natom 0 0 0 Lr 0 0 0 0 0\n{TAIL}",
        "2:12: unknown element 'Lr': not a chemical symbol (H … No)",
    ),
    "too_few_atom_values": (
        f"begin\natom 0 0 0 O 0 0 0\n{TAIL}",
        f"2:19: `atom` takes 9 values ({ATOM_USAGE}), found 7",
    ),
    "too_many_atom_values": (
        f"begin\n{ATOM} 7\n{TAIL}",
        f"2:24: `atom` takes 9 values ({ATOM_USAGE}), found 10",
    ),
    "lattice_with_two_values": (
        GOOD.replace("lattice 0 10 0", "lattice 0 10"),
        "4:13: `lattice` takes 3 values (`lattice x y z`), found 2",
    ),
    "energy_without_value": (
        GOOD.replace("energy -1.5", "energy"),
        "8:7: `energy` takes 1 value (`energy E`), found 0",
    ),
    "one_lattice_vector": (
        f"begin\nlattice 10 0 0\n{ATOM}\n{TAIL}",
        f"2:1: 1 `lattice` line (2) in {B} 1; expected 3 (periodic) or none",
    ),
    "two_lattice_vectors": (
        f"begin\nlattice 10 0 0\n{ATOM}\nlattice 0 10 0\n{TAIL}",
        f"2:1: 2 `lattice` lines (2, 4) in {B} 1; expected 3 (periodic) or none",
    ),
    "four_lattice_vectors": (
        GOOD.replace(CUBE, CUBE + "lattice 1 1 1\n"),
        f"6:1: a 4th `lattice` line in {B} 1; expected 3",
    ),
    "degenerate_lattice": (
        GOOD.replace("lattice 0 0 10", "lattice 10 10 0"),
        "3:1: degenerate lattice: the three vectors span zero volume (|det| = 0) "
        "(`lattice` lines 3–5)",
    ),
    "zero_lattice_vector": (
        GOOD.replace("lattice 0 10 0", "lattice 0 0 0"),
        "3:1: degenerate lattice: the three vectors span zero volume (|det| = 0) "
        "(`lattice` lines 3–5)",
    ),
    "no_atoms": (f"begin\ncomment empty\n{TAIL}", f"5:1: {B} 1 has no `atom` lines"),
    "unknown_keyword": (
        GOOD.replace(ATOM, ATOM.replace("atom", "atoms")),
        f"6:1: unknown keyword 'atoms' in {B} 1; expected one of begin, comment, lattice, "
        "atom, energy, charge, end; did you mean 'atom'?",
    ),
    "unknown_keyword_case": (
        GOOD.replace("energy", "Energy"),
        f"8:1: unknown keyword 'Energy' in {B} 1; expected one of begin, comment, lattice, "
        "atom, energy, charge, end; did you mean 'energy'?",
    ),
    "trailing_comment_on_a_data_line": (
        GOOD.replace("charge 0", "charge 0  # neutral"),
        "9:11: `charge` takes 1 value (`charge Q`), found 3",
    ),
    "missing_energy": (
        GOOD.replace("energy -1.5\n", ""),
        f"9:1: {B} 1 has no `energy E` line before `end`",
    ),
    "missing_charge": (
        GOOD.replace("charge 0\n", ""),
        f"9:1: {B} 1 has no `charge Q` line before `end`",
    ),
    "second_energy": (
        GOOD.replace("charge 0", "energy 2\ncharge 0"),
        "9:1: a second `energy` line (the first is at line 8)",
    ),
}


@pytest.mark.parametrize("text, expected", DAMAGE.values(), ids=list(DAMAGE))
def test_damage_is_located(
    text: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.data").write_text(text)
    with pytest.raises(DataError) as info:
        read_all("bad.data")
    (diagnostic,) = info.value.diagnostics
    where, _, message = expected.partition(": ")
    assert diagnostic.format() == f"bad.data:{where}: error: {message}"


def test_elements_outside_the_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("water.data").write_text(GOOD.replace(" H ", " S "))
    with pytest.raises(DataError) as info:
        read_all("water.data", known_elements=["O", "H"])
    assert str(info.value) == (
        "water.data:7:12: error: element 'S' is not one of the spec's elements (H, O)"
    )
    assert len(read_all("water.data", known_elements={"O", "S"})) == 1


def test_file_level_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as info:
        read_all("missing.data")
    assert str(info.value) == (
        "missing.data: error: cannot open the data file: No such file or directory"
    )
    Path("empty.data").write_text("# nothing here\n\n")
    with pytest.raises(DataError) as info:
        read_all("empty.data")
    assert str(info.value) == "empty.data: error: no structures (no `begin` line) in the data"


def test_data_error_is_an_sfcompile_error() -> None:
    assert issubclass(DataError, SfcompileError) and DataError.exit_code == 2
    with pytest.raises(SfcompileError):
        read_all(io.StringIO("end\n"))


# --- ASE ---------------------------------------------------------------------------------------


@pytest.fixture
def ase_io() -> Any:
    pytest.importorskip("ase")
    import ase.io

    return ase.io


def to_atoms(structure: Structure) -> Any:
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator

    periodic = structure.lattice is not None
    atoms = Atoms(
        symbols=list(structure.elements),
        positions=structure.positions,
        cell=structure.lattice if periodic else None,
        pbc=periodic,
    )
    atoms.calc = SinglePointCalculator(atoms, energy=structure.energy, forces=structure.forces)
    return atoms


@pytest.mark.parametrize("name", ["h2o-4", "qm9-10"])
def test_ase_round_trip(name: str, ase_io: Any, tmp_path: Path) -> None:
    original = read_all(DATASETS / f"{name}.data")
    path = tmp_path / f"{name}.extxyz"
    ase_io.write(str(path), [to_atoms(s) for s in original], format="extxyz")
    back = list(read_with_ase(path))
    assert len(back) == len(original)
    for a, b in zip(original, back):
        assert b.elements == a.elements and b.index == a.index
        assert np.allclose(b.positions, a.positions, rtol=0, atol=1e-7)
        assert np.allclose(b.forces, a.forces, rtol=0, atol=1e-7)
        assert b.energy == pytest.approx(a.energy, rel=1e-12)
        if a.lattice is None:
            assert b.lattice is None
        else:
            assert b.lattice is not None and np.allclose(b.lattice, a.lattice, atol=1e-7)


def test_ase_without_energy_or_forces(ase_io: Any, tmp_path: Path) -> None:
    from ase import Atoms

    path = tmp_path / "bare.xyz"
    ase_io.write(str(path), Atoms("H2O", positions=[[0, 0, 0], [1, 0, 0], [0, 1, 0]]))
    (s,) = read_with_ase(path, format="xyz", known_elements=["H", "O"])
    assert s.energy == 0.0 and not s.forces.any() and s.lattice is None
    assert not s.has_forces and not s.has_energy


def test_ase_energies_and_forces(ase_io: Any, tmp_path: Path) -> None:
    """extxyz written with a calculator's results gives them back; read from input.data
    they are always present."""
    from ase import Atoms
    from ase.calculators.singlepoint import SinglePointCalculator

    water = Atoms("H2O", positions=[[0, 0, 0], [1, 0, 0], [0, 1, 0]])
    forces = np.array([[0.5, -0.25, 0.0], [1.0, 2.0, 3.0], [-1.5, -1.75, -3.0]])
    water.calc = SinglePointCalculator(water, energy=-14.25, forces=forces)
    ase_io.write(str(tmp_path / "w.extxyz"), water, format="extxyz")
    (s,) = read_with_ase(tmp_path / "w.extxyz")
    assert s.has_forces and s.has_energy and s.energy == -14.25
    np.testing.assert_array_equal(s.forces, forces)
    (t,) = read_input_data(io.StringIO(GOOD))
    assert t.has_forces and t.has_energy


@pytest.mark.parametrize(
    ("properties", "message"),
    [
        ("energy=1.5 pbc=\"F F F\" Properties=species:S:1:pos:R:3:forces:R:3",
         "w.extxyz:1:1: error: frame 0 (0-based): the force on atom 1 (0-based) is not a finite "
         "number"),
        ("energy=nan pbc=\"F F F\" Properties=species:S:1:pos:R:3:forces:R:3",
         "w.extxyz:1:1: error: frame 0 (0-based): its energy is nan; expected a finite number"),
    ],
)  # fmt: skip
def test_ase_malformed_energies_and_forces(
    ase_io: Any, tmp_path: Path, properties: str, message: str
) -> None:
    lines = ["2", properties, "H 0 0 0 1.0 2.0 3.0", "O 1 0 0 nan 0 0", ""]
    if "energy=nan" in properties:
        lines[3] = "O 1 0 0 0 0 0"
    (tmp_path / "w.extxyz").write_text("\n".join(lines))
    with pytest.raises(DataError) as info:
        list(read_with_ase(tmp_path / "w.extxyz"))
    assert str(info.value).replace(str(tmp_path) + "/", "") == message


def test_ase_forces_that_are_no_forces(ase_io: Any) -> None:
    from ase import Atoms

    from sfcompile.readers.ase_reader import _forces
    from sfcompile.readers.structures import error

    def fail(message: str) -> DataError:
        return error("f.extxyz", 3, 1, message)

    with pytest.raises(DataError) as info:
        _forces({"forces": [[0.0, 0.0, 0.0]]}, Atoms("H2"), 2, fail)
    assert str(info.value) == (
        "f.extxyz:3:1: error: its forces have shape (1, 3); expected (2, 3), one row per atom"
    )
    with pytest.raises(DataError) as info:
        _forces({"forces": [["a", "b", "c"]] * 2}, Atoms("H2"), 2, fail)
    assert str(info.value) == "f.extxyz:3:1: error: its forces are not numbers"


def test_ase_rejections(ase_io: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ase import Atoms

    monkeypatch.chdir(tmp_path)
    water = Atoms("H2O", positions=[[0, 0, 0], [1, 0, 0], [0, 1, 0]], cell=[5, 5, 5])
    slab = water.copy()
    slab.pbc = [True, True, False]
    ase_io.write("frames.extxyz", [water, slab], format="extxyz")
    frames = read_with_ase("frames.extxyz")
    assert next(frames).lattice is None  # pbc all False: the cell is ignored
    with pytest.raises(DataError) as info:
        next(frames)
    assert str(info.value) == (
        "frames.extxyz:6:1: error: frame 1 (0-based): periodic in some directions only (pbc = "
        "[True, True, False]); n2p2 knows fully periodic structures (3 lattice vectors) and "
        "non-periodic ones: set pbc to all True (with vacuum in the cell for a slab) or all False"
    )
    ase_io.write("dummy.extxyz", Atoms("X", positions=[[0, 0, 0]]), format="extxyz")
    with pytest.raises(DataError, match=r"^dummy.extxyz:1:1: error: frame 0 \(0-based\): unknown "):
        list(read_with_ase("dummy.extxyz"))
    with pytest.raises(DataError, match=r"not one of the spec's elements \(H\)$"):
        list(read_with_ase("frames.extxyz", known_elements=["H"]))
    Path("broken.extxyz").write_text("3\nPlain comment\nH 0 0 0\nO 0 x 0\n")
    with pytest.raises(DataError) as info:  # checked before ASE sees it
        list(read_with_ase("broken.extxyz"))
    assert str(info.value) == (
        "broken.extxyz:1:1: error: frame 0 (0-based) says 3 atoms, but the file ends after 2 "
        "atom line(s): a truncated file, or a wrong count"
    )
    Path("broken.extxyz").write_text("2\nPlain comment\nH 0 0 0\nO 0 x 0\n")
    with pytest.raises(DataError) as info:  # ASE's error, at the token it names
        list(read_with_ase("broken.extxyz"))
    assert str(info.value) == (
        "broken.extxyz:4:5: error: ASE cannot read frame 0 (0-based): ValueError: could not "
        "convert string to float: 'x'"
    )


def test_an_xyz_count_far_beyond_the_file_is_refused_before_ase(
    ase_io: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ASE's reader spun for ever on a count line of 10^9 with one atom."""
    monkeypatch.chdir(tmp_path)
    Path("big.extxyz").write_text(
        "1\n\nH 0 0 0\n1000000000\nProperties=species:S:1:pos:R:3\nH 0 0 0\n"
    )
    with pytest.raises(DataError) as info:
        list(read_with_ase("big.extxyz", format="extxyz"))
    assert str(info.value) == (
        "big.extxyz:4:1: error: frame 1 (0-based) says 1000000000 atoms, but the file ends after "
        "1 atom line(s): a truncated file, or a wrong count"
    )
    Path("words.xyz").write_text("two\n\nH 0 0 0\n")
    with pytest.raises(DataError, match=r"^words.xyz:1:1: error: expected the atom count of "):
        list(read_with_ase("words.xyz"))


def test_ase_missing_gives_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ase.io", None)  # makes the import fail
    with pytest.raises(DataError) as info:
        list(read_with_ase("frames.extxyz"))
    message = str(info.value)
    assert message.startswith("frames.extxyz: error: reading this file needs ASE (")
    assert message.endswith('): pip install "sfcompile[ase]"')


def test_ase_is_imported_lazily() -> None:
    code = "import sys, sfcompile.readers.structures; print('ase' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
