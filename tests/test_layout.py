"""The package's layout: stages import only lower stages, no module imports itself back, and the
start-up path of the command line stays light.

Layers, lowest first: the top-level utilities (errors, _compat, writer, resources), spec/,
generate/ and targets/ (one stage, spec → text, split by what it does: they may import each
other's modules, never in a cycle), then inputnn/, readers/ and engine/ (side by side: none
imports another), then analysis/ and legacy/, then selection/, then plot/ (the figures, over
analysis/), then cli/. The package root's ``__init__`` may name anything (lazily).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Set

import pytest

from .conftest import REPO

PACKAGE = REPO / "sfcompile"
LAYER = {"utilities": 0, "spec": 1, "generate": 2, "targets": 2}
LAYER.update({"inputnn": 3, "readers": 3, "engine": 3})
LAYER.update({"analysis": 4, "legacy": 4, "selection": 5, "plot": 6})
LAYER["cli"] = 7
UTILITIES = {"errors", "_compat", "_gc", "_version", "writer", "resources"}
#: packages of one layer that may import each other (module cycles are still refused)
PARTNERS = {frozenset({"generate", "targets"})}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p) for p in PACKAGE.rglob("*.py")}


def imports_of(path: Path) -> Set[str]:
    """Every sfcompile module ``path`` imports (at any depth: lazy imports count too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: Set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("sfcompile"):
                submodules = {f"{target}.{alias.name}" for alias in node.names}
                named = submodules & MODULES
                found.update(named or {target})
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("sfcompile"))
    return {m for m in found if m in MODULES and m != name}


def layer_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    return "utilities" if parts[1] in UTILITIES else parts[1]


GRAPH: Dict[str, Set[str]] = {module_name(p): imports_of(p) for p in PACKAGE.rglob("*.py")}


def test_stages_import_only_lower_stages() -> None:
    wrong: List[str] = []
    for module, targets in sorted(GRAPH.items()):
        here = layer_of(module)
        if here in ("root", "__main__") or module == "sfcompile.__main__":
            continue
        for target in sorted(targets):
            there = layer_of(target)
            if there == "root":  # only __version__ comes from the root
                continue
            same = there == here or frozenset({here, there}) in PARTNERS
            if not same and LAYER[there] >= LAYER[here]:
                wrong.append(f"{module} ({here}) imports {target} ({there})")
    assert not wrong, "\n".join(wrong)


#: folder names that common global ignore files (``build/``, ``dist/``) or formatters' default
#: excludes skip: a new file in such a folder can silently miss a commit
IGNORED_NAMES = {"build", "dist", "site", "venv", "env", "node_modules", "eggs", "sdist"}


def test_no_folder_has_a_commonly_ignored_name() -> None:
    folders = [REPO / "templates", REPO / "schemas", PACKAGE]
    found = [
        str(p.relative_to(REPO))
        for top in folders
        for p in [top, *top.rglob("*")]
        if p.is_dir() and p.name in IGNORED_NAMES
    ]
    assert not found


def test_root_exports_every_public_name() -> None:
    import sfcompile

    assert sorted(sfcompile.__all__) == sorted(["__version__", *sfcompile._EXPORTS])
    for name in sfcompile.__all__:
        assert getattr(sfcompile, name) is not None


def test_no_import_cycles() -> None:
    state: Dict[str, int] = {}
    cycles: List[str] = []

    def visit(module: str, path: List[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH.get(module, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state and module != "sfcompile":
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


@pytest.mark.parametrize(
    ("argv", "absent"),
    [
        (["--version"], ["pydantic", "numpy", "jinja2", "sfcompile.spec.models", "dask"]),
        (["--version"], ["matplotlib"]),
        (
            ["compile", "SPEC"],
            ["numpy", "matplotlib", "sfcompile.engine.sfvalues", "sfcompile.inputnn.reader", "dask",
             "distributed"],
        ),
        (
            ["compile", "SPEC_UNIT", "--target", "runner"],
            ["numpy", "matplotlib", "sfcompile.engine.sfvalues", "sfcompile.inputnn.reader"],
        ),
        (["stats", "CU2S", "--data", "DATA"], ["dask", "distributed"]),  # only for --scheduler
        (["explain", "SPEC"], ["numpy", "sfcompile.engine.neighbours", "sfcompile.readers"]),
        (["explain", "SPEC_UNIT", "--json"], ["numpy", "vesin"]),  # numpy only with --data
    ],
)  # fmt: skip
def test_start_up_path_stays_light(argv: List[str], absent: List[str], tmp_path: Path) -> None:
    """What ``sfcompile --version`` and ``sfcompile SPEC`` import (start-up is most of their
    run time): no pydantic for --version, no numpy for a compile or an explain without data,
    Dask only for a cluster."""
    spec = tmp_path / "spec.toml"
    spec.write_text((REPO / "examples" / "configs" / "water-HO.toml").read_text())
    from sfcompile.inputnn.importer import import_input_nn

    cu2s = tmp_path / "cu2s.toml"
    nn = (REPO / "tests" / "data" / "sfvalues" / "cu2s-3_sfparamgen_rc6" / "input.nn").read_text()
    cu2s.write_text(import_input_nn(nn, "input.nn").spec_text)
    data = REPO / "tests" / "data" / "datasets" / "cu2s-3.data"
    with_unit = tmp_path / "unit.toml"
    with_unit.write_text(spec.read_text().replace("\ncutoff =", '\nunit = "bohr"\ncutoff =', 1))
    names = {"SPEC": str(spec), "CU2S": str(cu2s), "DATA": str(data), "SPEC_UNIT": str(with_unit)}
    args = [names.get(a, a) for a in argv]
    code = (
        "import sys, io, contextlib\n"
        "from sfcompile.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        main({args!r})\n    except SystemExit:\n        pass\n"
        f"print(sorted(m for m in {absent!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_template_cache_failures_only_cost_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compiled templates are cached; a cache that cannot be written, or holds damaged entries,
    changes nothing but the time."""
    from sfcompile import compile_spec
    from sfcompile.targets import templates

    spec = (REPO / "examples" / "configs" / "water-HO.toml").read_text()
    expected = compile_spec(spec)
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    for directory in (damaged, not_a_directory):
        monkeypatch.setattr(
            templates, "bytecode_cache", lambda d=directory: templates.QuietBytecodeCache(str(d))
        )
        templates.environment.cache_clear()
        try:
            assert compile_spec(spec) == expected  # fills the cache, or fails to
            for entry in damaged.iterdir():
                entry.write_bytes(b"not bytecode")
            templates.environment.cache_clear()
            assert compile_spec(spec) == expected  # reads damaged entries, or none
        finally:
            templates.environment.cache_clear()
    assert len(list(damaged.iterdir())) >= 4  # one per template
    monkeypatch.undo()
    monkeypatch.setenv("SFCOMPILE_TEMPLATE_CACHE", "0")
    assert templates.bytecode_cache() is None
