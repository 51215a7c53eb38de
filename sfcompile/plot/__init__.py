"""Figures of ``sfcompile plot``, drawn with matplotlib (the optional extra ``sfcompile[plot]``).

``figures`` draws what :mod:`sfcompile.analysis.shapes`, :mod:`sfcompile.analysis.distributions` and
:mod:`sfcompile.selection` compute; ``output`` writes the figures deterministically (no
dates in the metadata, a fixed SVG hash salt, matplotlib's default style whatever the user's
matplotlibrc). matplotlib is imported only here, and only when a figure is drawn.
"""

from __future__ import annotations

from ..errors import Diagnostic, SfcompileError

EXTRA = 'pip install "sfcompile[plot]"'


class MissingExtra(SfcompileError):
    """An optional dependency is not installed."""


def require_matplotlib() -> None:
    """Raise :class:`MissingExtra` (exit 2, naming the extra) if matplotlib cannot be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        message = f"plotting needs matplotlib, which is not installed: {EXTRA}"
        raise MissingExtra([Diagnostic("error", message, "sfcompile plot")]) from None
