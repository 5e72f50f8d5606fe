"""What a logged-in guest may see: shared libraries, library filters and masking, as pure functions.

Tautulli reads these from the database through ``Users().get_details``/``get_filters`` inside its session
helpers; here each twin reads the guest's ``users`` row itself (``shared_libraries`` and the five
``filter_*`` columns) and hands it to :func:`guest_scope`, so the rules below are shared and driver-free.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from plexpy import common, context

__all__ = [
    "FILTER_COLUMNS",
    "GuestScope",
    "allow_session_library",
    "filter_session_info",
    "guest_scope",
    "library_filters",
    "mask_session_info",
    "passes_library_filters",
    "shared_library_ids",
]

#: The ``users`` columns that hold a guest's library filters, in Tautulli's order.
FILTER_COLUMNS: tuple[str, ...] = ("filter_all", "filter_movies", "filter_tv", "filter_music", "filter_photos")

_USER_MASK: Mapping[str, Any] = {
    "user_id": "", "user": "Plex User", "username": "Plex User", "email": "", "friendly_name": "Plex User",
    "user_thumb": common.DEFAULT_USER_THUMB, "ip_address": "N/A", "ip_address_public": "N/A", "machine_id": "",
    "player": "Player",
}

_METADATA_MASK: Mapping[str, Any] = {
    "actors": [], "art": common.DEFAULT_ART, "bif_thumb": "", "content_rating": "", "directors": [],
    "edition_title": "", "file": "", "full_title": "Plex Media", "genres": [], "grandparent_guid": "",
    "grandparent_guids": [], "grandparent_rating_key": "", "grandparent_thumb": common.DEFAULT_POSTER_THUMB,
    "grandparent_title": "Plex Media", "grandparent_year": "", "guid": "", "guids": [], "labels": [],
    "library_name": "", "media_index": "0", "original_title": "Plex Media", "originally_available_at": "",
    "parent_guid": "", "parent_guids": [], "parent_media_index": "0", "parent_rating_key": "",
    "parent_thumb": common.DEFAULT_POSTER_THUMB, "parent_title": "Plex Media", "parent_year": "",
    "rating_key": "", "section_id": "", "shared_libraries": [], "sort_title": "Plex Media", "studio": "",
    "summary": "", "tagline": "", "thumb": common.DEFAULT_POSTER_THUMB, "title": "Plex Media", "writers": [],
    "year": "", "last_played": "Plex Media",
}

_FILTER_BY_MEDIA_TYPE: Mapping[str, str] = {
    "movie": "filter_movies",
    "show": "filter_tv", "season": "filter_tv", "episode": "filter_tv",
    "artist": "filter_music", "album": "filter_music", "track": "filter_music",
    "photo": "filter_photos", "photo_album": "filter_photos", "picture": "filter_photos", "clip": "filter_photos",
}


@dataclass(frozen=True, slots=True)
class GuestScope:
    """A guest's identity, shared library ids (as strings) and parsed library filters."""

    user_id: str
    user: str | None
    library_ids: tuple[str, ...] = ()
    filters: Mapping[str, Any] = field(default_factory=dict)


def shared_library_ids(value: Any) -> tuple[str, ...]:
    """``users.shared_libraries`` (``;``-joined ids) as a tuple of strings; empty when unset."""
    return tuple(str(s) for s in value.split(";")) if value else ()


def library_filters(row: Mapping[str, Any]) -> dict[str, Any]:
    """Parse each ``filter_*`` value (``contentRating=…|label=…``) into content ratings and labels.

    A NULL filter column raises ``AttributeError`` exactly where Tautulli's parser does.
    """
    parsed: dict[str, Any] = {}
    for key, value in row.items():
        found: dict[str, Any] = {}
        for part in value.split("|"):
            if "contentRating=" in part or "label=" in part:
                found.update(dict(parse_qsl(part)))
        found["content_rating"] = tuple(f for f in found.pop("contentRating", "").split(",") if f)
        found["labels"] = tuple(f for f in found.pop("label", "").split(",") if f)
        parsed[key] = found
    return parsed


