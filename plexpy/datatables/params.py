"""Parse a DataTables request (``json_data``) against a query's column aliases: hostile input dies here.

The rules are Tautulli's: order and search accept only client column names equal (case-insensitively) to an
alias of the query; a column sent without a name falls back to the query's column at the same index; ``dir``
applies only to name-based order, which also sorts ``COLLATE NOCASE``; search ORs a ``LIKE '%value%'`` over
every searchable column; paging slices the filtered rows the way a Python slice does (``length = -1`` drops
the last row). Anything malformed is a :class:`DataTablesError`, which the facades turn into Tautulli's empty
answer. Identifiers only ever come from the query's own alias list, so no client text reaches SQL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DataTablesError", "DataTablesPage", "OrderTerm", "ResolvedRequest", "page_bounds", "request_is_ordered", "resolve",
]

_MAX_JSON = 1_000_000


class DataTablesError(ValueError):
    """The request cannot be served (missing or malformed ``json_data``, bad column index, wrong type)."""


@dataclass(frozen=True, slots=True)
class OrderTerm:
    """One ORDER BY key: a query alias, whether it sorts NOCASE, and its direction."""

    alias: str
    nocase: bool
    descending: bool


@dataclass(frozen=True, slots=True)
class ResolvedRequest:
    """A request resolved against a query's aliases: safe to render on either path."""

    draw: int
    start: int
    length: int
    search_value: str
    search_aliases: tuple[str, ...]
    order: tuple[OrderTerm, ...]


@dataclass(slots=True)
class DataTablesPage:
    """What a server-side query returns before shaping: the page rows and the counts."""

    rows: list[dict[str, Any]]
    filtered_count: int
    total_count: int
    draw: int
    extra: dict[str, Any] = field(default_factory=dict)


def _load(kwargs: Mapping[str, Any] | None) -> dict[str, Any]:
    if not isinstance(kwargs, Mapping):
        raise DataTablesError("no request parameters")
    raw = kwargs.get("json_data")
    if not raw:
        raise DataTablesError("parameters must be sent as a serialised JSON object named json_data")
    if isinstance(raw, Mapping):
        return dict(raw)
    if not isinstance(raw, (str, bytes)) or len(raw) > _MAX_JSON:
        raise DataTablesError("json_data must be a JSON text of reasonable size")
    try:
        params = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise DataTablesError(f"json_data is not valid JSON: {exc}") from exc
    if not isinstance(params, dict):
        raise DataTablesError("json_data must be a JSON object")
    return params


def _index(value: Any, size: int) -> int:
    if isinstance(value, bool):
        value = int(value)
    try:
        index = int(value)
    except (TypeError, ValueError) as exc:
        raise DataTablesError(f"column index {value!r} is not a number") from exc
    if not -size <= index < size:
        raise DataTablesError(f"column index {index} is out of range")
    return index


def _match(name: str, aliases: Sequence[str]) -> str | None:
    lowered = name.lower()
    for alias in aliases:
        if alias.lower() == lowered:
            return alias
    return None


def _order(params: dict[str, Any], columns: list[Any], aliases: Sequence[str]) -> tuple[OrderTerm, ...]:
    terms: list[OrderTerm] = []
    order = params["order"]
    if not isinstance(order, list):
        raise DataTablesError("order must be a list")
    for item in order:
        column = columns[_index(item["column"], len(columns))]
        direction = item["dir"]
        name = column["data"]
        if name:
            if not isinstance(name, str):
                raise DataTablesError("column data must be a string")
            alias = _match(name, aliases)
            if alias is not None:
                terms.append(OrderTerm(alias, nocase=True, descending=direction == "desc"))
        else:
            terms.append(OrderTerm(aliases[_index(item["column"], len(aliases))], nocase=False, descending=False))
    return tuple(terms)


def _search(value: Any, columns: list[Any], aliases: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    if not value:
        return "", ()
    if not isinstance(value, str):
        raise DataTablesError("search value must be a string")
    found: list[str] = []
    for position, column in enumerate(columns):
        if not column["searchable"]:
            continue
        name = column["data"]
        if name:
            if not isinstance(name, str):
                raise DataTablesError("column data must be a string")
            alias = _match(name, aliases)
            if alias is not None:
                found.append(alias)
        else:
            found.append(aliases[_index(position, len(aliases))])
    return value, tuple(found)


def resolve(kwargs: Mapping[str, Any] | None, aliases: Sequence[str]) -> ResolvedRequest:
    """Parse ``kwargs['json_data']`` and resolve order and search against ``aliases``.

    Raises:
        DataTablesError: whenever Tautulli's builder would fail on the same request.
    """
    params = _load(kwargs)
    try:
        columns = params["columns"]
        if not isinstance(columns, list) or not all(isinstance(c, dict) for c in columns):
            raise DataTablesError("columns must be a list of objects")
        order = _order(params, columns, aliases)
        search_value, search_aliases = _search(params["search"]["value"], columns, aliases)
        start, length = params["start"], params["length"]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, length)):
            raise DataTablesError("start and length must be whole numbers")
        draw = int(params["draw"])
    except DataTablesError:
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        raise DataTablesError(f"malformed DataTables request: {type(exc).__name__}: {exc}") from exc
    return ResolvedRequest(
        draw=draw, start=start, length=length, search_value=search_value, search_aliases=search_aliases,
        order=order,
    )


def page_bounds(request: ResolvedRequest, filtered_count: int) -> tuple[int, int]:
    """OFFSET and LIMIT equal to Python's ``rows[start:start + length]`` over ``filtered_count`` rows."""
    first, stop, _step = slice(request.start, request.start + request.length).indices(filtered_count)
    return first, max(0, stop - first)


def drop_null_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Remove rows whose every value is NULL (an ungrouped aggregate over no rows)."""
    return [row for row in rows if not all(v is None for v in row.values())]


def request_is_ordered(arguments: Mapping[str, Any]) -> bool:
    """Whether a routed call's DataTables request (``arguments['kwargs']``) asks for an order at all."""
    try:
        params = _load(arguments.get("kwargs"))
    except DataTablesError:
        return True
    order = params.get("order")
    return isinstance(order, list) and len(order) > 0
