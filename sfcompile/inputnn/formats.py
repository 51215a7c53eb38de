"""``sfcompile import`` of the other codes' files: RuNNer's input.nn, aenet's .stp files and
SIMPLE-NN's params_XX files, each as a spec in that code's length unit.

The SFs read from aenet and SIMPLE-NN files are laid out as n2p2 lines (17 significant
digits: exact, and one precision, so that a rule is recognised only where it reproduces every
number) and handed to the input.nn importer, which finds the generation rules and verifies
the spec; its notes and warnings are then pointed back at the lines of the files read. A RuNNer
input.nn is an input.nn: the importer reads it as it is, and the spec gets ``unit = "bohr"``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ..errors import Diagnostic, SpecError
from ..generate.expand import SymmetryFunction
from ..targets.formatting import NumberFormat
from ..targets.n2p2 import format_line
from .aenet import read_stp
from .importer import ImportResult, import_input_nn
from .reader import read_file, read_input_nn
from .simple_nn import atom_types, read_params

FORMATS = ("n2p2", "runner", "aenet", "simple-nn")
UNITS = {"runner": "bohr", "aenet": "angstrom", "simple-nn": "angstrom"}
Place = Tuple[str, int]  # file name, line


def detect(paths: Sequence[str]) -> str:
    """The format of the files by their names: .stp (aenet), params_* (SIMPLE-NN), else n2p2."""
    names = [Path(p).name for p in paths]
    if names and all(n.endswith(".stp") for n in names):
        return "aenet"
    if any(n.startswith("params_") for n in names):
        return "simple-nn"
    return "n2p2"


def with_unit(spec_text: str, unit: Optional[str]) -> str:
    """The spec text with ``unit = "..."`` after its elements line (a top-level key)."""
    if unit is None:
        return spec_text
    lines = spec_text.split("\n")
    k = next(i for i, line in enumerate(lines) if line.startswith("elements = "))
    return "\n".join([*lines[: k + 1], f'unit = "{unit}"', *lines[k + 1 :]])


def import_files(
    paths: Sequence[str], fmt: Optional[str] = None, *, unit: Optional[str] = None,
    elements: Optional[Sequence[str]] = None, recognise_rounded: bool = False,
) -> ImportResult:  # fmt: skip
    """Import ``paths`` in format ``fmt`` (None: by the file names); ``recognise_rounded``: see
    :func:`.importer.import_input_nn` (n2p2 and RuNNer files)."""
    fmt = fmt or detect(paths)
    if fmt in ("n2p2", "runner"):
        if len(paths) != 1:
            raise _usage(f"a {fmt} import reads one input.nn, got {len(paths)} files")
        text, name = read_file(paths[0])
        if fmt == "runner":
            return import_runner(text, name, recognise_rounded)
        return _n2p2(text, name, unit, recognise_rounded)
    texts = [read_file(p) for p in paths]
    if fmt == "aenet":
        return import_aenet(texts)
    return import_simple_nn(texts, elements)


def _n2p2(text: str, name: str, unit: Optional[str], recognise_rounded: bool) -> ImportResult:
    result = import_input_nn(text, name, recognise_rounded=recognise_rounded)
    return replace(result, spec_text=with_unit(result.spec_text, unit))


def import_runner(text: str, source: str, recognise_rounded: bool = False) -> ImportResult:
    """A RuNNer 1.x input.nn as a spec in Bohr (RuNNer's unit); only cutoff_type 1 (the
    cosine) is read, the one RuNNer cutoff function whose number sfcompile maps for certain."""
    parsed = read_input_nn(text, source)
    function = parsed.cutoff_type
    if function is not None and (function.number != 1 or function.alpha):
        message = (
            "RuNNer cutoff_type other than 1 (the cosine, no inner cutoff): sfcompile reads "
            "RuNNer's cosine only (its other numbers are not verified to mean n2p2's functions)"
        )
        raise SpecError([Diagnostic("error", message, source, function.line, 1)])
    angular = [r for r in parsed.records if r.sf.type_number in (3, 9) and r.sf.r_shift]
    if angular:
        message = "an angular SF with r_shift: RuNNer 1.x's angular lines have no r_shift"
        raise SpecError([Diagnostic("error", message, source, angular[0].line, 1)])
    result = import_input_nn(text, source, recognise_rounded=recognise_rounded)
    return replace(result, spec_text=with_unit(result.spec_text, "bohr"))


def import_aenet(texts: Sequence[Tuple[str, str]]) -> ImportResult:
    """aenet .stp files (text, name), one per central element, as a spec in Å."""
    setups = []
    problems: List[Diagnostic] = []
    for text, name in texts:
        try:
            setups.append(read_stp(text, name))
        except SpecError as exc:
            problems += exc.diagnostics
    if problems:
        raise SpecError(problems)
    seen: Dict[str, str] = {}
    for setup in setups:
        assert setup.atom is not None
        if setup.atom in seen:
            message = f"a second file for ATOM {setup.atom} (the first: {seen[setup.atom]})"
            raise SpecError([Diagnostic("error", message, setup.source)])
        seen[setup.atom] = setup.source
    order = list(dict.fromkeys(e for s in setups for e in [*s.env, s.atom] if e))
    functions = [(s.source, line, sf) for s in setups for line, sf in s.functions]
    rmins = {s.rmin for s in setups if s.rmin is not None}
    result = _through_inputnn(order, functions, "aenet")
    if len(rmins) == 1:
        text = result.spec_text.rstrip("\n") + f"\n\n[aenet]\nrmin = {next(iter(rmins))!r}\n"
        result = replace(result, spec_text=text)
    return result


def import_simple_nn(
    texts: Sequence[Tuple[str, str]], elements: Optional[Sequence[str]]
) -> ImportResult:
    """SIMPLE-NN params_XX files (text, name) as a spec in Å; the element order from
    ``elements`` or from an input.yaml among the files."""
    yaml = [(t, n) for t, n in texts if n.endswith((".yaml", ".yml"))]
    params = [(t, n) for t, n in texts if not n.endswith((".yaml", ".yml"))]
    if elements is None:
        if len(yaml) != 1:
            raise _usage("SIMPLE-NN's neighbour indices need the element order: give "
                         "--elements H,O or the input.yaml with its atom_types")  # fmt: skip
        elements = atom_types(*yaml[0])
    functions: List[Tuple[str, int, SymmetryFunction]] = []
    problems: List[Diagnostic] = []
    for text, name in params:
        central = Path(name).name.partition("params_")[2]
        if central not in elements:
            problems.append(Diagnostic("error", f"name the file params_<element> with an element "
                                       f"of atom_types ({', '.join(elements)})", name))  # fmt: skip
            continue
        try:
            functions += [
                (name, line, sf) for line, sf in read_params(text, name, central, elements)
            ]
        except SpecError as exc:
            problems += exc.diagnostics
    if problems:
        raise SpecError(problems)
    return _through_inputnn(list(elements), functions, "simple-nn")


def _through_inputnn(
    elements: List[str], functions: Sequence[Tuple[str, int, SymmetryFunction]], fmt: str
) -> ImportResult:
    """The SFs as an n2p2 input.nn, imported; notes and warnings point at the files read."""
    numbers = NumberFormat(16)  # 17 significant digits, one precision: rules must match exactly
    places: Dict[int, Place] = {}
    lines = [f"elements {' '.join(elements)}", "cutoff_type 1"]
    for source, line, sf in functions:
        lines.append(format_line(sf, numbers).rstrip())
        places[len(lines)] = (source, line)
    name = f"<{fmt} files>"
    result = import_input_nn("\n".join(lines) + "\n", name)
    sources = sorted({source for source, _, _ in functions})
    shown = ", ".join(sources)
    text = _relocate(result.spec_text, places)
    text = text.replace(f"from {name}:", f"from {shown}:", 1)
    warnings = tuple(_moved(d, places) for d in result.warnings)
    notes = tuple(_relocate(n, places) for n in result.notes)
    return ImportResult(with_unit(text, UNITS[fmt]), warnings, notes)


def _where(places: Dict[int, Place], line: int) -> str:
    source, number = places.get(line, ("", line))
    return f"{Path(source).name} line {number}" if source else f"line {number}"


def _relocate(text: str, places: Dict[int, Place]) -> str:
    """'the first on line 7' -> 'the first in H.fingerprint.stp line 12'."""
    return re.sub(r"\bon line (\d+)", lambda m: "in " + _where(places, int(m.group(1))), text)


def _moved(diagnostic: Diagnostic, places: Dict[int, Place]) -> Diagnostic:
    if diagnostic.line is None or diagnostic.line not in places:
        return diagnostic
    source, line = places[diagnostic.line]
    message = _relocate(diagnostic.message, places)
    return replace(diagnostic, source=source, line=line, column=1, message=message)


def _usage(message: str) -> SpecError:
    return SpecError([Diagnostic("error", message, "sfcompile import")])


__all__ = ["FORMATS", "detect", "import_aenet", "import_files", "import_runner",
           "import_simple_nn", "with_unit"]  # fmt: skip
