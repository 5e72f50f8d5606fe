"""An item's metadata from Plex, read the way Tautulli v2.17.2's ``get_metadata_details`` reads it.

This is the network half of the history writers (``write_session_history``, ``update_metadata``): the facades
fetch it once through ``context.plex()`` and hand the result to the routed write, so both twins of a shadowed
write see the same answer and Plex is asked once. Parsed with the standard library.

Rules kept: only a 200/201 answer with parseable XML counts (else ``{}``); ``size="0"`` gives ``{}``; the item
is the first ``Directory``, ``Video``, ``Track``, ``Photo`` or ``Playlist`` of the answer; a missing attribute
reads as ``''``; a season fetches its show, an episode its show and season, an album its artist, a track its
album and a photo its album (their values fill the item's); a live item gets Live TV's section and its channel
from the DVR's program guide. Not reproduced: the plex.tv metadata provider (another host; treated as
unreachable) and the library name lookup (never written to the database).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote_plus
from xml.etree import ElementTree as ET

import structlog

from plexpy import context
from plexpy.plex import first_item, get_xml

__all__ = ["LIVE_TV_SECTION_ID", "metadata_details"]

log = structlog.get_logger(__name__)

LIVE_TV_SECTION_ID: Final = 999999
_ITEM_TAGS: Final = ("Directory", "Video", "Track", "Photo", "Playlist")
_RESOLUTIONS: Final = {"sd": "SD", "2k": "2k", "4k": "4k"}
_CHANNEL_LAYOUTS: Final = {"1": "Mono", "2": "Stereo", "3": "2.1", "4": "3.1", "6": "5.1", "7": "6.1", "8": "7.1"}
#: Item fields read straight from the element's attributes: key → attribute.
_ATTRIBUTES: Final = (
    ("rating_key", "ratingKey"), ("parent_rating_key", "parentRatingKey"),
    ("grandparent_rating_key", "grandparentRatingKey"), ("title", "title"), ("parent_title", "parentTitle"),
    ("grandparent_title", "grandparentTitle"), ("original_title", "originalTitle"), ("sort_title", "titleSort"),
    ("edition_title", "editionTitle"), ("media_index", "index"), ("parent_media_index", "parentIndex"),
    ("studio", "studio"), ("content_rating", "contentRating"), ("summary", "summary"), ("tagline", "tagline"),
    ("rating", "rating"), ("user_rating", "userRating"), ("duration", "duration"), ("year", "year"),
    ("parent_year", "parentYear"), ("grandparent_year", "grandparentYear"), ("thumb", "thumb"),
    ("parent_thumb", "parentThumb"), ("grandparent_thumb", "grandparentThumb"), ("art", "art"),
    ("banner", "banner"), ("originally_available_at", "originallyAvailableAt"), ("added_at", "addedAt"),
    ("updated_at", "updatedAt"), ("last_viewed_at", "lastViewedAt"), ("guid", "guid"),
    ("parent_guid", "parentGuid"), ("grandparent_guid", "grandparentGuid"),
)
_TAGS: Final = (("directors", "Director"), ("writers", "Writer"), ("actors", "Role"), ("genres", "Genre"),
                ("labels", "Label"), ("collections", "Collection"))
_PLAYLIST_KEYS: Final = ("rating_key", "guid", "title", "summary", "duration", "added_at", "updated_at",
                         "last_viewed_at")


def _attr(element: ET.Element, name: str) -> str:
    return element.get(name) or ""


def _int(value: Any) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


def _fetch(path: str) -> ET.Element | None:
    return get_xml(context.plex(), path, statuses=(200, 201), unreachable_event="activity.plex_unreachable")


def _pick(root: ET.Element) -> tuple[ET.Element, str] | None:
    """(the item, its section id), or None when the answer holds no item (see :func:`plexpy.plex.first_item`)."""
    return first_item(root, _ITEM_TAGS)


def _markers(item: ET.Element) -> list[dict[str, Any]]:
    markers, first = [], None
    for marker in item.iter("Marker"):
        kind = _attr(marker, "type")
        if kind == "credits":
            first = first is None
        final = _attr(marker, "final").lower() in ("1", "true", "t", "yes", "y", "on")
        markers.append({"id": _int(_attr(marker, "id")), "type": kind,
                        "start_time_offset": _int(_attr(marker, "startTimeOffset")),
                        "end_time_offset": _int(_attr(marker, "endTimeOffset")),
                        "first": first if kind == "credits" else None, "final": final if kind == "credits" else None})
    return markers


def _base(item: ET.Element, media_type: str, section_id: str) -> dict[str, Any]:
    details: dict[str, Any] = {"media_type": media_type, "section_id": section_id}
    details.update({key: _attr(item, attr) for key, attr in _ATTRIBUTES})
    details.update({key: [_attr(t, "tag") for t in item.iter(tag) if t is not item] for key, tag in _TAGS})
    details.update(guids=[_attr(g, "id") for g in item.iter("Guid") if g is not item], markers=_markers(item),
                   parent_guids=[], grandparent_guids=[], full_title=_attr(item, "title"),
                   children_count=_int(_attr(item, "leafCount")), live=int(_attr(item, "live") == "1"))
    return details


def _children_key(show_key: str, season_index: str) -> str:
    """The key of the show's child with this index (from the show's children), or ``''``."""
    root = _fetch(f"/library/metadata/{show_key}/children")
    for container in root.iter("MediaContainer") if root is not None else ():
        if container.get("size") == "0":
            return ""
        for child in container:
            if child.tag in _ITEM_TAGS[:4] and _attr(child, "index") == season_index:
                return _attr(child, "ratingKey")
    return ""


def _season(details: dict[str, Any], epg_key: str) -> None:
    show_key, show_guid = details["parent_rating_key"], details["parent_guid"]
    show: dict[str, Any] = {}
    if epg_key and show_guid:
        show = metadata_details(epg_key=f"{epg_key.rsplit('/', 1)[0]}/{quote_plus(show_guid)}")
    elif not epg_key and show_key:
        show = metadata_details(show_key)
    details.update(studio=show.get("studio", ""), content_rating=show.get("content_rating", ""),
                   summary=details["summary"] or show.get("summary", ""), duration=show.get("duration", ""),
                   parent_year=show.get("year", ""), parent_thumb=details["parent_thumb"] or show.get("thumb"),
                   banner=show.get("banner", ""), parent_guids=show.get("guids", []),
                   full_title=f"{details['parent_title']} - {details['title']}")
    details.update({key: show.get(key, []) for key, _tag in _TAGS})


def _episode(details: dict[str, Any], epg_key: str) -> None:
    show_key, show_guid = details["grandparent_rating_key"], details["grandparent_guid"]
    show: dict[str, Any] = {}
    if epg_key and show_guid:
        show = metadata_details(epg_key=f"{epg_key.rsplit('/', 1)[0]}/{quote_plus(show_guid)}")
    elif show_key:
        show = metadata_details(show_key)
    season_key = details["parent_rating_key"]
    season = metadata_details(season_key) if season_key else {}
    if not epg_key and not season_key:
        if details["parent_thumb"].startswith("/library/metadata/"):
            season_key = details["parent_thumb"].split("/")[3]
        if not season_key and show_key:
            season_key = _children_key(show_key, details["parent_media_index"])
    details.update(parent_rating_key=season_key, studio=show.get("studio", ""), parent_year=season.get("year", ""),
                   grandparent_year=show.get("year", ""), parent_thumb=details["parent_thumb"] or show.get("thumb"),
                   banner=show.get("banner", ""), actors=show.get("actors", []), genres=show.get("genres", []),
                   labels=show.get("labels", []), collections=show.get("collections", []),
                   parent_guids=season.get("guids", []), grandparent_guids=show.get("guids", []),
                   full_title=f"{details['grandparent_title']} - {details['title']}")


def _with_parent(details: dict[str, Any], media_type: str, library_name: str) -> None:
    parent_key = details["parent_rating_key"]
    parent = metadata_details(parent_key) if parent_key else {}
    if media_type == "album":
        details.update(summary=details["summary"] or parent.get("summary", ""), banner=parent.get("banner", ""),
                       parent_guids=parent.get("guids", []),
                       full_title=f"{details['parent_title']} - {details['title']}")
        return
    details.update(banner=parent.get("banner", ""), genres=parent.get("genres", []), labels=parent.get("labels", []),
                   collections=parent.get("collections", []), parent_guids=parent.get("guids", []))
    if media_type == "track":
        artist = details["original_title"] or details["grandparent_title"]
        details.update(year=parent.get("year", ""), grandparent_guids=parent.get("parent_guids", []),
                       full_title=f"{details['title']} - {artist}")
    else:  # a photo
        details.update(guids=[], full_title=f"{details['parent_title'] or library_name} - {details['title']}")


def _media(media: ET.Element) -> dict[str, Any]:
    scan_type = ""
    for stream in media.iter("Stream"):
        if _attr(stream, "streamType") == "1":
            scan_type = scan_type or _attr(stream, "scanType")
    resolution = _attr(media, "videoResolution").lower().rstrip("ip")
    channels = _attr(media, "audioChannels")
    return {
        "id": _attr(media, "id"), "container": _attr(media, "container"), "bitrate": _attr(media, "bitrate"),
        "height": _attr(media, "height"), "width": _attr(media, "width"), "aspect_ratio": _attr(media, "aspectRatio"),
        "video_codec": _attr(media, "videoCodec"), "video_resolution": resolution,
        "video_full_resolution": _RESOLUTIONS.get(resolution, resolution + (scan_type[:1] or "p")),
        "video_framerate": _attr(media, "videoFrameRate"), "video_profile": _attr(media, "videoProfile"),
        "audio_codec": _attr(media, "audioCodec"), "audio_channels": channels,
        "audio_channel_layout": _CHANNEL_LAYOUTS.get(channels, channels),
        "audio_profile": _attr(media, "audioProfile"), "optimized_version": int(_attr(media, "proxyType") == "42"),
        "channel_call_sign": _attr(media, "channelCallSign"), "channel_id": _attr(media, "channelID"),
        "channel_identifier": _attr(media, "channelIdentifier"), "channel_title": _attr(media, "channelTitle"),
        "channel_thumb": _attr(media, "channelThumb"), "channel_vcn": _attr(media, "channelVcn"),
        "protocol": _attr(media, "protocol"), "begins_at": _int(_attr(media, "beginsAt")),
        "ends_at": _int(_attr(media, "endsAt")),
    }


def _guide(details: dict[str, Any]) -> dict[str, Any] | None:
    """The DVR program guide's entry for a live item (first DVR that knows it), or None.

    Raises:
        UnboundLocalError: the server's DVR list cannot be read (Tautulli reads a variable it never set).
    """
    root = _fetch("/livetv/dvrs")
    if root is None:
        raise UnboundLocalError("cannot access local variable 'xml_head' where it is not associated with a value")
    for dvr in (d for container in root.iter("MediaContainer") for d in container.iter("Dvr")):
        guide = metadata_details(epg_key=f"/{_attr(dvr, 'epgIdentifier')}/metadata/{quote_plus(details['guid'])}")
        if guide:
            details["epg_identifier"] = _attr(dvr, "epgIdentifier")
            for key in ("content_rating", "summary", "duration", "guid", "grandparent_title", "grandparent_thumb",
                        "grandparent_guid", "parent_title", "parent_thumb", "parent_guid"):
                details[key] = guide[key]
            begins = guide["media_info"][0]["begins_at"]
            details["originally_available_at"] = _local_date(begins)
            return guide
    return None


def _local_date(epoch: int) -> str:
    from datetime import UTC, datetime  # noqa: PLC0415 - only live items need it
    from zoneinfo import ZoneInfo  # noqa: PLC0415

    return datetime.fromtimestamp(epoch, UTC).astimezone(ZoneInfo(context.local_tz_name())).strftime("%Y-%m-%d")


def _cached(cache_key: Any) -> tuple[Path | None, dict[str, Any]]:
    folder = str(context.config("CACHE_DIR") or "")
    if not folder:
        return None, {}
    path = Path(folder) / "session_metadata" / f"metadata-sessionKey-{cache_key}.json"
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return path, {}
    return path, loaded if isinstance(loaded, dict) else {}


def metadata_details(rating_key: Any = "", *, epg_key: str = "", cache_key: Any = None,
                     return_cache: bool = False) -> dict[str, Any]:
    """Tautulli's metadata details of an item, or ``{}`` when Plex gives nothing.

    Args:
        rating_key: the item's Plex key.
        epg_key: a program guide path instead of a key (live items).
        cache_key: a session key whose cached metadata (``CACHE_DIR``) answers first when ``return_cache``.
        return_cache: answer from the session's cache file whatever its age.

    Raises:
        UnboundLocalError: where Tautulli's parser fails on the answer.
    """
    cache_path = None
    if cache_key:
        cache_path, cached = _cached(cache_key)
        if cached and return_cache:
            cached.pop("_cache_time", None)
            return cached
    root = _fetch(f"/library/metadata/{rating_key}?includeMarkers=1") if rating_key else (
        _fetch(epg_key) if epg_key else None)
    if root is None:
        return {}
    picked = _pick(root)
    if picked is None:
        return {}
    item, section_id = picked
    media_type = _attr(item, "type")
    if item.tag == "Directory" and media_type == "photo":
        media_type = "photo_album"
    library_name = _attr(root, "librarySectionTitle")
    details = _base(item, media_type, section_id)
    if media_type == "show":  # a show's duration sometimes comes in minutes
        if details["duration"].isdigit() and int(details["duration"]) < 1000:
            details["duration"] = str(int(details["duration"]) * 60 * 1000)
    elif media_type == "season":
        _season(details, epg_key)
    elif media_type == "episode":
        _episode(details, epg_key)
    elif media_type in ("album", "track", "photo"):
        _with_parent(details, media_type, library_name)
    elif media_type == "collection":
        details.update(thumb=details["thumb"].split("?")[0], children_count=_int(_attr(item, "childCount")))
    elif media_type == "playlist":
        details = {"media_type": media_type, "section_id": section_id, **{k: details[k] for k in _PLAYLIST_KEYS},
                   "thumb": _attr(item, "composite"), "live": details["live"]}
    elif media_type not in ("movie", "artist", "photo_album", "clip"):
        return {}
    guide = None
    if details["live"] and not epg_key:
        details["section_id"] = LIVE_TV_SECTION_ID
        guide = _guide(details)
    medias = [_media(m) for m in item.iter("Media")]
    if guide is not None:
        for media in medias:
            media.update({k: guide["media_info"][0][k] for k in ("channel_id", "channel_title", "channel_vcn")})
    details["media_info"] = medias
    if cache_path is not None:
        _store(cache_path, details)
    return details


def _store(path: Path, details: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**details, "_cache_time": context.now()}), encoding="utf-8")
    except (OSError, ValueError) as exc:
        log.error("activity.metadata_cache_failed", error=str(exc))
