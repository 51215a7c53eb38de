"""sfcompile: compile a declarative TOML spec into n2p2's symmetry-function block."""

__version__ = "0.1.0"

from .build.pipeline import SpecWarning, compile_spec, load
from .errors import Diagnostic, SfcompileError, SpecError
from .legacy import SymFuncParamGenerator

load_spec = load

__all__ = [
    "Diagnostic",
    "SfcompileError",
    "SpecError",
    "SpecWarning",
    "SymFuncParamGenerator",
    "__version__",
    "compile_spec",
    "load",
    "load_spec",
]
