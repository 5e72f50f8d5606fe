"""Rows of a Core ``SELECT`` on SQLite, straight from the driver once SQLAlchemy has compiled it.

SQLAlchemy's own execution of a cached statement costs about 45 µs on SQLite before the first row (an
execution context, a cursor result, its metadata, row objects), against 6 µs for the driver to run the same
SQL. A Tautulli call makes several small reads, so that is most of the SQLAlchemy twin's time on an ordinary
database. :func:`fetch_dicts` keeps everything SQLAlchemy decides — the SQL text (compiled once per statement
shape, in the engine's own compiled cache, exactly as ``Connection.execute`` compiles it), the bound values
of this call (its literals and named parameters, through the compiled statement) and the result's keys — and
only runs the SQL itself on the connection's DBAPI cursor.

Bound values go through the types' bind processors and expanding ``IN`` lists are expanded, both with the
compiled statement's own methods, as SQLAlchemy's execution context does. The driver path is taken only where
the answer is certainly the same as ``conn.execute(stmt, params).mappings()``: a SELECT on SQLite with no
result processors (the driver's values are the answer), no duplicate result keys, and no
``before/after_cursor_execute`` listener on the engine (instrumentation sees every statement). Anything else
runs through ``conn.execute``. A driver error is
wrapped as SQLAlchemy wraps it (``DBAPIError``), so callers translate it to ``TautulliDBError`` as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import compiler
from sqlalchemy.sql.selectable import CompoundSelect, Select

__all__ = ["fetch_dicts", "fetch_tuples", "set_enabled"]

_enabled = [True]


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to run one compiled statement on the driver, or that it must go through ``conn.execute``."""

    direct: bool
    keys: tuple[str, ...] = ()
    #: Per position: (parameter key, bind name, required, constant value, bind processor); None: construct_params.
    binder: tuple[tuple[str, str, bool, Any, Any], ...] | None = None


#: Compiled statements already judged, by identity (a compiled statement lives in the engine's cache).
_plans: dict[int, tuple[Any, _Plan]] = {}
_PLANS_MAX = 2048

#: Statement objects compiled from themselves (built once per shape and reused), by identity: the object, the
#: dialect and column keys it was compiled for, the compiled form and its plan. A statement is immutable, so
#: seeing the same object again needs neither its cache key (a walk of the whole statement: 20-30 µs for a
#: home-stats card) nor the compiled-cache lookup; its literals are the compiled form's own.
_reused: dict[int, tuple[Any, Any, list[str], Any, _Plan]] = {}


def set_enabled(enabled: bool) -> bool:
    """Turn the driver path on or off (off: every statement through ``conn.execute``); the previous state.

    For A/B measurements (``tautulli-db bench calls``) and tests proving both paths answer alike.
    """
    previous = _enabled[0]
    _enabled[0] = bool(enabled)
    return previous


def _plan_for(compiled: Any) -> _Plan:
    found = _plans.get(id(compiled))
    if found is not None and found[0] is compiled:
        return found[1]
    plan = _judge(compiled)
    if len(_plans) >= _PLANS_MAX:
        _plans.clear()
    _plans[id(compiled)] = (compiled, plan)  # the reference keeps the id from being reused while cached
    return plan


def _judge(compiled: Any) -> _Plan:
    if not compiled.positional or compiled.schema_translate_map or not compiled._result_columns:
        return _Plan(direct=False)
    dialect = compiled.dialect
    keys = []
    for column in compiled._result_columns:
        if column.type._cached_result_processor(dialect, None) is not None:
            return _Plan(direct=False)
        keys.append(column.keyname)
    if len(set(keys)) != len(keys):
        return _Plan(direct=False)
    return _Plan(direct=True, keys=tuple(keys), binder=_binder(compiled))


def _binder(compiled: Any) -> tuple[tuple[str, str, bool, Any, Any], ...] | None:
    """Each position's value source, for a statement run with the values it was compiled with.

    A reused statement object (built once per shape) binds the same literals on every call; only its named
    parameters change. ``construct_params`` resolves every bind of the statement each call (and, for a cache
    hit, maps the cache key's extracted literals onto them: 60 µs per call for the history page's 300 binds);
    this resolves them once. Only plain binds qualify: no expanding IN, escaped names or callables; a call
    missing a required value goes through ``construct_params``, which raises its own error.
    """
    if (compiled.literal_execute_params or compiled.post_compile_params or compiled.escaped_bind_names
            or getattr(compiled, "_collect_params", False)):
        return None
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    processors = compiled._bind_processors
    entries = []
    for name in compiled.positiontup or ():
        bind = by_name.get(name)
        if bind is None or bind.callable is not None:
            return None
        entries.append((bind.key, name, bool(bind.required), bind.value, processors.get(name)))
    return tuple(entries)


