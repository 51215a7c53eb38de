"""The TOML spec of a ``SymFuncParamGenerator`` session (``to_spec_toml``)."""

from __future__ import annotations

from ..spec.toml_text import toml_value
from .checks import Fields

SPEC_TEMPLATE = """\
# sfcompile spec generated from a SymFuncParamGenerator session (sfcompile {version}).
# It reproduces every set the session wrote, in order. Compile it with
#     sfcompile spec.toml > input.nn

elements = {elements}
cutoff = {cutoff}

[output]
# The session wrote no provenance header, so none is written here either (byte-identical
# output). Remove the next line to let sfcompile start the block with its provenance header
# (tool, version, spec name and sha256).
header = false
comments = {comments}
{max_lines}
{sets}"""


def toml_set(fields: Fields) -> str:
    return "[[sets]]\n" + "".join(f"{key} = {toml_value(v)}\n" for key, v in fields.items())
