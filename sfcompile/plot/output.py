"""Figures to files: a paged PDF, or one PNG/SVG per figure; the same inputs give the same bytes.

* PDF: every figure a page of one file, written with ``PdfPages``.
* PNG, SVG: one figure → the file named; several → one file each, the figure's key appended to
  the name (``cu2s.png`` → ``cu2s-radial-S-Cu.png``, ``cu2s-values-S.png``, …).

Determinism: matplotlib's default style (a user's matplotlibrc changes nothing), no dates or
version strings in the metadata, a fixed hash salt for SVG element ids. All files are rendered in
memory first and then written together (:func:`~sfcompile.writer.write_files_atomic`): an error
while drawing writes nothing.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from ..writer import write_files_atomic
from .figures import Drawn

FORMATS = (".png", ".svg", ".pdf")
DPI = 110  # PNG resolution
CREATOR = "sfcompile plot"
_METADATA: Dict[str, Dict[str, Optional[str]]] = {
    ".png": {"Software": CREATOR},
    ".svg": {"Date": None, "Creator": CREATOR},
    ".pdf": {"Creator": CREATOR, "Producer": CREATOR, "CreationDate": None, "ModDate": None},
}


@contextlib.contextmanager
def plot_style() -> Iterator[None]:
    """matplotlib's default style and a fixed SVG hash salt, for drawing and saving."""
    import matplotlib
    import matplotlib.style

    with (
        matplotlib.style.context("default"),
        matplotlib.rc_context(
            {"svg.hashsalt": "sfcompile", "svg.fonttype": "path", "pdf.compression": 6}
        ),
    ):
        yield


def file_names(path: str, drawn: Sequence[Drawn]) -> List[str]:
    """Where each figure goes (PNG/SVG: the key appended when there are several)."""
    target = Path(path)
    if target.suffix.lower() == ".pdf" or len(drawn) == 1:
        return [path] * len(drawn)
    return [str(target.with_name(f"{target.stem}-{d.key}{target.suffix}")) for d in drawn]


def _pdf(drawn: Sequence[Drawn]) -> bytes:
    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata=_METADATA[".pdf"]) as pages:
        for figure in drawn:
            pages.savefig(figure.figure, bbox_inches="tight", pad_inches=0.2)
    return buffer.getvalue()


def _image(figure: Any, suffix: str) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=suffix[1:], dpi=DPI, metadata=_METADATA[suffix],
                   bbox_inches="tight", pad_inches=0.2)  # fmt: skip
    return buffer.getvalue()


def render(drawn: Sequence[Drawn], path: str) -> List[Tuple[str, bytes]]:
    """The files of ``drawn`` for ``-o path`` (call inside :func:`plot_style`)."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"unknown figure format {suffix!r}")
    if suffix == ".pdf":
        return [(path, _pdf(drawn))]
    names = file_names(path, drawn)
    return [(name, _image(d.figure, suffix)) for name, d in zip(names, drawn)]


def write(drawn: Sequence[Drawn], path: str) -> List[str]:
    """Render and write every file; returns the file names written."""
    files = render(drawn, path)
    write_files_atomic(files)
    return [name for name, _ in files]