def guest_scope(user_row: Mapping[str, Any] | None) -> GuestScope | None:
    """The calling guest's scope from their ``users`` row (None for the admin).

    Args:
        user_row: ``shared_libraries`` plus the :data:`FILTER_COLUMNS` of the guest's row, or None/``{}``
            when the guest is not in ``users`` (no shared libraries, no filters).
    """
    guest_id = context.get_session_user_id()
    if not guest_id:
        return None
    row = dict(user_row or {})
    libraries = shared_library_ids(row.pop("shared_libraries", None))
    filters = library_filters({k: row[k] for k in FILTER_COLUMNS if k in row})
    return GuestScope(user_id=guest_id, user=context.get_session_user(), library_ids=libraries, filters=filters)


def _filters_for(filters: Mapping[str, Any], media_type: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    chosen = filters.get(_FILTER_BY_MEDIA_TYPE.get(media_type, "filter_all"), ())
    return chosen.get("content_rating", ()), tuple(f.lower() for f in chosen.get("labels", ()))


def passes_library_filters(item: Mapping[str, Any], filters: Mapping[str, Any]) -> bool:
    """Whether an item's content rating or labels satisfy the guest's filters for its media type."""
    ratings, labels = _filters_for(filters, item["media_type"])
    if not ratings and not labels:
        return True
    item_labels = {f.lower() for f in item.get("labels", ())}
    if ratings and item.get("content_rating", "") in ratings:
        return True
    return bool(labels and item_labels.intersection(labels))


def _rename_to_guest(rows: Iterable[dict[str, Any]], guest: GuestScope) -> None:
    for row in rows:
        if "friendly_name" in row and row["friendly_name"] != guest.user:
            row["friendly_name"] = guest.user


def mask_session_info(rows: list[dict[str, Any]], guest: GuestScope | None,
                      mask_metadata: bool = True) -> list[dict[str, Any]]:
    """Hide other users and items outside the guest's libraries or filters (in place, like Tautulli).

    Rows of other users get placeholder user fields; rows outside the guest's shared libraries, or failing
    the library filters of their media type, get placeholder metadata. The admin (``guest`` None) sees all.
    """
    if guest is None:
        return rows
    _rename_to_guest(rows, guest)
    for row in rows:
        if not (str(row.get("user_id")) == guest.user_id or row.get("user") == guest.user):
            for key, value in _USER_MASK.items():
                if key in row:
                    row[key] = value
        if not mask_metadata:
            continue
        if str(row.get("section_id", "")) not in guest.library_ids:
            _mask_metadata(row)
            continue
        if row.get("media_type") and not passes_library_filters(row, guest.filters):
            _mask_metadata(row)
    return rows


def _mask_metadata(row: dict[str, Any]) -> None:
    for key, value in _METADATA_MASK.items():
        if key in row:
            row[key] = list(value) if isinstance(value, list) else value


def allow_session_library(section_id: Any, guest: GuestScope | None) -> bool:
    """False when a guest with shared libraries asks about a library outside them (the admin sees all)."""
    return not (guest is not None and guest.library_ids and str(section_id) not in guest.library_ids)


def filter_session_info(rows: list[dict[str, Any]], guest: GuestScope | None,
                        filter_key: str | None = None) -> list[dict[str, Any]]:
    """Keep only what a guest may see (Tautulli's ``filter_session_info``); the admin sees every row.

    ``filter_key='user_id'`` keeps the guest's own rows; ``'section_id'`` keeps rows of the guest's shared
    libraries that pass the library filters of their media type, but only when the guest has shared libraries
    at all. Friendly names are replaced by the guest's name first, in place.
    """
    if guest is None:
        return rows
    _rename_to_guest(rows, guest)
    if filter_key == "user_id":
        return [row for row in rows if str(row.get("user_id", "")) == guest.user_id]
    if filter_key == "section_id" and guest.library_ids:
        return [
            row for row in rows
            if str(row.get("section_id", "")) in guest.library_ids
            and (not row.get("media_type") or passes_library_filters(row, guest.filters))
        ]
    return rows