def _bound(binder: tuple[tuple[str, str, bool, Any, Any], ...],
           params: Mapping[str, Any] | None) -> tuple[Any, ...] | None:
    """The positional values of one call, as ``construct_params`` and the bind processors give them.

    None when a required value is missing (``construct_params`` then raises SQLAlchemy's error).
    """
    values = []
    for key, name, required, constant, processor in binder:
        if params and key in params:
            value = params[key]
        elif params and name in params:
            value = params[name]
        elif required:
            return None
        else:
            value = constant
        values.append(processor(value) if processor is not None else value)
    return tuple(values)


def _through_sqlalchemy(conn: Connection, stmt: Any, params: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(stmt, params).mappings()]


def _driver_rows(conn: Connection, stmt: Any,
                 params: Mapping[str, Any] | None) -> tuple[tuple[str, ...], list[Any]] | None:
    """The statement's result keys and row tuples from the driver, or None where SQLAlchemy must run it."""
    dialect = conn.dialect
    if (not _enabled[0] or dialect.name != "sqlite" or not isinstance(stmt, (Select, CompoundSelect))
            or conn.dispatch.before_cursor_execute or conn.dispatch.after_cursor_execute):
        return None
    column_keys = sorted(params) if params else []
    reused = _reused.get(id(stmt))
    if reused is not None and reused[0] is stmt and reused[1] is dialect and reused[2] == column_keys:
        compiled, plan = reused[3], reused[4]  # a statement object built once per shape, seen before
        extracted, collected = None, None
    else:
        compiled, extracted, collected, _hit = stmt._compile_w_cache(
            dialect, compiled_cache=conn.engine._compiled_cache, column_keys=column_keys, for_executemany=False,
            schema_translate_map=None, linting=dialect.compiler_linting | compiler.WARN_LINTING,
        )
        plan = _plan_for(compiled) if _hit in (dialect.CACHE_HIT, dialect.CACHE_MISS) else _judge(compiled)
        if compiled.statement is stmt and not collected:
            if len(_reused) >= _PLANS_MAX:
                _reused.clear()
            _reused[id(stmt)] = (stmt, dialect, column_keys, compiled, plan)
    if not plan.direct:
        return None
    bound = None
    if plan.binder is not None and compiled.statement is stmt and not collected:
        bound = _bound(plan.binder, params)  # compiled from this very object: its literals are the ones bound
    sql = compiled.string
    if bound is None:
        values = compiled.construct_params(params, escape_names=False, extracted_parameters=extracted,
                                           _collected_params=collected)
        order, processors = compiled.positiontup, compiled._bind_processors
        if compiled.literal_execute_params or compiled.post_compile_params:  # IN lists expanded, as SQLAlchemy does
            expanded = compiled._process_parameters_for_postcompile(values)
            sql, order, processors = expanded.statement, expanded.positiontup, {**processors, **expanded.processors}
            values = expanded.parameters
        if processors:
            bound = tuple(processors[name](values[name]) if name in processors else values[name] for name in order)
        else:
            bound = tuple(values[name] for name in order)
    driver = conn.connection.dbapi_connection
    error = dialect.loaded_dbapi.Error
    try:
        cursor = driver.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql, bound)
            width = len(cursor.description or ())
            rows = cursor.fetchall()
        finally:
            cursor.close()
    except error as exc:
        raise DBAPIError.instance(sql, bound, exc, error, hide_parameters=True,
                                  dialect=dialect) from exc
    if width != len(plan.keys):  # not the columns SQLAlchemy expects: let it decide what they are
        return None
    return plan.keys, rows


def fetch_dicts(conn: Connection, stmt: Any, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """``[dict(row) for row in conn.execute(stmt, params).mappings()]``, run on the driver where that is exact.

    Raises:
        DBAPIError: the driver refused the statement or its values (SQLAlchemy's wrapping of the error).
    """
    found = _driver_rows(conn, stmt, params)
    if found is None:
        return _through_sqlalchemy(conn, stmt, params)
    keys, rows = found
    return [dict(zip(keys, row, strict=True)) for row in rows]


def fetch_tuples(conn: Connection, stmt: Any, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """``conn.execute(stmt, params).all()`` as plain tuples, run on the driver where that is exact.

    Raises:
        DBAPIError: the driver refused the statement or its values (SQLAlchemy's wrapping of the error).
    """
    found = _driver_rows(conn, stmt, params)
    if found is None:
        return [tuple(row) for row in conn.execute(stmt, params).all()]
    return found[1]
