"""Where the templates and the JSON Schema live.

In the repository they sit at the top level (``templates/``, ``schemas/``); the wheel ships them
inside the package (``sfcompile/templates``, ``sfcompile/schemas``). Installed copies win.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"sfcompile's {name!r} directory is missing from the installation ({_PACKAGE}); "
        "reinstall sfcompile"
    )


def templates_dir() -> Path:
    return resource_dir("templates")


def schema_path() -> Path:
    return resource_dir("schemas") / "sfcompile.schema.json"
