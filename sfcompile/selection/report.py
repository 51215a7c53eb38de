"""What ``select`` reports: the [selection] table of the selected spec, the JSON report
(``sfcompile-select/2``) and the text on standard error.

JSON report, ``sfcompile-select/2``: ``format``; ``method`` (the one that ran: fit, cur or fps);
``cost_weighted``; ``size_rule``; ``pool`` and ``data`` (file names) with ``pool_sha256``,
``data_sha256``; ``structures``; ``atoms`` (used); ``max_atoms`` (null without a subsample),
``seed`` (null when nothing was drawn); ``notes`` (what the run decided on its own: the method
where the data has no forces, a lower degree, samples); ``elements``: per central element (spec
order) ``pool`` (SFs), ``varying``, ``constant`` (the constant SFs' lines), ``atoms``,
``unranked`` (--keep-unranked kept all its pool SFs: the data could not rank them; no
picks), ``requested`` (null for the threshold rules), ``exhausted`` (stopped before the number asked
for), ``gram`` {``shape``, ``bytes``}, ``terms_per_atom`` {``pool``, ``selected``} (the summed
measured cost) and ``picks``: [{``rank``, ``line`` (as compiled), ``sf`` (short description),
``score`` (cur: the score; fps: the distance, null for the first pick; fit: the drop of the
training objective), ``unexplained`` (cur, fps: the fraction of the pool's variance left after
this pick; fit: the fraction of the training objective left), ``terms_per_atom``}]; ``fit``:
null, or how the force fit was made and its validation curve (:mod:`.fit_report`).
Version 1 (sfcompile 0.1) had no ``notes`` and ``fit``.
"""

from __future__ import annotations

import json
import math
from typing import Any, Dict, List

from .._version import __version__
from ..analysis.report import describe
from ..targets import formatting
from ..targets.n2p2 import format_line
from .fit_report import fit_section, fit_table, fit_text
from .outcome import ElementChoice, SelectionRun

JSON_FORMAT = "sfcompile-select/2"


def _rounded(x: float) -> float:
    """Six significant digits: the curve is read by people, not recomputed."""
    return float(f"{x:.6g}")


def selection_table(
    run: SelectionRun, pool_name: str, pool_sha256: str, data_name: str, data_sha256: str
) -> Dict[str, Any]:
    """The [selection] table written into the selected spec."""
    table: Dict[str, Any] = {
        "tool": f"sfcompile {__version__}",
        "method": run.method,
        "cost_weighted": run.cost_weighted,
        "size_rule": run.rule.describe(),
        "pool": pool_name,
        "pool_sha256": pool_sha256,
        "data": data_name,
        "data_sha256": data_sha256,
        "atoms": run.atoms,
    }
    if run.max_atoms is not None or run.fit is not None:
        table.update({"max_atoms": run.max_atoms, "seed": run.seed} if run.max_atoms else
                     {"seed": run.seed})  # fmt: skip
    table["elements"] = {
        element: {
            "pool": len(choice.pool),
            "selected": len(choice.chosen),
            "constant": len(choice.constant),
            "atoms": choice.atoms,
            **({"unranked": True} if choice.unranked else {}),
            **({} if run.fit is not None or choice.unranked else
               {"unexplained": min(max(_rounded(choice.unexplained), 0.0), 1.0)}),
        }
        for element, choice in run.elements.items()
    }  # fmt: skip
    if run.fit is not None:
        table["fit"] = fit_table(run.fit)
    return table


def _numbers(run: SelectionRun) -> formatting.NumberFormat:
    return formatting.NumberFormat(run.checked.loaded.spec.output.precision)


def selected_lines(run: SelectionRun) -> Dict[str, List[str]]:
    """Per element, the selected lines (as compiled) in pick order."""
    numbers = _numbers(run)
    return {e: [format_line(sf, numbers) for sf in c.chosen] for e, c in run.elements.items()}


def _element(choice: ElementChoice, numbers: formatting.NumberFormat) -> Dict[str, Any]:
    picks = choice.picks
    return {
        "pool": len(choice.pool),
        "varying": len(choice.pool) - len(choice.constant),
        "constant": [format_line(choice.pool[k], numbers) for k in choice.constant],
        "atoms": choice.atoms,
        "unranked": choice.unranked,
        "requested": choice.asked,
        "exhausted": picks.exhausted,
        "gram": {"shape": [choice.gram_size] * 2, "bytes": choice.gram_bytes},
        "terms_per_atom": {
            "pool": float(choice.cost.sum()),
            "selected": float(choice.cost[picks.indices].sum()),
        },
        "picks": [
            {
                "rank": rank,
                "line": format_line(choice.pool[k], numbers),
                "sf": describe(choice.printed[k], numbers),
                "score": score,
                "unexplained": unexplained,
                "terms_per_atom": float(choice.cost[k]),
            }
            for rank, (k, score, unexplained) in enumerate(
                zip(picks.indices, picks.scores, picks.unexplained), start=1
            )
        ],
    }


