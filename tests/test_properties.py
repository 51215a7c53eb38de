"""Property tests over random valid specs: line counts and determinism."""

from __future__ import annotations

from typing import Any, Dict, List

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import compile_unlinted as compile_spec
from tests.test_golden import toml_value

ELEMENTS = ["H", "C", "N", "O", "S", "Cu", "Fe", "Ni", "Zn", "Pt"]
TYPES = ["radial", "angular_narrow", "angular_wide", "weighted_radial", "weighted_angular"]
ANGULAR = {"angular_narrow", "angular_wide", "weighted_angular"}


@st.composite
def sets(draw: Any, cutoff: float) -> Dict[str, Any]:
    sftype = draw(st.sampled_from(TYPES))
    rule = draw(st.sampled_from(["gastegger2018", "imbalzano2018", "custom"]))
    table: Dict[str, Any] = {"type": sftype, "rule": rule}
    if rule == "custom":
        n = draw(st.integers(1, 6))
        table["r_shift"] = draw(st.lists(st.floats(0, cutoff), min_size=n, max_size=n))
        table["eta"] = draw(st.lists(st.floats(1e-4, 50), min_size=n, max_size=n))
    else:
        table["mode"] = draw(st.sampled_from(["center", "shift"]))
        table["nb_param_pairs"] = draw(st.integers(2, 8))
    if rule == "gastegger2018":
        low = draw(st.floats(0.1, cutoff * 0.9))
        table["r_lower"] = low
        if draw(st.booleans()):
            table["r_upper"] = draw(st.floats(low + 0.01 * cutoff, cutoff))
    if sftype in ANGULAR:
        zetas = st.sampled_from([1, 2, 4, 16, 1.5])
        table["zetas"] = draw(st.lists(zetas, min_size=1, max_size=4, unique=True))
        if draw(st.booleans()):
            table["lambdas"] = draw(st.sampled_from([[1], [-1], [-1, 1], [1, -1]]))
    return table


@st.composite
def specs(draw: Any) -> Dict[str, Any]:
    elements = draw(st.lists(st.sampled_from(ELEMENTS), min_size=1, max_size=4, unique=True))
    cutoff = draw(st.floats(2.0, 15.0))
    return {"elements": elements, "cutoff": cutoff,
            "sets": draw(st.lists(sets(cutoff), min_size=1, max_size=3))}  # fmt: skip


def to_toml(spec: Dict[str, Any]) -> str:
    lines = [f"elements = {toml_value(spec['elements'])}", f"cutoff = {spec['cutoff']!r}"]
    for table in spec["sets"]:
        lines.append("[[sets]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


def expected_count(spec: Dict[str, Any]) -> List[int]:
    """Lines per set, from the combinatorics of the reference (worked out, not generated)."""
    e = len(spec["elements"])
    counts = []
    for table in spec["sets"]:
        pairs = table.get("nb_param_pairs") or len(table["r_shift"])
        combos = {"radial": e * e, "angular_narrow": e * e * (e + 1) // 2,
                  "angular_wide": e * e * (e + 1) // 2, "weighted_radial": e,
                  "weighted_angular": e}[table["type"]]  # fmt: skip
        per_pair = 1
        if table["type"] in ANGULAR:
            per_pair = len(table["zetas"]) * len(table.get("lambdas", [-1, 1]))
        counts.append(combos * pairs * per_pair)
    return counts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_line_count_and_determinism(spec: Dict[str, Any]) -> None:
    text = to_toml(spec)
    first = compile_spec(text)
    assert compile_spec(text) == first
    lines = [line for line in first.splitlines() if line.startswith("symfunction_short")]
    assert len(lines) == sum(expected_count(spec))
    # every line's central element and neighbours are spec elements, cutoff <= the spec's
    for line in lines:
        fields = line.split()
        assert fields[1] in spec["elements"]
        if fields[2] in ("2", "3", "9"):
            assert fields[3] in spec["elements"]
