"""Pure functions both lookups twins call: argument rules and row → Tautulli dict.

Everything that is not data access lives here once, so the shim compares queries and the oracle judges this.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import structlog

from plexpy import context
from plexpy.db.errors import TautulliDBError
from plexpy.db.retry import is_locked

__all__ = [
    "CACHE_SERVICES",
    "HASH_COLUMNS",
    "IMAGE_FILTERS",
    "RECENTLY_ADDED_COLUMNS",
    "SERVICES",
    "ImageQuery",
    "failed",
    "image_query",
    "lookup_info",
    "lookup_key",
    "poster_info",
    "poster_key",
    "poster_service",
    "recently_added_row",
    "themoviedb_media_type",
]

log = structlog.get_logger(__name__)

#: The image attributes ``get_img_info`` may filter on, in Tautulli's order (columns of image_hash_lookup).
IMAGE_FILTERS: Final = ("img", "rating_key", "width", "height", "opacity", "background", "blur", "fallback")

#: Every column of ``image_hash_lookup`` (``SELECT *``), in table order.
HASH_COLUMNS: Final = ("id", "img_hash", *IMAGE_FILTERS)

#: Every column of ``recently_added`` (``SELECT *``), in table order.
RECENTLY_ADDED_COLUMNS: Final = (
    "id", "added_at", "pms_identifier", "section_id", "rating_key", "parent_rating_key", "grandparent_rating_key",
    "media_type", "media_info",
)

#: Image hosting services: the lookup table and its title and URL columns.
SERVICES: Final = {
    "imgur": ("imgur_lookup", ("id", "img_hash", "imgur_title", "imgur_url", "delete_hash")),
    "cloudinary": ("cloudinary_lookup", ("id", "img_hash", "cloudinary_title", "cloudinary_url")),
}

_RESULT_COLUMNS: Final = ("img_title", "img_url")

#: Metadata caches ``delete_lookup_info`` empties, in the order Tautulli deletes an item from them.
CACHE_SERVICES: Final = ("themoviedb", "tvmaze", "musicbrainz")


@dataclass(frozen=True, slots=True)
class ImageQuery:
    """A ``get_img_info`` request resolved against the service's tables: safe to render on either path.

    ``order`` is ``(table, column)`` (table ``""`` for a result column) or None; ``filters`` are
    ``(column, value)`` pairs on image_hash_lookup.
    """

    service: str
    table: str
    filters: tuple[tuple[str, Any], ...]
    order: tuple[str, str] | None


def _order_term(order_by: Any, table: str, columns: tuple[str, ...]) -> tuple[str, str] | None:
    """The ORDER BY term ``order_by`` names, as SQLite resolves it; None when SQLite would refuse it."""
    text = str(order_by).strip()
    if text.isascii() and text.isdigit():
        position = int(text)
        return ("", _RESULT_COLUMNS[position - 1]) if 1 <= position <= len(_RESULT_COLUMNS) else None
    qualifier, _, name = text.lower().rpartition(".")
    tables = {table: columns, "image_hash_lookup": HASH_COLUMNS}
    if not qualifier:
        if name in _RESULT_COLUMNS:
            return "", name
        owners = [t for t, cols in tables.items() if name in cols]
        return (owners[0], name) if len(owners) == 1 else None  # unknown or ambiguous (id, img_hash)
    if qualifier in tables and name in tables[qualifier]:
        return qualifier, name
    return None


def image_query(service: Any, order_by: Any, **attributes: Any) -> ImageQuery | None:
    """Resolve ``get_img_info``'s arguments; None when Tautulli answers ``[]`` (no service, or a bad order)."""
    if service not in SERVICES:
        return None
    table, columns = SERVICES[service]
    order = None
    if order_by:
        order = _order_term(order_by, table, columns)
        if order is None:
            return None
    filters = tuple((name, attributes[name]) for name in IMAGE_FILTERS if attributes.get(name) is not None)
    return ImageQuery(service=service, table=table, filters=filters, order=order)


def poster_service(service: Any) -> Any:
    """The hosting service asked for, else the configured one (``NOTIFY_UPLOAD_POSTERS``)."""
    if service:
        return service
    return {1: "imgur", 3: "cloudinary"}.get(context.config("NOTIFY_UPLOAD_POSTERS"))


def poster_key(rating_key: Any, metadata: Any) -> Any:
    """The rating key whose poster stands for an item (the season's for an episode, the album's for a track)."""
    if str(rating_key).isdigit():
        return rating_key
    if metadata:
        if metadata["media_type"] in ("movie", "show", "artist", "collection", "season", "album"):
            return metadata["rating_key"]
        if metadata["media_type"] in ("episode", "track"):
            return metadata["parent_rating_key"]
    return ""


def poster_info(service: str, images: list[Mapping[str, Any]]) -> dict[str, Any]:
    """``get_poster_info``'s answer from the images found (largest first)."""
    if not images:
        return {}
    return {"poster_title": images[0]["img_title"], "poster_url": images[0]["img_url"],
            "img_service": service.capitalize()}


def lookup_key(rating_key: Any, metadata: Any) -> Any:
    """The rating key the id caches are keyed by (the show's for a season or an episode)."""
    if str(rating_key).isdigit():
        return rating_key
    if metadata:
        if metadata["media_type"] in ("movie", "show", "artist", "album", "track"):
            return metadata["rating_key"]
        if metadata["media_type"] == "season":
            return metadata["parent_rating_key"]
        if metadata["media_type"] == "episode":
            return metadata["grandparent_rating_key"]
    return ""


def lookup_info(tvmaze: Mapping[str, Any] | None, themoviedb: Mapping[str, Any] | None,
                musicbrainz: Mapping[str, Any] | None) -> dict[str, Any]:
    """``get_lookup_info``'s answer: always the misspelt ``musizbrainz_id``; ``musicbrainz_id`` only when found."""
    info: dict[str, Any] = {"tvmaze_id": "", "themoviedb_id": "", "musizbrainz_id": ""}
    if tvmaze:
        info["tvmaze_id"] = tvmaze["tvmaze_id"]
    if themoviedb:
        info["themoviedb_id"] = themoviedb["themoviedb_id"]
    if musicbrainz:
        info["musicbrainz_id"] = musicbrainz["musicbrainz_id"]
    return info


def themoviedb_media_type(media_type: Any) -> Any:
    """TheMovieDB's media type: ``tv`` for shows, seasons and episodes."""
    return "tv" if media_type in ("show", "season", "episode") else media_type


def recently_added_row(metadata: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(keys, values) of the ``recently_added`` upsert for an item's metadata (keyed by its rating key).

    Raises:
        KeyError: the metadata lacks a field (Plex gave nothing, or the item is a playlist).
    """
    keys = {"rating_key": metadata["rating_key"]}
    values = {"added_at": metadata["added_at"], "section_id": metadata["section_id"],
              "parent_rating_key": metadata["parent_rating_key"],
              "grandparent_rating_key": metadata["grandparent_rating_key"], "media_type": metadata["media_type"],
              "media_info": json.dumps(metadata["media_info"])}
    return keys, values


def failed(exc: TautulliDBError, event: str, **fields: Any) -> None:
    """Log a write Tautulli answers ``False`` for; a locked database is raised instead, never passed over."""
    if is_locked(exc):
        raise exc
    log.warning(event, error=str(exc), **fields)
