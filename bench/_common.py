"""What the benchmark scripts share: the command that runs the installed sfcompile."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import List


def sfcompile_command() -> List[str]:
    """The console script next to this interpreter, else one on PATH, else ``python -m``."""
    script = Path(sys.executable).parent / "sfcompile"
    if script.exists():
        return [str(script)]
    found = shutil.which("sfcompile")
    return [found] if found else [sys.executable, "-m", "sfcompile"]
