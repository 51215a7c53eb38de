"""The Jinja environment of the templates in ``templates/``, with compiled templates cached.

Compiling the templates takes longer than rendering a large block with them, on every run, so
they are kept compiled in Jinja's bytecode cache: the per-user directory Jinja makes for it
(``_jinja2-cache-<uid>`` in the temporary directory, created private and checked), one file per
template, named after the sfcompile and Jinja versions and checked against the template's text
on every load. A cache that cannot be made, read or written only costs time, never a result.
``SFCOMPILE_TEMPLATE_CACHE=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache
from typing import Optional

import jinja2
from jinja2.bccache import Bucket

from .._version import __version__
from ..resources import templates_dir


class QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, whose failures are only misses."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # an unreadable or damaged entry: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        # a full disk, a read-only directory: the next run compiles again
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def bytecode_cache() -> Optional[jinja2.BytecodeCache]:
    if os.environ.get("SFCOMPILE_TEMPLATE_CACHE", "1") == "0":
        return None
    pattern = f"__sfcompile-{__version__}-jinja-{jinja2.__version__}-%s.cache"
    try:
        return QuietBytecodeCache(pattern=pattern)
    except (OSError, RuntimeError):  # Jinja found no safe cache directory
        return None


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=False,  # plain-text output, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        bytecode_cache=bytecode_cache(),
    )
