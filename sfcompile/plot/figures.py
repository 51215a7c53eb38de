"""The figures of ``sfcompile plot``: SF shapes over the data's distances and angles, the
distribution of every SF's values, the selection curve.

Layout: each figure has fixed axes rectangles (no automatic layout engine) and its legend below
the axes, where it cannot cover a curve; the files are saved with the empty margins cropped.
A data histogram sits on a twin axis behind the SF curves (grey), scaled to its own height,
with its unit on the right: neighbours (or triplets) per central atom per length unit (per
degree), so its integral up to r is the mean number of neighbours within r.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Optional, Sequence, Tuple

import numpy as np
import numpy.typing as npt

from ..analysis.distributions import DataDistributions, ValueDistribution, density
from ..analysis.report import DEAD_THRESHOLD
from ..analysis.shapes import Curve, Panel
from ..analysis.stats import Plan
from ..selection.report_file import FitCurve, Selection
from ..spec.sftypes import SF_TYPES

LENGTH = "length unit of your data"
HISTOGRAM = "0.82"  # grey of the data histograms
TYPE_NAMES = {t.number: t.name for t in SF_TYPES.values()}


@dataclass(frozen=True)
class Drawn:
    """A finished figure and what it shows (``key``: the file-name suffix)."""

    key: str
    title: str
    figure: Any  # matplotlib.figure.Figure


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg")  # never a window: files only
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100)


def _colours(n: int) -> List[Any]:
    """``n`` colours along viridis (a radial grid reads from dark, short, to light, long)."""
    from matplotlib import colormaps

    cmap = colormaps["viridis"]
    return [cmap(x) for x in np.linspace(0.0, 0.88, max(n, 1))][:n]


def _legend(ax: Any, n: int, *, anchor: float = -0.16) -> None:
    columns = 1 if n <= 4 else 2 if n <= 10 else 3
    size = "small" if n <= 12 else "x-small"
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, anchor), ncol=columns, fontsize=size,
              frameon=False)  # fmt: skip


def _types(panel: Panel) -> str:
    return ", ".join(f"G{t} {TYPE_NAMES.get(t, '')}".strip() for t in panel.types)


def _behind(ax: Any) -> Any:
    """A twin axis drawn behind ``ax`` (for a histogram under the curves)."""
    twin = ax.twinx()
    ax.set_zorder(twin.get_zorder() + 1)
    ax.patch.set_visible(False)
    return twin


def _shortest(data: DataDistributions, central: str, others: Optional[Sequence[str]]) -> Any:
    closest = data.totals.closest
    wanted = [p for p in closest if central in p]
    if others is not None:
        wanted = [p for p in wanted if (p[0] if p[1] == central else p[1]) in others]
    return min((closest[p], p) for p in wanted) if wanted else None


def _pair_histogram(
    ax: Any, data: DataDistributions, central: str, others: Optional[Sequence[str]], top: float
) -> None:
    geometry = data.geometry
    edges = geometry.pair_edges
    counts = geometry.pair_density(central, others)
    y = density(counts, geometry.atoms.get(central, 0), float(edges[1] - edges[0]))
    twin = _behind(ax)
    who = "all" if others is None else "+".join(dict.fromkeys(others))
    twin.stairs(y, edges, fill=True, color=HISTOGRAM, label=f"data: {who} neighbours")
    visible = y[edges[:-1] < top]
    twin.set_ylim(0.0, 1.1 * float(visible.max()) if visible.size and visible.max() > 0 else 1.0)
    twin.set_ylabel(f"data: {who} neighbours per {central} atom\nper {LENGTH} (grey)")
    found = _shortest(data, central, others)
    if found is not None:
        distance, pair = found
        twin.axvline(distance, color="0.35", linestyle=":", linewidth=1.2)
        twin.annotate(f"shortest {'-'.join(pair)}: {distance:.3g}", (distance, 0.97),
                      xycoords=("data", "axes fraction"), rotation=90, ha="right", va="top",
                      fontsize="x-small", color="0.3")  # fmt: skip


def _curves(
    ax: Any, curves: Sequence[Curve], colours: Sequence[Any], styles: Sequence[str]
) -> None:
    for curve, colour, style in zip(curves, colours, styles):
        ax.plot(curve.x, curve.y, color=colour, linestyle=style, linewidth=1.5, label=curve.label)


def _radial_axes(ax: Any, curves: Sequence[Curve], top: float, ylabel: str) -> None:
    _curves(ax, curves, _colours(len(curves)), ["-"] * len(curves))
    ax.set_xlim(0.0, top)
    high = max((float(np.max(c.y)) for c in curves), default=1.0)
    ax.set_ylim(0.0, 1.05 * max(high, 1e-300))
    ax.set_xlabel(f"distance r to the neighbour ({LENGTH})")
    ax.set_ylabel(ylabel)


def _neighbours_of(panel: Panel) -> Optional[Tuple[str, ...]]:
    return None if panel.weighted else tuple(panel.combination[1:])


def radial_figure(panel: Panel, data: Optional[DataDistributions]) -> Drawn:
    """The radial SFs of one element pair against r, over the data's pair distances."""
    fig = _figure(10.0, 6.4)
    ax = fig.add_axes((0.09, 0.42, 0.78, 0.48))
    central = panel.combination[0]
    _radial_axes(ax, panel.curves, panel.cutoff, "SF term of one neighbour")
    if data is not None:
        _pair_histogram(ax, data, central, _neighbours_of(panel), panel.cutoff)
    if panel.weighted:
        title = f"Radial SFs of {central}, every neighbour (weighted by its atomic number)"
    else:
        title = f"Radial SFs of {central} with {panel.combination[1]} neighbours"
    count = sum(len(c.positions) for c in panel.curves)
    ax.set_title(f"{title}\n{count} SFs ({_types(panel)}), cutoff {panel.cutoff:g}", fontsize=11)
    _legend(ax, len(panel.curves), anchor=-0.14)
    return Drawn(f"radial-{panel.name}", f"radial SFs {panel.name}", fig)


