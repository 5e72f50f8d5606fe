"""Statements built once per shape: bounded caches for the SQLAlchemy twins' statement builders.

Building a ``select()`` and generating its cache key costs far more than executing it once it is compiled
(≈100 µs against ≈35 µs for a 17-column lookup on SQLite). A builder decorated with :func:`per_shape` runs
once per distinct argument tuple, its *shape* (flags such as grouping on/off, which column matches, a
configured zone baked into a construct); every value that varies per call goes in as a named
:func:`~sqlalchemy.bindparam` and is passed at execution::

    @per_shape()
    def _tokens() -> Select[Any]:
        return select(u.c.user_token).where(u.c.user_id == bindparam("user_id"))

    conn.execute(_tokens(), {"user_id": 42})

A statement object is immutable once built and reused across threads; SQLAlchemy's compiled cache (one per
engine and dialect) then finds it by a cache key computed once per object. Each cache is a bounded LRU, so a
shape argument with many values (a page length, a column set) cannot grow it without limit; an argument that
cannot be a key is built for its call only.

Where the SQL itself depends on the value (SQLite's affinity rules: a number, text compared with the
column's text, NULL), the value's *kind* is part of the shape: :func:`affinity_shape` gives the kind and the
value to bind, :func:`bound_affinity_equals` the clause. :func:`named_bind` builds such a clause with the
project's own construct for a sentinel of that kind and names its bind, so the cached statement compiles as
the construct does on every dialect (``plexpy.datatables.sqla_bound`` does the same for ``matches``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import ColumnElement, Integer, String, bindparam
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import replacement_traverse

from plexpy.db.sqlfuncs import affinity_equals, integer_affinity, text_affinity

__all__ = [
    "SENTINELS",
    "Bound",
    "CacheStats",
    "affinity_shape",
    "affinity_shapes",
    "bound_affinity_equals",
    "clear_all",
    "named_bind",
    "per_shape",
    "set_enabled",
    "stats",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Default number of shapes one builder keeps.
DEFAULT_MAXSIZE = 64

_builders: dict[str, Any] = {}
_enabled = [True]


class Bound(NamedTuple):
    """A cached statement with the values of one call: ``conn.execute(*bound)``."""

    statement: Any
    params: dict[str, Any]


class CacheStats(NamedTuple):
    """One builder's cache counters (as :func:`functools.lru_cache` reports them)."""

    hits: int
    misses: int
    maxsize: int
    size: int


def per_shape(maxsize: int = DEFAULT_MAXSIZE) -> Callable[[F], F]:
    """Cache a statement builder's result per argument tuple, keeping at most ``maxsize`` shapes.

    Arguments must be hashable and describe the statement's shape only; values belong in ``bindparam()``.

    Example:
        >>> @per_shape(maxsize=8)
        ... def by_id(grouped: bool) -> Any: ...
    """
    if maxsize < 1:
        raise ValueError(f"maxsize must be at least 1, not {maxsize!r}")

    def wrap(builder: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(builder)
        _builders[f"{builder.__module__}.{builder.__qualname__}"] = cached

        @functools.wraps(builder)
        def statement(*args: Any, **kwargs: Any) -> Any:
            if not _enabled[0]:
                return builder(*args, **kwargs)
            try:
                hash((args, *kwargs.items()))
            except TypeError:  # a value that cannot be a key (a list from odd input): built for this call only
                return builder(*args, **kwargs)
            return cached(*args, **kwargs)

        return statement  # type: ignore[return-value]

    return wrap


def set_enabled(enabled: bool) -> bool:
    """Turn every cache on or off (off: each call builds its statement anew); returns the previous state.

    For A/B measurements of what the caches save (``tools/bench_stmt_cache.py``); the caches are on by default.
    """
    previous = _enabled[0]
    _enabled[0] = bool(enabled)
    return previous


def stats() -> dict[str, CacheStats]:
    """Every registered builder's counters, by ``module.qualname``."""
    out = {}
    for name, cached in _builders.items():
        info = cached.cache_info()
        out[name] = CacheStats(info.hits, info.misses, info.maxsize, info.currsize)
    return out


def clear_all() -> None:
    """Forget every cached statement (tests; a schema object replaced at run time)."""
    for cached in _builders.values():
        cached.cache_clear()



#: A value of each kind that no statement holds as a constant, so its bind can be found and renamed.
SENTINELS: dict[str, Any] = {"int": -7_346_912_581_093, "float": -7.346912581093e12, "str": "\x00tautulli-db:bound\x00"}


def named_bind(clause: Any, sentinel: Any, name: str) -> Any:
    """``clause`` with every bound ``sentinel`` turned into the bind parameter ``name`` (its type kept).

    Build a clause with the project's own construct (``affinity_equals``, ``matches``...) and a sentinel of
    the value's kind, then name its bind: the cached statement compiles exactly as the construct does for
    that kind, and the value is passed at execution.
    """
    renamed = []

    def rename(element: Any) -> Any:
        if (isinstance(element, BindParameter) and type(element.value) is type(sentinel)
                and element.value == sentinel):
            renamed.append(element)
            return bindparam(name, type_=element.type)
        return None

    result = replacement_traverse(clause, {}, rename)
    if not renamed:  # the construct turned the value into something else: caching it would bake the sentinel
        raise ValueError(f"no bound {type(sentinel).__name__} sentinel to name {name!r} in {type(clause).__name__}")
    return result


def affinity_shape(column: Any, value: Any) -> tuple[str, Any]:
    """How :func:`~plexpy.db.sqlfuncs.affinity_equals` treats ``value`` for ``column``: (kind, bound value).

    The kind is part of a statement's shape; :func:`bound_affinity_equals` builds the matching clause.
    """
    if value is None:
        return "never", None
    if isinstance(column.type, Integer):
        number = integer_affinity(value)
        return ("int", number) if number is not None else ("str", str(value))
    if isinstance(column.type, String):
        return "str", text_affinity(value)
    return "int", value  # compared as bound with the column's own type, whatever the value


def affinity_shapes(table: Any, named: Iterable[tuple[str, Any]]) -> tuple[tuple[str, ...], dict[str, Any]]:
    """:func:`affinity_shape` of each ``(column name, value)`` of ``table``: the kinds, and the values by name."""
    kinds, params = [], {}
    for name, value in named:
        kind, params[name] = affinity_shape(table.c[name], value)
        kinds.append(kind)
    return tuple(kinds), params


def bound_affinity_equals(column: Any, kind: str, name: str) -> ColumnElement[bool]:
    """``affinity_equals(column, :name)`` for a value of ``kind`` (from :func:`affinity_shape`), bound later."""
    if kind == "never":
        return affinity_equals(column, None)
    sentinel = SENTINELS[kind]
    return named_bind(affinity_equals(column, sentinel), sentinel, name)  # type: ignore[no-any-return]
