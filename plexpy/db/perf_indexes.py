"""The project's performance indexes: additions beyond Tautulli v2.17.2's schema, for the hot history reads.

Alembic revision ``0016`` creates them (``CREATE INDEX IF NOT EXISTS``: no table is rewritten) and drops them
on downgrade; ``tautulli-db sample --indexes`` builds a generated database with them; the schema comparisons
with a fresh Tautulli install allow exactly these names and nothing else. Why each exists is in
docs/performance.md (*Index revision 0016*).
"""

from __future__ import annotations

from typing import Final

__all__ = ["PERF_INDEXES", "PERF_INDEX_NAMES", "create_sql", "drop_sql"]

#: (name, table, columns): the newest plays first, overall, per user and per library section. No index leads with
#: ``stopped``: SQLite would then read the date-windowed charts and cards in stop order instead of row order, and
#: the rows their bare columns come from (Tautulli's queries) could change.
PERF_INDEXES: Final = (
    ("idx_session_history_started", "session_history", ("started", "reference_id")),
    ("idx_session_history_user_id_started", "session_history", ("user_id", "started", "reference_id")),
    ("idx_session_history_section_id_started", "session_history", ("section_id", "started", "reference_id")),
)
#: Their names, for schema comparisons that allow them.
PERF_INDEX_NAMES: Final = frozenset(name for name, _, _ in PERF_INDEXES)


def create_sql(name: str, table: str, columns: tuple[str, ...]) -> str:
    """The DDL that creates one index when it is missing (a constant: names come from :data:`PERF_INDEXES`)."""
    cols = ", ".join(f'"{c}"' for c in columns)
    return f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols})'


def drop_sql(name: str) -> str:
    """The DDL that drops one index when it exists."""
    return f'DROP INDEX IF EXISTS "{name}"'
