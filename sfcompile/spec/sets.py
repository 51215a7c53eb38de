"""The ``[[sets]]`` tables: one model per (family, rule), chosen by :func:`set_tag`.

The models live in :mod:`._set_base` (shared keys and element filters),
:mod:`.gaussian_sets` and :mod:`.poly_sets`; this module joins them into one union.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Type, Union

from pydantic import Discriminator, Tag
from typing_extensions import Annotated

from .gaussian_sets import (
    CustomSet,
    Gastegger2018Set,
    GaussianSet,
    GeneratedRadialSet,
    Imbalzano2018Set,
)
from .list_sets import GaussianListSet, GaussianParams, PolyListSet, PolyParams
from .poly_sets import PolyCustomSet, PolySet, PolyWindowsSet
from .set_base import SetBase
from .sftypes import SF_TYPES


def set_tag(data: Any) -> Optional[str]:
    """Which model validates a [[sets]] table: its rule, but 'custom' and 'list' serve both
    families."""
    if isinstance(data, dict):
        rule, sftype = data.get("rule"), data.get("type")
        if rule in ("custom", "list") and isinstance(sftype, str) and sftype in SF_TYPES:
            return f"poly_{rule}" if SF_TYPES[sftype].family == "poly" else rule
        return rule if isinstance(rule, str) else None
    return TAG_OF_MODEL.get(type(data))


TAG_MODELS: Dict[str, Type[SetBase]] = {
    "gastegger2018": Gastegger2018Set,
    "imbalzano2018": Imbalzano2018Set,
    "custom": CustomSet,
    "windows": PolyWindowsSet,
    "poly_custom": PolyCustomSet,
    "list": GaussianListSet,
    "poly_list": PolyListSet,
}
TAG_OF_MODEL: Dict[type, str] = {model: tag for tag, model in TAG_MODELS.items()}
RULES = ["gastegger2018", "imbalzano2018", "windows", "custom", "list"]
RULES_OF_FAMILY = {
    "gaussian": ["gastegger2018", "imbalzano2018", "custom", "list"],
    "poly": ["windows", "custom", "list"],
}

SetSpec = Annotated[
    Union[
        Annotated[Gastegger2018Set, Tag("gastegger2018")],
        Annotated[Imbalzano2018Set, Tag("imbalzano2018")],
        Annotated[CustomSet, Tag("custom")],
        Annotated[PolyWindowsSet, Tag("windows")],
        Annotated[PolyCustomSet, Tag("poly_custom")],
        Annotated[GaussianListSet, Tag("list")],
        Annotated[PolyListSet, Tag("poly_list")],
    ],
    Discriminator(set_tag),
]
AnySet = Union[
    Gastegger2018Set,
    Imbalzano2018Set,
    CustomSet,
    PolyWindowsSet,
    PolyCustomSet,
    GaussianListSet,
    PolyListSet,
]
__all__ = [
    "RULES",
    "RULES_OF_FAMILY",
    "TAG_MODELS",
    "AnySet",
    "CustomSet",
    "Gastegger2018Set",
    "GaussianListSet",
    "GaussianParams",
    "GaussianSet",
    "GeneratedRadialSet",
    "Imbalzano2018Set",
    "PolyCustomSet",
    "PolyListSet",
    "PolyParams",
    "PolySet",
    "PolyWindowsSet",
    "SetBase",
    "SetSpec",
    "set_tag",
]
