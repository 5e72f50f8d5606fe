"""The history table's statements built once per shape (package-private helper of ``sqla.py``).

A *shape* is everything of a call that changes the SQL text: the filter's structure (targets, term kinds,
number of values, each value's kind under SQLite's affinity rules; see ``sqla_sql.where_shape``), grouping,
live sessions in or not, and the configured zone (a local-date filter holds it). The values (the filter's,
``now``) are bound at execution, so two calls differing only in values share one statement, compiled once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.sql.selectable import CompoundSelect

from plexpy import context
from plexpy.datatables.custom_where import CustomWhere
from plexpy.datatables.sqla_sql import where_shape
from plexpy.db.stmt_cache import per_shape
from plexpy.domains.history.sqla_table import (
    duration_scope,
    history_query,
    history_scope,
    live_scope,
    total_duration_query,
)

__all__ = ["HistoryShape", "history_shape", "history_statement", "total_duration_shape", "total_duration_statement"]


@dataclass(frozen=True, slots=True)
class HistoryShape:
    """What of a filter changes the history statements' SQL: its shapes in each half, and the zone."""

    where: CustomWhere
    live: CustomWhere
    tz: str


def history_shape(where: CustomWhere, include_activity: Any) -> tuple[HistoryShape, dict[str, Any]]:
    """A filter's shape and its values (with ``now`` when the live half is in), for the cached statements.

    Raises:
        CustomWhereFailure: a filter naming something the query does not have.
    """
    shape, values = where_shape(where, history_scope(), "cw")
    live = CustomWhere()
    if include_activity:
        live, live_values = where_shape(where.unqualified(), live_scope(), "lw")
        values.update(live_values, now=context.now())
    return HistoryShape(shape, live, context.local_tz_name()), values


@per_shape()
def history_statement(shape: HistoryShape, grouping: bool, include_activity: bool) -> Select[Any] | CompoundSelect:
    """``history_query`` of a shape, built once; run it with :func:`history_shape`'s values."""
    return history_query(shape.where, grouping, include_activity, live_where=shape.live)


def total_duration_shape(where: CustomWhere) -> tuple[tuple[CustomWhere, str], dict[str, Any]]:
    """A filter's shape for :func:`total_duration_statement` and its values.

    Raises:
        CustomWhereFailure: a filter naming something the query does not have.
    """
    shape, values = where_shape(where, duration_scope(), "cw")
    return (shape, context.local_tz_name()), values


@per_shape()
def total_duration_statement(shape: tuple[CustomWhere, str]) -> Select[Any]:
    """``total_duration_query`` of a shape, built once; run it with :func:`total_duration_shape`'s values."""
    return total_duration_query(shape[0])
