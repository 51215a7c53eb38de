"""The targets by name: their capabilities, refusals and renderers, imported on first use (a
compile imports only the module of its target)."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import List, Optional, Sequence, Union

from ..errors import SpecError
from ..generate.expand import GeneratedSet
from ..spec.load import LoadedSpec
from ..spec.models import TARGETS
from .capabilities import Capabilities, refusals
from .common import Job, Rendered
from .units import Conversion

MODULES = {
    "n2p2": "n2p2",
    "runner": "runner",
    "aenet": "aenet",
    "dscribe": "dscribe",
    "simple-nn": "simple_nn",
    "table": "table",
}
assert tuple(MODULES) == TARGETS


def module(name: str) -> ModuleType:
    return importlib.import_module(f"sfcompile.targets.{MODULES[name]}")


def capabilities(name: str) -> Capabilities:
    found: Capabilities = module(name).CAPABILITIES
    return found


def chosen(loaded: LoadedSpec, override: Optional[str] = None) -> str:
    """The target: ``--target`` if given, else the spec's ``[output] target``."""
    return override or loaded.spec.output.target


def check_target(loaded: LoadedSpec, generated: Sequence[GeneratedSet], name: str) -> Capabilities:
    """The target's capabilities; raises SpecError listing everything it cannot take."""
    found = capabilities(name)
    problems = refusals(loaded, generated, found)
    if problems:
        raise SpecError(problems)
    return found


def render(
    loaded: LoadedSpec, generated: Sequence[GeneratedSet], name: str, *, csv: bool = False
) -> Rendered:
    """The target's output for a checked spec (refusals raise SpecError; nothing rendered)."""
    found = check_target(loaded, generated, name)
    if name == "n2p2":
        from ..generate.pipeline import render_loaded

        return Rendered((("", render_loaded(loaded, generated)),))
    job = Job(loaded, generated, Conversion(loaded.spec.unit, found.unit))
    target = module(name)
    if csv and name == "table":
        result: Rendered = target.render_csv(job)
    else:
        result = target.render(job)
    return result


def job_for(spec: Union[str, Path, LoadedSpec], name: str) -> Job:
    """A target's job for a spec (path, TOML text or loaded), checked: the lint's errors and
    the target's refusals raise SpecError."""
    from ..generate.pipeline import check, load

    loaded = spec if isinstance(spec, LoadedSpec) else load(spec)
    checked = check(loaded)
    if checked.errors:
        raise SpecError(checked.errors)
    found = check_target(checked.loaded, checked.generated, name)
    return Job(checked.loaded, checked.generated, Conversion(loaded.spec.unit, found.unit))


def compile_target(
    spec: Union[str, Path], target: Optional[str] = None, *, csv: bool = False
) -> List[tuple[str, str]]:
    """Compile a spec (path or TOML text) for a target (default: its ``[output] target``):
    ``[(file name, text)]``, the file name "" for a target that writes one text."""
    from ..generate.pipeline import check, load

    checked = check(load(spec))
    if checked.errors:
        raise SpecError(checked.errors)
    name = chosen(checked.loaded, target)
    if name not in MODULES:
        raise ValueError(f"unknown target {name!r}; one of {', '.join(MODULES)}")
    return list(render(checked.loaded, checked.generated, name, csv=csv).files)