def _angular_styles(curves: Sequence[Curve]) -> Tuple[List[Any], List[str]]:
    """Colour by ζ, solid for λ = +1 and dashed for λ = −1 (angle windows: one colour each)."""
    gaussian = [c for c in curves if c.key[:1] == ("gaussian",)]
    if not gaussian:
        return _colours(len(curves)), ["-"] * len(curves)
    zetas = sorted({float(c.key[1]) for c in gaussian})
    windows = [c for c in curves if c.key[:1] != ("gaussian",)]  # polynomial SFs beside them
    palette = _colours(len(zetas) + len(windows))
    colours, styles, k = [], [], len(zetas)
    for c in curves:
        if c.key[:1] == ("gaussian",):
            colours.append(palette[zetas.index(float(c.key[1]))])
            styles.append("--" if float(c.key[2]) < 0 else "-")
        else:
            colours.append(palette[k])
            styles.append(":")
            k += 1
    return colours, styles


def angular_figure(panel: Panel, data: Optional[DataDistributions]) -> Drawn:
    """The angular SFs of one element triplet: the angular part against θ over the data's angle
    distribution, and the radial factor per neighbour against r over the pair distances."""
    fig = _figure(13.0, 6.6)
    left = fig.add_axes((0.06, 0.42, 0.36, 0.44))
    right = fig.add_axes((0.57, 0.42, 0.36, 0.44))
    central = panel.combination[0]
    colours, styles = _angular_styles(panel.curves)
    _curves(left, panel.curves, colours, styles)
    left.set_xlim(0.0, 180.0)
    left.set_xticks(np.arange(0, 181, 30))
    high = max((float(np.max(c.y)) for c in panel.curves), default=1.0)
    left.set_ylim(0.0, 1.05 * max(high, 1e-300))
    left.set_xlabel("angle θ between the two neighbours at the central atom (degrees)")
    left.set_ylabel("angular part of the SF term")
    left.set_title("angular part", fontsize=10)
    others = _neighbours_of(panel)
    if data is not None:
        _angle_histogram(left, data, central, others, panel.cutoff)
        _pair_histogram(right, data, central, others, panel.cutoff)
    _radial_axes(right, panel.radial, panel.cutoff, "radial factor per neighbour")
    right.set_title("radial factor (each of the two neighbours)", fontsize=10)
    _legend(left, len(panel.curves))
    _legend(right, len(panel.radial))
    if panel.weighted:
        title = f"Angular SFs of {central}, every pair of neighbours (weighted)"
    else:
        a, b = panel.combination[1:]
        pair = f"two {a}" if a == b else f"{a} and {b}"
        title = f"Angular SFs of {central} with {pair} neighbours"
    count = sum(len(c.positions) for c in panel.curves)
    fig.suptitle(f"{title}\n{count} SFs ({_types(panel)}), cutoff {panel.cutoff:g}", fontsize=11)
    return Drawn(f"angular-{panel.name}", f"angular SFs {panel.name}", fig)


