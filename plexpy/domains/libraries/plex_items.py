"""The Plex half of the libraries domain: a server's libraries and a library's items, read from PMS XML.

Requests go through :func:`plexpy.context.plex` (offline by default; a replay serves the recorded answers).
Answers are read the way Tautulli's ``pmsconnect`` reads them: only a 200/201 answer with parseable XML
counts, a missing attribute reads as ``''``, and items are taken as directories (those with a rating key),
then videos, tracks and photos, each in document order.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import structlog

from plexpy import context
from plexpy.plex import get_xml as _get_xml

__all__ = ["get_xml", "library_children", "server_libraries"]

log = structlog.get_logger(__name__)

_PAGE_SIZE = 100

#: Library or item type → the ``type`` filter Plex's ``/all`` listing takes.
_SORT_TYPES = {
    "movie": "&type=1", "show": "&type=2", "season": "&type=3", "episode": "&type=4", "artist": "&type=8",
    "album": "&type=9", "track": "&type=10", "photo": "", "photo_album": "&type=14",
    "picture": "&type=13&clusterZoomLevel=1", "clip": "&type=12&clusterZoomLevel=1",
}


def get_xml(path: str) -> ET.Element | None:
    """The parsed 200/201 answer for ``path``, or None (unreachable, another status, empty or unparseable)."""
    return _get_xml(context.plex(), path, statuses=(200, 201), unreachable_event="libraries.plex_unreachable")


def _attr(element: ET.Element, name: str) -> str:
    return element.get(name) or ""


def _fetch_library_list(section_id: Any, sort_type: str, count: str = "") -> list[ET.Element]:
    """Every MediaContainer of a library's ``/all`` listing, page by page (one page when ``count`` is set)."""
    heads: list[ET.Element] = []
    start = 0
    size = int(count) if count else _PAGE_SIZE
    while True:
        root = get_xml(f"/library/sections/{section_id}/all?X-Plex-Container-Start={start}"
                       f"&X-Plex-Container-Size={size}{sort_type}")
        try:
            page = list(root.iter("MediaContainer"))  # type: ignore[union-attr]
            total = int(_attr(page[0], "totalSize"))
        except (AttributeError, IndexError, ValueError):
            return heads
        heads.extend(page)
        start += size
        if count or start >= total:
            return heads


def _media_info(media: ET.Element) -> dict[str, Any]:
    parts = list(media.iter("Part"))
    if not parts:
        raise IndexError("list index out of range")  # as Tautulli fails on media without a part
    part = parts[0]
    return {
        "container": _attr(media, "container"), "bitrate": _attr(media, "bitrate"),
        "video_codec": _attr(media, "videoCodec"), "video_resolution": _attr(media, "videoResolution").lower(),
        "video_framerate": _attr(media, "videoFrameRate"), "audio_codec": _attr(media, "audioCodec"),
        "audio_channels": _attr(media, "audioChannels"), "file": _attr(part, "file"),
        "file_size": _attr(part, "size"),
    }


def _item(head: ET.Element, item: ET.Element, get_media_info: bool) -> dict[str, Any]:
    media_type = _attr(item, "type")
    if item.tag == "Directory" and media_type == "photo":
        media_type = "photo_album"
    info = {
        "section_id": _attr(head, "librarySectionID"), "media_type": media_type,
        "rating_key": _attr(item, "ratingKey"), "parent_rating_key": _attr(item, "parentRatingKey"),
        "grandparent_rating_key": _attr(item, "grandparentRatingKey"), "title": _attr(item, "title"),
        "parent_title": _attr(item, "parentTitle"), "grandparent_title": _attr(item, "grandparentTitle"),
        "original_title": _attr(item, "originalTitle"), "sort_title": _attr(item, "titleSort"),
        "media_index": _attr(item, "index"), "parent_media_index": _attr(item, "parentIndex"),
        "year": _attr(item, "year"), "thumb": _attr(item, "thumb"), "parent_thumb": _attr(item, "thumb"),
        "grandparent_thumb": _attr(item, "grandparentThumb"), "added_at": _attr(item, "addedAt"),
    }
    if get_media_info:
        for media in item.iter("Media"):
            info.update(_media_info(media))
    return info


def library_children(section_id: Any = "", section_type: Any = "", rating_key: Any = "", count: str = "",
                     get_media_info: bool = False) -> dict[str, Any] | list[Any]:
    """A library's (or an item's) children: ``{'library_count', 'children_list'}``, or ``[]`` when unreadable.

    Args:
        section_id: the library, listed through ``/library/sections/<id>/all``.
        section_type: the library or item type, which picks the listing's ``type`` filter.
        rating_key: an item whose children to list instead (albums: an artist's albums).
        count: list only this many (the size counts of a library refresh).
        get_media_info: add container, codecs, resolution and file of each item's media.
    """
    sort_type = _SORT_TYPES.get(section_type, "")
    if str(rating_key).isdigit() and section_type != "album":
        root = get_xml(f"/library/metadata/{rating_key}/children")
        if root is None:
            return []
        heads = list(root.iter("MediaContainer"))
    elif str(section_id).isdigit() or section_type == "album":
        if section_type == "album" and rating_key:
            sort_type += f"&artist.id={rating_key}"
        heads = _fetch_library_list(section_id, sort_type, count)
    else:
        return []
    library_count = "0"
    children: list[dict[str, Any]] = []
    for head in heads:
        if _attr(head, "size") == "0":
            return {"library_count": "0", "children_list": []}
        library_count = _attr(heads[0], "size" if rating_key else "totalSize")
        items = [d for d in head.iter("Directory") if _attr(d, "ratingKey")]
        for tag in ("Video", "Track", "Photo"):
            items.extend(head.iter(tag))
        children.extend(_item(head, item, get_media_info) for item in items)
    return {"library_count": library_count, "children_list": children}


def server_libraries() -> list[dict[str, Any]]:
    """The server's libraries with their item counts (what a library refresh stores); ``[]`` when unreadable."""
    root = get_xml("/library/sections")
    if root is None:
        return []
    heads = list(root.iter("MediaContainer"))
    if not heads or _attr(heads[0], "size") == "0":
        return []
    libraries = []
    for head in heads:
        for directory in head.iter("Directory"):
            section_id, section_type = _attr(directory, "key"), _attr(directory, "type")
            listing = library_children(section_id=section_id, section_type=section_type, count="1")
            if not listing:
                continue
            stats = {
                "section_id": section_id, "section_name": _attr(directory, "title"), "section_type": section_type,
                "agent": _attr(directory, "agent"), "thumb": _attr(directory, "thumb"),
                "art": _attr(directory, "art"), "count": listing["library_count"], "is_active": 1,  # type: ignore[call-overload]
            }
            parent_type, child_type = {"show": ("season", "episode"), "artist": ("album", "track"),
                                       "photo": ("picture", "clip")}.get(section_type, (None, None))
            if parent_type:
                for key, kind in (("parent_count", parent_type), ("child_count", child_type)):
                    counted = library_children(section_id=section_id, section_type=kind, count="1")
                    if counted:
                        stats[key] = counted["library_count"]  # type: ignore[call-overload]
            libraries.append(stats)
    return libraries
