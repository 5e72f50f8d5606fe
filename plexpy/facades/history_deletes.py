"""Tautulli's history deletes of ``plexpy.database``, routed by the ``history`` flag.

``plexpy.database`` re-exports these four, so callers keep Tautulli's module and names. Each is one
transaction on both paths, followed by one VACUUM once it committed.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.history.contract import OPERATIONS as _OPS

__all__ = ["delete_library_history", "delete_rows_from_table", "delete_session_history_rows", "delete_user_history"]


def delete_rows_from_table(table: Any, row_ids: Any) -> Any:
    """Delete rows by id (a list, or a comma string where a non-number is 0) from one table; False on failure."""
    return runtime.route(_OPS["delete_rows_from_table"], table=table, row_ids=row_ids)


def delete_session_history_rows(row_ids: Any = None) -> Any:
    """Delete plays by id from the three history tables; True when every delete succeeded."""
    return runtime.route(_OPS["delete_session_history_rows"], row_ids=row_ids)


def delete_user_history(user_id: Any = None) -> Any:
    """Delete every play of a user: bool, or None for a non-numeric id."""
    return runtime.route(_OPS["delete_user_history"], user_id=user_id)


def delete_library_history(section_id: Any = None) -> Any:
    """Delete every play of a library section (whatever its server): bool, or None for a non-numeric id."""
    return runtime.route(_OPS["delete_library_history"], section_id=section_id)
