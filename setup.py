"""Build of sfcompile's compiled SF kernel; everything else about the package is in
pyproject.toml.

The kernel follows n2p2's rounding step by step, with fma() where n2p2's usual build fuses a
multiply-add, so the compiler must fuse nothing on its own: -ffp-contract=off (GCC, Clang; MSVC
does not contract without /fp:contract). The templates and the JSON Schema live at the top of the
repository and are copied into the package when it is built.
"""

import shutil
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
NATIVE = Path("sfcompile") / "engine" / "csrc"  # the C sources of sfcompile.engine._native
FLAGS = [] if sys.platform == "win32" else ["-O3", "-ffp-contract=off", "-fno-math-errno"]


class BuildWithResources(build_py):
    """The package, and templates/ and schemas/ inside it (sfcompile/templates, .../schemas)."""

    def run(self) -> None:
        super().run()
        for name in ("templates", "schemas"):
            target = Path(self.build_lib) / "sfcompile" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target)


setup(
    ext_modules=[
        Extension(
            "sfcompile.engine._native",
            sources=[str(NATIVE / name) for name in ("module.c", "kernel.c", "neighbours.c")],
            depends=[str(NATIVE / name) for name in ("kernel.h", "functions.h", "neighbours.h")],
            extra_compile_args=FLAGS,
        )
    ],
    cmdclass={"build_py": BuildWithResources},
)
