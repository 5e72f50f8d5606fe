"""Tautulli's filter equality (a value, or a list of values as an OR group) built once per shape.

Tautulli turns a filter argument into ``col = ?``, or, for a list, ``(col = ? OR col = ? OR col IS NULL)``
(``None`` in the list). :func:`equals_shape` gives what of a value changes the SQL text (each value's kind
under SQLite's affinity rules, the list's length, where its ``None``s sit) and the values to bind;
:func:`bound_equals` builds the clause of that shape with named binds, so a statement holding it can be cached
with :func:`plexpy.db.stmt_cache.per_shape` and run with the values.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_

from plexpy.db.stmt_cache import affinity_shape, bound_affinity_equals

__all__ = ["bound_equals", "equals_shape"]

#: The shape of ``None`` inside a list: ``IS NULL``, nothing bound.
_NULL = "null"


def equals_shape(column: Any, value: Any, name: str) -> tuple[Any, dict[str, Any]]:
    """The shape of ``column = value`` (a list: an OR group) and the values to bind, named from ``name``.

    Example:
        >>> shape, params = equals_shape(exports.c.user_id, ["1", None], "user_id")
        >>> params
        {'user_id_0': 1}
    """
    if isinstance(value, (list, tuple)):
        shapes: list[Any] = []
        params: dict[str, Any] = {}
        for index, item in enumerate(value):
            if item is None:
                shapes.append(_NULL)
                continue
            shape, item_params = equals_shape(column, item, f"{name}_{index}")
            shapes.append(shape)
            params.update(item_params)
        return ("any", tuple(shapes)), params
    kind, bound = affinity_shape(column, value)
    return ("eq", kind), ({} if kind == "never" else {name: bound})


def bound_equals(column: Any, shape: Any, name: str) -> ColumnElement[bool]:
    """The clause of a shape from :func:`equals_shape`, its values bound under the same names."""
    tag, detail = shape
    if tag == "eq":
        return bound_affinity_equals(column, detail, name)
    terms = [column.is_(None) if item == _NULL else bound_equals(column, item, f"{name}_{index}")
             for index, item in enumerate(detail)]
    return or_(*terms)
