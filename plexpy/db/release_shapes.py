"""Schema facts of every Tautulli/PlexPy release, loaded once from ``release_shapes.json``.

The JSON is generated from the release tags of Tautulli's git history by
tools/gen_release_shapes.py (do not edit it by hand). Schema facts are read from each release
tag's dbcheck() DDL: ``ITEMS`` is the vocabulary (every table, column, index and UNIQUE
constraint a release created or its upgrade can write); ``SHAPES`` lists, per run of releases
with the same fresh-install schema, the items added to and removed from the previous shape.
JSON arrays are turned back into (nested) tuples, so the items stay hashable.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Final

__all__ = ["ITEMS", "RELEASES", "SHAPES"]


def _tuples(value: Any) -> Any:
    """``value`` with every JSON array, at any depth, turned into a tuple."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    return value


def _load() -> dict[str, Any]:
    text = resources.files("plexpy.db").joinpath("release_shapes.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


_DATA = _load()

RELEASES: Final[tuple[str, ...]] = _tuples(_DATA["releases"])

ITEMS: Final[tuple[tuple[object, ...], ...]] = _tuples(_DATA["items"])

SHAPES: Final[tuple[tuple[str, str, tuple[int, ...], tuple[int, ...]], ...]] = _tuples(_DATA["shapes"])

del _DATA
