"""The store half of Tautulli's user refresh on raw sqlite3 (the control path), in one transaction."""

from __future__ import annotations

from typing import Any

from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.users import refresh

__all__ = ["store"]

_AVATAR = "SELECT thumb, custom_avatar_url FROM users WHERE user_id = ?"
_SECTIONS = "SELECT section_id FROM library_sections WHERE deleted_section = 0"
_DEACTIVATE = "UPDATE users SET is_active = 0 WHERE user_id NOT IN ({marks})"


def store(db: SqliteExecutor, users: Any) -> bool | None:
    """Upsert every refreshed user by ``user_id``, then mark every user not shared with inactive."""
    refused = refresh.store_refusal(users)
    if refused is not True:
        return refused
    active = [0]  # the built-in Local user always counts as active
    with db.transaction():
        for item in users:
            avatar = db.select(_AVATAR, [item.get("user_id")]) if item.get("user_id") else []
            sections = None
            if not item.get("shared_libraries") and item.get("server_token"):
                sections = [row["section_id"] for row in db.select(_SECTIONS)]
            user_id, values, counted = refresh.refreshed_row(item, avatar[0] if avatar else None, sections)
            if counted:
                active.append(refresh.active_user_id(user_id))
            db.upsert("users", values, {"user_id": user_id})
        db.action(_DEACTIVATE.format(marks=", ".join("?" * len(active))), active)
    return True
