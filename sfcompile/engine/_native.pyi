# Type stub of the compiled kernel (sfcompile/engine/csrc/module.c).
from typing import Tuple

def evaluate(
    program: Tuple[object, ...], neighbours: Tuple[object, ...], output: Tuple[object, ...]
) -> Tuple[int, int]: ...
def small_pairs(
    positions: object, offsets: object, cells: object, periodic: object, cutoff: float
) -> Tuple[bytes, bytes, bytes, bytes, bytes]: ...