def report(run: SelectionRun, provenance: Dict[str, Any]) -> Dict[str, Any]:
    """The JSON report as Python objects (``provenance``: the [selection] table)."""
    numbers = _numbers(run)
    return {
        "format": JSON_FORMAT,
        **{k: provenance[k] for k in ("method", "cost_weighted", "size_rule", "pool", "data")},
        "pool_sha256": provenance["pool_sha256"],
        "data_sha256": provenance["data_sha256"],
        "structures": run.structures,
        "atoms": run.atoms,
        "max_atoms": run.max_atoms,
        "seed": run.seed if run.max_atoms is not None or run.fit is not None else None,
        "notes": list(run.notes),
        "elements": {e: _element(c, numbers) for e, c in run.elements.items()},
        "fit": None
        if run.fit is None
        else fit_section(
            run.fit, {e: (c.pool, c.printed) for e, c in run.elements.items()}, numbers
        ),
    }


def _unranked(element: str, e: Dict[str, Any]) -> str:
    return (
        f"{element}: not ranked ({e['atoms']} atoms, every SF constant on the data): all "
        f"{e['pool']} pool SFs kept (--keep-unranked); cut them by hand, or select on data "
        f"with more {element}"
    )


def _fit_summary(document: Dict[str, Any]) -> List[str]:
    """Per element, how many SFs the fit picked."""
    return [
        _unranked(element, e) if e.get("unranked") else
        f"{element}: {len(e['picks'])} of {e['pool']} SFs selected; {len(e['constant'])} "
        f"constant on the data (never picked); {e['atoms']} atoms"
        for element, e in document["elements"].items()
    ]  # fmt: skip


def to_json(document: Dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, allow_nan=False) + "\n"


def _size(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError


def format_text(document: Dict[str, Any]) -> str:
    """The report for a terminal: per element a summary and the pick curve."""
    sample = f", subsample of at most {document['max_atoms']} atoms per element (seed " \
        f"{document['seed']})" if document["max_atoms"] is not None else ""  # fmt: skip
    weighted = ", cost-weighted" if document["cost_weighted"] else ""
    lines = [
        f"sfcompile select: {document['pool']} on {document['data']}: {document['method']}"
        f"{weighted}, {document['size_rule']}; {document['structures']} structures, "
        f"{document['atoms']} atoms used{sample}",
        *(f"note: {note}" for note in document["notes"]),
    ]
    if document["fit"] is not None:
        return "\n".join(lines + _fit_summary(document) + fit_text(document)) + "\n"
    for element, e in document["elements"].items():
        if e.get("unranked"):
            lines += ["", _unranked(element, e)]
            continue
        last = e["picks"][-1]["unexplained"] if e["picks"] else 1.0
        terms = e["terms_per_atom"]
        share = terms["selected"] / terms["pool"] if terms["pool"] else math.nan
        lines += [
            "",
            f"{element}: {len(e['picks'])} of {e['pool']} SFs selected, unexplained variance "
            f"{last:.4g}; {len(e['constant'])} constant on the data (never picked); "
            f"{e['atoms']} atoms, Gram matrix {e['gram']['shape'][0]}x{e['gram']['shape'][1]} "
            f"({_size(e['gram']['bytes'])}); neighbour terms per atom {terms['selected']:,.0f} "
            f"of the pool's {terms['pool']:,.0f} ({share:.1%})",
        ]
        if e["exhausted"]:
            lines.append(
                f"  stopped at {len(e['picks'])}: the data cannot tell the remaining SFs apart "
                "from combinations of those picked (their rank on these atoms is reached); "
                "more varied data would"
            )
        lines.append(f"  {'rank':>4}  {'score':>10}  {'unexplained':>11}  sf")
        for pick in e["picks"]:
            score = "-" if pick["score"] is None else f"{pick['score']:.4g}"
            lines.append(
                f"  {pick['rank']:>4}  {score:>10}  {pick['unexplained']:>11.4g}  {pick['sf']}"
            )
    return "\n".join(lines) + "\n"
