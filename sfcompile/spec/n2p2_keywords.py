"""The ``[n2p2]`` pass-through table: other input.nn keywords, checked against n2p2's list.

n2p2 drops a line whose keyword it does not know with only a log warning, so a misspelled
``global_nodes_shrot`` silently changes the network. Keys of ``[n2p2]`` must be keywords n2p2
knows (the names of its known-keyword table, n2p2 v2 ``Settings``); ``[n2p2_unchecked]`` passes
anything else through, with a warning, for keywords newer than this list.

Values render as n2p2 reads them: numbers and strings as tokens, arrays as space-separated
tokens, ``true`` as the bare keyword (``false`` leaves it out), and an array of arrays as one
line per inner array for the keywords n2p2 allows several times (``atom_energy``).
"""

from __future__ import annotations

import difflib
import math
from typing import Any, Dict, List, Tuple, Union

from pydantic_core import PydanticCustomError

from .fields import describe_toml_value

#: Keywords sfcompile writes itself in a complete input.nn.
WRITTEN_BY_SFCOMPILE = (
    "number_of_elements",
    "elements",
    "cutoff_type",
    "symfunction_short",
    "symfunction",
)
#: Keywords a complete input.nn needs besides those (for nnp-scaling at least).
REQUIRED_FOR_FULL = (
    "global_hidden_layers_short",
    "global_nodes_short",
    "global_activation_short",
    "random_seed",
)
#: Keywords n2p2 accepts on several lines.
REPEATABLE = ("atom_energy", "element_nodes_short")

KNOWN = frozenset(
    """
    number_of_elements elements atom_energy cutoff_type symfunction_short symfunction
    scale_symmetry_functions scale_min_short scale_max_short center_symmetry_functions
    scale_symmetry_functions_sigma global_hidden_layers_short global_nodes_short
    global_activation_short element_nodes_short normalize_nodes mean_energy conv_length
    conv_energy nnp_type nn_type random_seed test_fraction epochs use_short_forces
    rmse_threshold rmse_threshold_energy rmse_threshold_force rmse_threshold_charge
    rmse_threshold_trials rmse_threshold_trials_energy rmse_threshold_trials_force
    rmse_threshold_trials_charge energy_fraction force_fraction charge_fraction
    use_old_weights_short use_old_weights_charge weights_min weights_max
    nguyen_widrow_weights_short nguyen_widrow_weights_charge precondition_weights
    main_error_metric write_trainpoints write_trainforces write_traincharges
    write_weights_epoch write_neuronstats write_trainlog repeated_energy_update updater_type
    parallel_mode jacobian_mode update_strategy selection_mode selection_mode_energy
    selection_mode_force selection_mode_charge task_batch_size_energy task_batch_size_force
    task_batch_size_charge gradient_type gradient_eta gradient_adam_eta gradient_adam_beta1
    gradient_adam_beta2 gradient_adam_epsilon kalman_type kalman_epsilon kalman_eta
    kalman_etatau kalman_etamax kalman_q0 kalman_qtau kalman_qmin kalman_lambda_short
    kalman_nue_short memorize_symfunc_results force_weight short_energy_error_threshold
    short_force_error_threshold short_energy_fraction short_force_fraction
    """.split()
)

Token = Union[int, float, str]
Value = Union[bool, Token, List[Token], List[List[Token]]]


def _token(value: Any) -> Token:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise PydanticCustomError(
            "n2p2_value",
            "expected a number, a string, true/false or an array of them, got {got}",
            {"got": describe_toml_value(value)},
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError(
            "n2p2_value", "expected a finite number, got {got}", {"got": repr(value)}
        )
    if isinstance(value, str) and (not value.strip() or any(c in value for c in "#!\n\r")):
        raise PydanticCustomError(
            "n2p2_value",
            "expected a token n2p2 can read (not empty, no '#', '!' or line break), got {got}",
            {"got": repr(value)},
        )
    return value


def validate_value(value: Any) -> Value:
    if isinstance(value, bool):
        return value
    if isinstance(value, list):
        if value and all(isinstance(v, list) for v in value):
            return [[_token(t) for t in inner] for inner in value]
        return [_token(v) for v in value]
    return _token(value)


def check_names(table: Dict[str, Any], checked: bool) -> List[str]:
    """Problems with the keyword names of a pass-through table (empty: fine)."""
    problems = []
    for name, value in table.items():
        if name in WRITTEN_BY_SFCOMPILE:
            problems.append(
                f"{name!r} is written by sfcompile itself (from elements, [cutoff_function] "
                "and the sets); remove it here"
            )
        elif checked and name not in KNOWN:
            close = difflib.get_close_matches(name, sorted(KNOWN), n=1, cutoff=0.75)
            hint = (
                f"; did you mean {close[0]!r}?"
                if close
                else ("; if your n2p2 version knows it, put it in [n2p2_unchecked]")
            )
            problems.append(f"unknown n2p2 keyword {name!r} (n2p2 would ignore the line){hint}")
        elif _is_table(value) and name not in REPEATABLE:
            problems.append(
                f"{name!r} may appear once; an array of arrays (one line each) is only for "
                + ", ".join(REPEATABLE)
            )
    return problems


def render_lines(table: Dict[str, Value]) -> List[str]:
    """The input.nn lines of a pass-through table, in the table's order."""
    lines: List[str] = []
    for name, value in table.items():
        if value is True:
            lines.append(name)
        elif value is False:
            continue
        elif _is_table(value):
            lines += [" ".join([name, *(_text(t) for t in inner)]) for inner in value]  # type: ignore[union-attr]
        elif isinstance(value, list):
            lines.append(" ".join([name, *map(_text, value)]))
        else:
            lines.append(f"{name} {_text(value)}")
    return lines


def _is_table(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], list)


def _text(token: Any) -> str:
    return repr(token) if isinstance(token, float) else str(token)


def check_network(table: Dict[str, Any]) -> List[Tuple[str, str]]:
    """n2p2's architecture keywords must agree: nodes per hidden layer, activations per layer
    including the output layer (a mismatch makes n2p2 abort or misread)."""
    layers = table.get("global_hidden_layers_short")
    if not isinstance(layers, int) or isinstance(layers, bool):
        return []
    problems = []
    expected = {"global_nodes_short": layers, "global_activation_short": layers + 1}
    for key, count in expected.items():
        value = table.get(key)
        tokens = value if isinstance(value, list) else str(value).split() if value else None
        if tokens is not None and len(tokens) != count:
            what = "hidden layer" if key == "global_nodes_short" else "layer (hidden + output)"
            message = (
                f"expected {count} values, one per {what} "
                f"(global_hidden_layers_short = {layers}), got {len(tokens)}"
            )
            problems.append((key, message))
    return problems
