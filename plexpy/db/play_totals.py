"""Play totals per group of history rows: the part the users and libraries lists share."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.sql.selectable import Subquery

from plexpy.db.schema import session_history

__all__ = ["play_totals"]

h = session_history


def play_totals(key: Any, grouping: bool, last_started: str, name: str) -> Subquery:
    """Per ``key`` of ``session_history``: plays (by play when ``grouping``), watched seconds, newest start.

    Columns: ``key``, ``plays``, ``duration`` (played minus paused seconds), ``last_started`` (named by the
    caller: ``last_seen``, ``last_accessed``) and ``history_row_id``, the highest row id (the newest row).
    """
    group_col = h.c.reference_id if grouping else h.c.id
    return (
        select(
            key,
            func.count(group_col.distinct()).label("plays"),
            (func.sum(case((h.c.stopped > 0, h.c.stopped - h.c.started), else_=0))
             - func.sum(func.coalesce(h.c.paused_counter, 0))).label("duration"),
            func.max(h.c.started).label(last_started),
            func.max(h.c.id).label("history_row_id"),
        )
        .group_by(key)
        .subquery(name)
    )