def _angle_histogram(
    ax: Any, data: DataDistributions, central: str, others: Optional[Sequence[str]], cutoff: float
) -> None:
    geometry = data.geometry
    edges = geometry.angle_edges
    counts = geometry.angle_counts(cutoff, central, others)
    y = density(counts, geometry.atoms.get(central, 0), float(edges[1] - edges[0]))
    twin = _behind(ax)
    twin.stairs(y, edges, fill=True, color=HISTOGRAM)
    twin.set_ylim(0.0, 1.1 * float(y.max()) if y.size and y.max() > 0 else 1.0)
    pairs = "pairs of neighbours" if others is None else f"{'-'.join(others)} neighbour pairs"
    twin.set_ylabel(f"data: {pairs} per {central} atom\nper degree, both within {cutoff:g} (grey)")


def _groups(plan: Plan, element: str) -> List[Tuple[str, int, int]]:
    """Runs of consecutive SFs of one type and combination: (label, first, last), 1-based."""
    runs: List[Tuple[str, int, int]] = []
    for position, sf in enumerate(plan.sfs[element], start=1):
        label = f"G{sf.type_number} {'-'.join(sf.combination)}"
        if runs and runs[-1][0] == label and runs[-1][2] == position - 1:
            runs[-1] = (label, runs[-1][1], position)
        else:
            runs.append((label, position, position))
    return runs


def _scaled_mean(values: ValueDistribution) -> npt.NDArray[np.float64]:
    spread = values.high - values.low
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(spread > 0, (values.mean - values.low) / spread, np.nan))


def values_figure(plan: Plan, element: str, values: ValueDistribution) -> Drawn:
    """Per SF of ``element``: where its values lie between its min and max (the scaled value
    n2p2 trains on), the mean, the range max − min, and the dead SFs."""
    from matplotlib.colors import LogNorm

    n = len(plan.sfs[element])
    fig = _figure(12.0, 6.8)
    top = fig.add_axes((0.08, 0.36, 0.78, 0.46))
    bottom = fig.add_axes((0.08, 0.10, 0.78, 0.18), sharex=top)
    positions = np.arange(1, n + 1)
    atoms = max(values.atoms, 1)
    fraction = np.ma.masked_equal(values.counts.T / atoms, 0.0)
    image = top.imshow(fraction, origin="lower", aspect="auto", interpolation="nearest",
                       extent=(0.5, n + 0.5, 0.0, 1.0), cmap="viridis",
                       norm=LogNorm(vmin=min(1.0 / atoms, 1e-2), vmax=1.0))  # fmt: skip
    colour_bar = fig.add_axes((0.875, 0.36, 0.015, 0.46))
    fig.colorbar(image, cax=colour_bar, label=f"fraction of the {element} atoms")
    mean = _scaled_mean(values)
    alive = ~values.dead & np.isfinite(mean)
    top.plot(positions[alive], mean[alive], "o", markersize=3.5, color="white",
             markeredgecolor="black", markeredgewidth=0.6, label="mean")  # fmt: skip
    if values.dead.any():
        dead = positions[values.dead]
        top.plot(dead, np.full(len(dead), 0.5), "x", color="red", markersize=9, markeredgewidth=2,
                 label=f"dead SF: max − min ≤ {DEAD_THRESHOLD:g}·max(1, |min|, |max|) "
                       "(n2p2 cannot scale it)")  # fmt: skip
    top.set_ylim(0.0, 1.0)
    top.set_ylabel("scaled value (G − min)/(max − min)")
    top.tick_params(labelbottom=False)
    _group_marks(top, _groups(plan, element))
    spread = values.high - values.low
    colours = np.where(values.dead, "red", "tab:blue")
    shown = np.where(spread > 0, spread, np.nan)
    bottom.bar(positions, shown, width=0.8, color=colours)
    if np.any(shown > 0):
        bottom.set_yscale("log")
    bottom.set_ylabel("max − min")
    bottom.set_xlim(0.5, n + 0.5)
    bottom.set_xlabel(f"SF: position among the SFs of {element} in spec order "
                      "(the # of sfcompile stats)")  # fmt: skip
    dead_count = int(values.dead.sum())
    fig.suptitle(f"Values of the {n} SFs of {element} over {values.atoms} {element} atoms "
                 f"({dead_count} dead)", fontsize=11, y=0.985)  # fmt: skip
    top.legend(loc="lower center", bbox_to_anchor=(0.5, 1.13), ncol=2, fontsize="small",
               frameon=False)  # fmt: skip
    return Drawn(f"values-{element}", f"SF values {element}", fig)


