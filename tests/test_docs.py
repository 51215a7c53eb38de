"""Every console example of the manual (docs/*.md) and the README runs, and prints what it shows.

A ```console block holds commands (``$ ...``; a line ending in ``\\`` continues) each followed by
its expected output (standard output and standard error, in the order written). A line that is
only ``…`` stands for any number of lines; ``…`` inside a line for any text. A command's exit
status must be 0, or N when the command ends with the comment ``# exit N``. The commands of a page
run one after the other in one scratch directory holding copies of ``examples/``, ``bench/data``
and ``schemas/``, so a page can create a file in one example and use it in the next.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List, NamedTuple

import pytest

from .conftest import REPO

PAGES = sorted((REPO / "docs").glob("*.md")) + [REPO / "README.md"]
FENCE = re.compile(r"^```console\n(.*?)^```", re.M | re.S)
EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")


class Example(NamedTuple):
    command: str
    expected: List[str]
    status: int
    line: int  # in the page


def examples(page: Path) -> List[Example]:
    text = page.read_text()
    found: List[Example] = []
    for block in FENCE.finditer(text):
        first_line = text.count("\n", 0, block.start()) + 2
        lines = block.group(1).splitlines()
        k = 0
        while k < len(lines):
            if not lines[k].startswith("$ "):
                raise AssertionError(f"{page.name}:{first_line + k}: output before a command")
            start, command = k, lines[k][2:]
            while command.endswith("\\"):
                k += 1
                command = command + "\n" + lines[k]  # bash joins the lines
            k += 1
            expected = []
            while k < len(lines) and not lines[k].startswith("$ "):
                expected.append(lines[k])
                k += 1
            status = EXIT.search(command)
            code = int(status.group(1)) if status else 0
            found.append(Example(command, expected, code, first_line + start))
    return found


def matches(expected: List[str], actual: List[str]) -> bool:
    """``expected`` (with ``…`` wildcards) against ``actual``, line by line."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == "…":
        return any(matches(rest, actual[k:]) for k in range(len(actual) + 1))
    if not actual:
        return False
    pattern = ".*".join(re.escape(part) for part in head.split("…"))
    return re.fullmatch(pattern, actual[0]) is not None and matches(rest, actual[1:])


@pytest.fixture(scope="module")
def command_path() -> str:
    script = Path(sys.executable).parent / "sfcompile"
    found = shutil.which("sfcompile") or ""
    where = str(script.parent) if script.exists() else os.path.dirname(found)
    return where + os.pathsep + os.environ.get("PATH", "")


PAGES_WITH_EXAMPLES = [p for p in PAGES if examples(p)]


@pytest.mark.parametrize("page", PAGES_WITH_EXAMPLES, ids=[p.name for p in PAGES_WITH_EXAMPLES])
def test_console_examples(page: Path, tmp_path: Path, command_path: str) -> None:
    for folder in ("examples", "schemas"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    shutil.copytree(REPO / "bench" / "data", tmp_path / "bench" / "data")
    env = {**os.environ, "PATH": command_path, "PYTHONUNBUFFERED": "1", "COLUMNS": "100"}
    env.pop("SFCOMPILE_DEBUG", None)
    for example in examples(page):
        done = subprocess.run(
            ["bash", "-c", example.command], cwd=tmp_path, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300,
        )  # fmt: skip
        where = f"{page.name}:{example.line}: $ {example.command}"
        assert done.returncode == example.status, f"{where}\nexit {done.returncode}\n{done.stdout}"
        actual = done.stdout.splitlines()
        assert matches(example.expected, actual), (
            f"{where}\n--- shown ---\n" + "\n".join(example.expected)
            + "\n--- printed ---\n" + done.stdout
        )  # fmt: skip


def test_every_page_is_in_the_manual() -> None:
    config = (REPO / "mkdocs.yml").read_text()
    for page in (REPO / "docs").glob("*.md"):
        assert page.name in config, f"{page.name} is not in mkdocs.yml's nav"


def test_wildcards() -> None:
    assert matches(["a", "…", "d"], ["a", "b", "c", "d"])
    assert matches(["a…z"], ["a to z"]) and not matches(["a…z"], ["a to y"])
    assert not matches(["a"], ["a", "b"]) and matches(["…"], [])
