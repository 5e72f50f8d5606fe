"""Pure rules both history twins follow when they write: metadata re-keying and history deletes.

Kept from Tautulli v2.17.2: ``update_metadata`` pairs old and new rating keys level by level and re-keys the
rows of each pair at the level Plex names for the new key (show/artist: grandparent; season/album: parent;
anything else: the item, whose metadata row is rewritten); rows already re-keyed at a level by this run (or,
without ``single_update``, by earlier runs of the process) are left alone. Deletes take ids as a list or a
comma string (a non-numeric id is 0), in chunks of 999.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from typing import Any, Final

import structlog

from plexpy.db.errors import TautulliDBError
from plexpy.db.retry import is_locked

__all__ = [
    "HISTORY_TABLES",
    "METADATA_NOT_UPDATED",
    "METADATA_UPDATED",
    "bindable",
    "chunks",
    "detail_values",
    "digit_key",
    "failed",
    "id_list",
    "key_level",
    "key_pairs",
    "remember_updated_ids",
    "row_ids",
    "table_name",
    "updated_ids",
]

log = structlog.get_logger(__name__)

#: The three history tables a delete empties, in Tautulli's order.
HISTORY_TABLES: Final = ("session_history", "session_history_media_info", "session_history_metadata")
METADATA_UPDATED: Final = "Updated metadata in database."
METADATA_NOT_UPDATED: Final = "Unable to update metadata in database. No changes were made."
#: SQLite's historical limit on bound variables, which Tautulli chunks deletes by.
CHUNK: Final = 999

_LEVELS: Final = ("grandparent_rating_key", "parent_rating_key", "rating_key")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DETAIL_FIELDS: Final = (
    "rating_key", "parent_rating_key", "grandparent_rating_key", "title", "parent_title", "grandparent_title",
    "original_title",
)
_DETAIL_ITEM_FIELDS: Final = (
    "media_index", "parent_media_index", "thumb", "parent_thumb", "grandparent_thumb", "art", "media_type", "year",
    "originally_available_at", "added_at", "updated_at", "last_viewed_at", "content_rating", "summary", "tagline",
    "rating", "duration", "guid",
)


def digit_key(value: Any) -> bool:
    """Tautulli's guard on user and section ids: ``str(value).isdigit()``."""
    return str(value).isdigit()


def failed(exc: BaseException, event: str, **fields: Any) -> None:
    """Log a write Tautulli answers False for; a locked database is raised instead, never passed over."""
    if isinstance(exc, TautulliDBError) and is_locked(exc):
        raise exc
    log.error(event, error=f"{type(exc).__name__}: {exc}", **fields)


# -- deletes --------------------------------------------------------------------------------------------------
def row_ids(value: Any) -> Any:
    """Ids as Tautulli takes them: a comma string becomes ints (a non-numeric id is 0), anything else is kept."""
    if value and isinstance(value, str):
        out = []
        for part in value.split(","):
            try:
                out.append(int(part))
            except ValueError:
                out.append(0)
        return out
    return value


def chunks(ids: Any) -> list[list[Any]]:
    """Ids in groups of 999 (SQLite's historical variable limit).

    Raises:
        TypeError: ``ids`` is not iterable (Tautulli then answers False).
    """
    items = list(ids)
    return [items[n:n + CHUNK] for n in range(0, len(items), CHUNK)]


def bindable(ids: Iterable[Any]) -> list[Any]:
    """The ids as a list, each one a value a statement can bind (None, a number, text or bytes).

    Raises:
        TypeError: ``ids`` is not iterable, or holds something no statement can bind (Tautulli answers False).
    """
    items = list(ids)
    for value in items:
        if value is not None and not isinstance(value, (int, float, str, bytes)):
            raise TypeError(f"cannot bind an id of type {type(value).__name__}")
    return items


def table_name(name: Any) -> str | None:
    """The table a delete names, if it can be one (an identifier); None otherwise (the delete then fails)."""
    return name if isinstance(name, str) and _IDENTIFIER.fullmatch(name) else None


# -- re-keying metadata ---------------------------------------------------------------------------------------
def key_pairs(old: Any, new: Any) -> dict[Any, Any]:
    """Old rating key → new rating key, for every entry of the old tree that the new tree also has.

    Raises:
        TypeError, KeyError: a tree entry that is not a ``{'rating_key': …}`` node (as Tautulli raises).
    """
    return key_pairs_of(old, new) if old and new else {}


def key_pairs_of(old: Mapping[Any, Any], new: Mapping[Any, Any]) -> dict[Any, Any]:
    """:func:`key_pairs` of two child trees (empty ones included)."""
    pairs: dict[Any, Any] = {}
    for key, node in old.items():
        if key in new:
            pairs[node["rating_key"]] = new[key]["rating_key"]
            if "children" in node:
                pairs.update(key_pairs_of(node["children"], new[key]["children"]))
    return pairs


def key_level(media_type: Any) -> str:
    """The history column that holds keys of this media type."""
    if media_type in ("show", "artist"):
        return _LEVELS[0]
    if media_type in ("season", "album"):
        return _LEVELS[1]
    return _LEVELS[2]


class _UpdatedIds:
    """Rows each level was re-keyed for (Tautulli's module-level ``_UPDATE_METADATA_IDS``), per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, frozenset[int]] = dict.fromkeys(_LEVELS, frozenset())

    def copy(self) -> dict[str, set[int]]:
        with self._lock:
            return {level: set(ids) for level, ids in self._ids.items()}

    def replace(self, ids: Mapping[str, Iterable[int]]) -> None:
        with self._lock:
            self._ids = {level: frozenset(ids.get(level, ())) for level in _LEVELS}


_UPDATED = _UpdatedIds()


def updated_ids(single_update: Any) -> dict[str, set[int]]:
    """The rows already re-keyed per level: none for a single update, else what earlier runs re-keyed."""
    return {level: set() for level in _LEVELS} if single_update else _UPDATED.copy()


def remember_updated_ids(ids: Mapping[str, Iterable[int]]) -> None:
    """Keep what this run re-keyed for the next run (called once the run's transaction committed)."""
    _UPDATED.replace(ids)


def id_list(ids: Any) -> list[int]:
    """``update_metadata_details``' ids: Tautulli joins them as text (so they must be strings), here checked as ints.

    Raises:
        TypeError: ids that are not strings (as Tautulli's join raises).
        ValueError: an id that is not a number (Tautulli would paste it into its SQL).
    """
    text = ",".join(ids)
    return [int(part) for part in text.split(",")] if text else []


def full_title(metadata: Mapping[str, Any]) -> Any:
    """The ``full_title`` Tautulli stores when it rewrites an item's metadata row."""
    if metadata["media_type"] == "episode":
        return f"{metadata['grandparent_title']} - {metadata['title']}"
    if metadata["media_type"] == "track":
        return f"{metadata['title']} - {metadata['original_title'] or metadata['grandparent_title']}"
    return metadata["title"]


def detail_values(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The ``session_history_metadata`` columns ``update_metadata_details`` rewrites, from Plex's metadata."""
    values = {name: metadata[name] for name in _DETAIL_FIELDS}
    values["full_title"] = full_title(metadata)
    values.update({name: metadata[name] for name in _DETAIL_ITEM_FIELDS})
    values.update(directors=";".join(metadata["directors"]), writers=";".join(metadata["writers"]),
                  actors=";".join(metadata["actors"]), genres=";".join(metadata["genres"]),
                  studio=metadata["studio"], labels=";".join(metadata["labels"]))
    return values
