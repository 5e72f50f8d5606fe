"""Pure rules both libraries twins follow when they write: argument checks and the rows a write stores.

Tautulli's upsert is update-then-insert keyed by whatever the caller names (trap 11): ``set_config`` is keyed
by ``section_id`` alone, so it changes that section on every server; a library refresh and the Live TV
library are keyed by ``(server_id, section_id)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import structlog

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.retry import is_locked

__all__ = [
    "DUPLICATES_DELETED",
    "HISTORY_TABLES",
    "LIVE_TV_SECTION_ID",
    "active_section_ids",
    "chunks",
    "config_values",
    "delete_server",
    "failed",
    "live_tv_row",
    "purges_history",
    "refreshed_section_row",
    "row_ids",
    "skips_live_tv",
    "undelete_target",
]

log = structlog.get_logger(__name__)

#: The made-up section id Tautulli gives the Live TV library.
LIVE_TV_SECTION_ID: Final = 999999
_LIVE_TV_SECTION_NAME: Final = "Live TV"
_DEFAULT_LIVE_TV_THUMB: Final = "interfaces/default/images/libraries/live.png"
_DEFAULT_LIVE_TV_ART_FULL: Final = "interfaces/default/images/art-live-full.png"

#: What ``delete_duplicate_libraries`` answers when the delete ran.
DUPLICATES_DELETED: Final = "Deleted duplicate libraries from the database."

#: The three history tables a library purge empties, in Tautulli's order.
HISTORY_TABLES: Final = ("session_history", "session_history_media_info", "session_history_metadata")


def failed(exc: TautulliDBError, event: str, **fields: Any) -> None:
    """Log a write Tautulli answers its default for; a locked database is raised instead, never passed over."""
    if is_locked(exc):
        raise exc
    log.warning(event, error=str(exc), **fields)


def _cast_to_int(value: Any) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


def row_ids(value: Any) -> list[int]:
    """Comma-separated row ids as ints, a non-numeric id as 0 (Tautulli's ``cast_to_int``).

    Raises:
        AttributeError: for a value that is not a string, as Tautulli's ``row_ids.split(',')`` does.
    """
    if not isinstance(value, str):
        raise AttributeError(f"'{type(value).__name__}' object has no attribute 'split'")
    return [_cast_to_int(part) for part in value.split(",")]


def chunks(ids: list[Any], size: int = 999) -> list[list[Any]]:
    """Id lists no longer than SQLite's historical variable limit."""
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def config_values(custom_thumb: Any, custom_art: Any, do_notify: Any, do_notify_created: Any,
                  keep_history: Any) -> dict[str, Any]:
    """The ``library_sections`` columns ``set_config`` stores."""
    return {"custom_thumb_url": custom_thumb, "custom_art_url": custom_art, "do_notify": do_notify,
            "do_notify_created": do_notify_created, "keep_history": keep_history}


def delete_server(server_id: Any) -> Any:
    """The server a delete names: the given one, else the configured Plex server."""
    return server_id or context.config("PMS_IDENTIFIER")


def purges_history(server_id: Any) -> bool:
    """Whether deleting a library of ``server_id`` purges its history (only for the configured server)."""
    if server_id == context.config("PMS_IDENTIFIER"):
        return True
    log.warning("libraries.history_kept_other_server")
    return False


def undelete_target(section_id: Any, section_name: Any) -> tuple[str, Any] | None:
    """``(column, value)`` an undelete matches, or None when Tautulli answers None.

    A section id must be a digit string; any other truthy non-string id fails on ``str.isdigit`` inside
    Tautulli's ``try`` and the answer is None. A non-digit string falls through to the name.
    """
    if section_id:
        if not isinstance(section_id, str):
            return None
        if section_id.isdigit():
            return "section_id", section_id
    if section_name:
        return "section_name", section_name
    return None


def skips_live_tv(exists: bool, refresh: Any) -> bool:
    """Tautulli's guard: add the Live TV library only when missing, refresh it only when present."""
    return bool((exists and not refresh) or (not exists and refresh))


def live_tv_row(server_id: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(keys, values)`` of the Live TV library on ``server_id``."""
    keys = {"server_id": server_id, "section_id": LIVE_TV_SECTION_ID}
    values = {**keys, "section_name": _LIVE_TV_SECTION_NAME, "section_type": "live",
              "thumb": _DEFAULT_LIVE_TV_THUMB, "art": _DEFAULT_LIVE_TV_ART_FULL, "is_active": 1}
    return keys, values


def refreshed_section_row(server_id: Any, section: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(keys, values)`` of one library a refresh read from the server (Plex's text, as Tautulli stores it)."""
    keys = {"server_id": server_id, "section_id": section["section_id"]}
    values = {
        **keys, "section_name": section["section_name"], "section_type": section["section_type"],
        "agent": section["agent"], "thumb": section["thumb"], "art": section["art"], "count": section["count"],
        "parent_count": section.get("parent_count"), "child_count": section.get("child_count"),
        "is_active": section["is_active"],
    }
    return keys, values


def active_section_ids(sections: Iterable[Mapping[str, Any]]) -> list[int]:
    """The section ids a refresh keeps active: Live TV, then every section the server listed."""
    return [LIVE_TV_SECTION_ID, *(_cast_to_int(s["section_id"]) for s in sections)]
