"""sfcompile: compile a declarative TOML spec into n2p2's symmetry-function block.

The public API is importable from here; each name is loaded on first use, so that
``import sfcompile`` (and the command line's start-up) does not pay for what it does not use.
"""

from __future__ import annotations

import importlib

from ._version import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any, Dict, List, Tuple


#: name -> (module, attribute)
_EXPORTS: Dict[str, Tuple[str, str]] = {
    "compile_spec": ("sfcompile.generate.pipeline", "compile_spec"),
    "load": ("sfcompile.generate.pipeline", "load"),
    "load_spec": ("sfcompile.generate.pipeline", "load"),
    "check": ("sfcompile.generate.pipeline", "check"),
    "compile_target": ("sfcompile.targets.registry", "compile_target"),
    "dscribe_acsf": ("sfcompile.targets.dscribe", "acsf"),
    "SpecWarning": ("sfcompile.generate.pipeline", "SpecWarning"),
    "Diagnostic": ("sfcompile.errors", "Diagnostic"),
    "SfcompileError": ("sfcompile.errors", "SfcompileError"),
    "SpecError": ("sfcompile.errors", "SpecError"),
    "SymFuncParamGenerator": ("sfcompile.legacy", "SymFuncParamGenerator"),
    "n2p2_index_map": ("sfcompile.generate.ordering", "n2p2_index_map"),
    "update_file": ("sfcompile.inputnn.managed", "update_file"),
    "check_file": ("sfcompile.inputnn.managed", "check_file"),
    "import_input_nn": ("sfcompile.inputnn.importer", "import_input_nn"),
    "read_input_nn": ("sfcompile.inputnn.reader", "read_input_nn"),
    "DataError": ("sfcompile.readers.structures", "DataError"),
    "Structure": ("sfcompile.readers.structures", "Structure"),
    "read_input_data": ("sfcompile.readers.structures", "read_input_data"),
    "read_with_ase": ("sfcompile.readers.ase_reader", "read_with_ase"),
    "read_structures": ("sfcompile.readers.formats", "read_structures"),
    "Geometry": ("sfcompile.engine.sfvalues", "Geometry"),
    "compute": ("sfcompile.engine.sfvalues", "compute"),
    "derivatives": ("sfcompile.engine.derivatives", "derivatives"),
    "atom_derivatives": ("sfcompile.engine.derivatives", "atom_derivatives"),
    "score": ("sfcompile.selection.api", "score"),
    "select": ("sfcompile.selection.api", "select_sfs"),
    "select_structures": ("sfcompile.selection.api", "select_structures"),
    "SelectionResult": ("sfcompile.selection.api", "SelectionResult"),
    "StructureSelection": ("sfcompile.selection.api", "StructureSelection"),
    "SelectionError": ("sfcompile.selection.run", "SelectionError"),
}

__all__ = [
    "DataError", "Diagnostic", "Geometry", "SelectionError", "SelectionResult",
    "SfcompileError", "SpecError", "SpecWarning", "Structure", "StructureSelection",
    "SymFuncParamGenerator", "__version__", "atom_derivatives", "check", "check_file",
    "compile_spec", "compile_target", "compute", "derivatives", "dscribe_acsf",
    "import_input_nn", "load", "load_spec", "n2p2_index_map", "read_input_data",
    "read_input_nn", "read_structures", "read_with_ase", "score", "select", "select_structures",
    "update_file",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sfcompile' has no attribute {name!r}")
    module, attribute = _EXPORTS[name]
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value  # later look-ups do not come here again
    return value


def __dir__() -> List[str]:
    return sorted({*globals(), *_EXPORTS})


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from .engine.derivatives import atom_derivatives as atom_derivatives
    from .engine.derivatives import derivatives as derivatives
    from .engine.sfvalues import Geometry, compute
    from .errors import Diagnostic, SfcompileError, SpecError
    from .generate.ordering import n2p2_index_map
    from .generate.pipeline import SpecWarning, check, compile_spec, load
    from .generate.pipeline import load as load_spec
    from .inputnn.importer import import_input_nn
    from .inputnn.managed import check_file, update_file
    from .inputnn.reader import read_input_nn
    from .legacy import SymFuncParamGenerator
    from .readers.ase_reader import read_with_ase
    from .readers.formats import read_structures
    from .readers.structures import DataError, Structure, read_input_data
    from .selection.api import SelectionResult, StructureSelection, select_structures
    from .selection.api import score as score
    from .selection.api import select_sfs as select
    from .selection.run import SelectionError
    from .targets.dscribe import acsf as dscribe_acsf
    from .targets.registry import compile_target