def _group_marks(ax: Any, runs: List[Tuple[str, int, int]]) -> None:
    """Separators between runs of one type and combination, their names along the top."""
    if len(runs) > 1:
        ax.vlines([first - 0.5 for _, first, _ in runs[1:]], 0.0, 1.0, colors="white",
                  linewidth=0.8)  # fmt: skip
    axis = ax.secondary_xaxis("top")
    axis.set_xticks([(first + last) / 2.0 for _, first, last in runs])
    size = "small" if len(runs) <= 12 else "x-small"
    axis.set_xticklabels([label for label, _, _ in runs], rotation=35 if len(runs) > 4 else 0,
                         ha="left" if len(runs) > 4 else "center", fontsize=size)  # fmt: skip


def selection_figure(selection: Selection) -> Drawn:
    """The variance of the pool left unexplained against the number of SFs selected."""
    fig = _figure(9.0, 5.8)
    ax = fig.add_axes((0.10, 0.30, 0.84, 0.58))
    for curve, colour in zip(selection.curves, _colours(len(selection.curves))):
        label = f"{curve.element}: pool of {curve.pool} SFs"
        if curve.constant:
            label += f" ({curve.constant} constant, left out)"
        ax.plot(curve.n, curve.unexplained, marker="o", markersize=3, linewidth=1.5,
                color=colour, label=label)  # fmt: skip
    ax.set_xlim(0, max((int(c.n[-1]) for c in selection.curves), default=1) or 1)
    ax.set_ylim(0.0, 1.02)
    ax.grid(True, color="0.9")
    ax.set_xlabel("number of SFs selected, N")
    ax.set_ylabel("fraction of the pool's variance\nleft unexplained")
    method = f" ({selection.method})" if selection.method else ""
    ax.set_title(f"SF selection{method}: what the first N picks leave unexplained", fontsize=11)
    _legend(ax, len(selection.curves), anchor=-0.14)
    return Drawn("selection", "selection curve", fig)


def fit_figure(fit: FitCurve) -> Drawn:
    """The force fit's validation errors against the number of SFs selected (all elements),
    each relative to its value without SFs (the element offsets alone)."""
    fig = _figure(9.0, 5.8)
    ax = fig.add_axes((0.10, 0.30, 0.84, 0.58))
    colours = _colours(2)
    for values, scale, colour, label in (
        (fit.forces, fit.force_rms, colours[0], "force components"),
        (fit.energy, fit.energy_sigma, colours[1], "energy per atom"),
    ):
        if not np.isfinite(values).any() or not scale > 0:
            continue
        ax.plot(fit.n, values / scale, marker="o", markersize=3, linewidth=1.5, color=colour,
                label=f"{label} (1 = {scale:.4g} without SFs)")  # fmt: skip
    ax.set_xlim(0, int(fit.n[-1]) if len(fit.n) else 1)
    ax.set_ylim(bottom=0.0)
    ax.grid(True, color="0.9")
    ax.set_xlabel("number of SFs selected, N (all elements)")
    ax.set_ylabel("validation RMSE of the model,\nrelative to the model without SFs")
    ax.set_title("SF selection (fit): validation errors after the first N picks", fontsize=11)
    _legend(ax, 2, anchor=-0.14)
    return Drawn("selection", "selection curve", fig)


def draw_all(
    plan: Optional[Plan],
    panels: Sequence[Panel],
    data: Optional[DataDistributions],
    selection: Optional[Selection],
) -> List[Drawn]:
    """Every figure, in page order: radial panels, angular panels, SF values per element
    (the spec's order), the selection curve."""
    drawn = [radial_figure(p, data) if p.kind == "radial" else angular_figure(p, data)
             for p in panels]  # fmt: skip
    if plan is not None and data is not None:
        drawn += [values_figure(plan, e, data.values[e]) for e in plan.elements if plan.sfs[e]]
    if selection is not None:
        drawn.append(selection_figure(selection) if selection.fit is None
                     else fit_figure(selection.fit))  # fmt: skip
    return drawn
