"""An item's metadata from Plex, as far as a recently added row needs it: keys, type, section and media.

Read the way Tautulli v2.17.2's ``get_metadata_details`` reads ``/library/metadata/<key>``: only a 200/201
answer with parseable XML counts (else ``{}``), a missing attribute reads as ``''``, the item is the first
directory, video, track, photo or playlist of the answer, and its media list keeps Plex's text values. The
related items Tautulli fetches on the way (an episode's show and season, a track's album, ...) are fetched
too, since a failure there fails the call; only an episode's season key is taken from them.
"""

from __future__ import annotations

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
_CHILD_TAGS: Final = ("Directory", "Video", "Track", "Photo")
_KNOWN_TYPES: Final = frozenset({"movie", "show", "season", "episode", "artist", "album", "track", "photo_album",
                                 "photo", "collection", "playlist", "clip"})
#: Types whose parent Tautulli fetches (an album's artist, a track's album, a photo's album).
_PARENT_FETCHED: Final = frozenset({"album", "track", "photo"})
_RESOLUTION_NAMES: Final = {"sd": "SD", "2k": "2k", "4k": "4k"}
_CHANNEL_LAYOUTS: Final = {"1": "Mono", "2": "Stereo", "3": "2.1", "4": "3.1", "6": "5.1", "7": "6.1", "8": "7.1"}
_HDR_TRANSFERS: Final = ("smpte2084", "arib-std-b67")
_HDR_DETAILS_SINCE: Final = (1, 25, 6, 5545)


def _fetch(path: str) -> ET.Element | None:
    return get_xml(context.plex(), path, statuses=(200, 201), unreachable_event="lookups.plex_unreachable")


def _attr(element: ET.Element, name: str) -> str:
    return element.get(name) or ""


def _int(value: Any) -> int:
    try:
        return int(value)
    except (ValueError, TypeError):
        return 0


def _float(value: Any) -> float | int:
    try:
        return float(value)
    except (ValueError, TypeError):
        return 0


def _version(text: str) -> tuple[int, ...]:
    return tuple(_int(v) for v in text.strip("v").replace("-", ".").split("."))


def _dynamic_range(stream: ET.Element) -> str:
    """SDR, or the HDR formats a video stream carries (named in detail by newer servers)."""
    title = _attr(stream, "extendedDisplayTitle")
    hdr = _int(_attr(stream, "bitDepth")) > 8 and _attr(stream, "colorTrc") in _HDR_TRANSFERS
    dolby = bool(_attr(stream, "DOVIProfile"))
    if not hdr and not dolby:
        return "SDR"
    try:
        server_version = str(context.config("PMS_VERSION"))
    except KeyError:
        server_version = ""
    ranges = []
    if _version(server_version) >= _HDR_DETAILS_SINCE:
        if "Dolby Vision" in title or "DoVi" in title:
            ranges.append("Dolby Vision")
        if "HLG" in title:
            ranges.append("HLG")
        if "HDR10" in title:
            ranges.append("HDR10")
        elif "HDR" in title:
            ranges.append("HDR")
    else:
        ranges.append("Dolby Vision" if dolby else "HDR")
    return "/".join(ranges) or "SDR"


def _selected(element: ET.Element) -> int:
    return int(_attr(element, "selected") == "1")


def _stream(stream: ET.Element) -> dict[str, Any] | None:
    kind = _attr(stream, "streamType")
    common = {"id": _attr(stream, "id"), "type": kind}
    if kind == "1":
        video = {f"video_{name}": _attr(stream, attr) for name, attr in (
            ("codec", "codec"), ("codec_level", "level"), ("bitrate", "bitrate"), ("bit_depth", "bitDepth"),
            ("chroma_subsampling", "chromaSubsampling"), ("color_primaries", "colorPrimaries"),
            ("color_range", "colorRange"), ("color_space", "colorSpace"), ("color_trc", "colorTrc"))}
        return {**common, **video, "video_dynamic_range": _dynamic_range(stream),
                "video_dovi_bl_present": int(_attr(stream, "DOVIBLPresent") == "1"),
                "video_dovi_el_present": int(_attr(stream, "DOVIELPresent") == "1"),
                "video_dovi_level": _int(_attr(stream, "DOVILevel")),
                "video_dovi_present": int(_attr(stream, "DOVIPresent") == "1"),
                "video_dovi_profile": _int(_attr(stream, "DOVIProfile")),
                "video_dovi_rpu_present": int(_attr(stream, "DOVIRPUPresent") == "1"),
                "video_dovi_version": _float(_attr(stream, "DOVIVersion")),
                **{f"video_{name}": _attr(stream, attr) for name, attr in (
                    ("frame_rate", "frameRate"), ("ref_frames", "refFrames"), ("height", "height"),
                    ("width", "width"), ("language", "language"), ("language_code", "languageCode"),
                    ("profile", "profile"), ("scan_type", "scanType"))},
                "selected": _selected(stream)}
    if kind == "2":
        return {**common, **{f"audio_{name}": _attr(stream, attr) for name, attr in (
            ("codec", "codec"), ("bitrate", "bitrate"), ("bitrate_mode", "bitrateMode"), ("channels", "channels"),
            ("channel_layout", "audioChannelLayout"), ("sample_rate", "samplingRate"), ("language", "language"),
            ("language_code", "languageCode"), ("profile", "profile"))}, "selected": _selected(stream)}
    if kind == "3":
        return {**common, "subtitle_codec": _attr(stream, "codec"), "subtitle_container": _attr(stream, "container"),
                "subtitle_format": _attr(stream, "format"), "subtitle_forced": int(_attr(stream, "forced") == "1"),
                "subtitle_location": "external" if _attr(stream, "key") else "embedded",
                "subtitle_language": _attr(stream, "language"),
                "subtitle_language_code": _attr(stream, "languageCode"), "selected": _selected(stream)}
    return None


def _media(media: ET.Element) -> dict[str, Any]:
    scan_type = ""
    parts = []
    for part in media.iter("Part"):
        streams = []
        for element in part.iter("Stream"):
            stream = _stream(element)
            if stream is None:
                continue
            if stream["type"] == "1":
                scan_type = scan_type or stream["video_scan_type"]
            streams.append(stream)
        parts.append({"id": _attr(part, "id"), "file": _attr(part, "file"), "file_size": _attr(part, "size"),
                      "indexes": int(_attr(part, "indexes") == "sd"), "streams": streams,
                      "selected": _selected(part)})
    resolution = _attr(media, "videoResolution").lower().rstrip("ip")
    channels = _attr(media, "audioChannels")
    return {
        "id": _attr(media, "id"), "container": _attr(media, "container"), "bitrate": _attr(media, "bitrate"),
        "height": _attr(media, "height"), "width": _attr(media, "width"), "aspect_ratio": _attr(media, "aspectRatio"),
        "video_codec": _attr(media, "videoCodec"), "video_resolution": resolution,
        "video_full_resolution": _RESOLUTION_NAMES.get(resolution, resolution + (scan_type[:1] or "p")),
        "video_framerate": _attr(media, "videoFrameRate"), "video_profile": _attr(media, "videoProfile"),
        "audio_codec": _attr(media, "audioCodec"), "audio_channels": channels,
        "audio_channel_layout": _CHANNEL_LAYOUTS.get(channels, channels),
        "audio_profile": _attr(media, "audioProfile"), "optimized_version": int(_attr(media, "proxyType") == "42"),
        "channel_call_sign": _attr(media, "channelCallSign"), "channel_id": _attr(media, "channelID"),
        "channel_identifier": _attr(media, "channelIdentifier"), "channel_title": _attr(media, "channelTitle"),
        "channel_thumb": _attr(media, "channelThumb"), "channel_vcn": _attr(media, "channelVcn"),
        "protocol": _attr(media, "protocol"), "begins_at": _int(_attr(media, "beginsAt")),
        "ends_at": _int(_attr(media, "endsAt")), "parts": parts,
    }


def _season_of(show_key: str, season_index: str) -> str:
    """The key of a show's season by its index (from the show's children), or ``''``."""
    root = _fetch(f"/library/metadata/{show_key}/children")
    if root is None:
        return ""
    for container in root.iter("MediaContainer"):
        if container.get("size") == "0":
            return ""
        for child in container:
            if child.tag in _CHILD_TAGS and _attr(child, "index") == season_index:
                return _attr(child, "ratingKey")
    return ""


def _episode_season(item: ET.Element, from_epg: bool) -> str:
    """An episode's season key, fetching its show and season as Tautulli does (their failures propagate)."""
    show_key = _attr(item, "grandparentRatingKey")
    if show_key and not (from_epg and _attr(item, "grandparentGuid")):
        metadata_details(show_key)
    season_key = _attr(item, "parentRatingKey")
    if season_key:
        metadata_details(season_key)
    elif not from_epg:
        thumb = _attr(item, "parentThumb")
        if thumb.startswith("/library/metadata/"):
            season_key = thumb.split("/")[3]
        if not season_key and show_key:
            season_key = _season_of(show_key, _attr(item, "parentIndex"))
    return season_key


def _item(root: ET.Element) -> tuple[ET.Element, str] | None:
    """(the item, its section id), or None when the answer holds no item (see :func:`plexpy.plex.first_item`)."""
    return first_item(root, _ITEM_TAGS)


def _live_channels(details: dict[str, Any], guid: str) -> None:
    """Give a live item Live TV's section and its channel from the DVR's program guide.

    Raises:
        UnboundLocalError: the server's DVR list cannot be read (Tautulli reads a variable it never set).
        IndexError: the guide entry has no media.
    """
    details["section_id"] = LIVE_TV_SECTION_ID
    root = _fetch("/livetv/dvrs")
    if root is None:
        raise UnboundLocalError("cannot access local variable 'xml_head' where it is not associated with a value")
    for dvr in (d for container in root.iter("MediaContainer") for d in container.iter("Dvr")):
        guide = metadata_details(epg_key=f"/{_attr(dvr, 'epgIdentifier')}/metadata/{quote_plus(guid)}")
        if guide:
            channel = guide["media_info"][0]
            for media in details["media_info"]:
                media.update({k: channel[k] for k in ("channel_id", "channel_title", "channel_vcn")})
            return


def metadata_details(rating_key: Any = "", epg_key: str = "") -> dict[str, Any]:
    """What Tautulli's metadata details hold for a recently added row, or ``{}`` when Plex gives nothing.

    Keys: ``media_type``, ``section_id``, ``rating_key``, ``parent_rating_key`` and ``grandparent_rating_key``
    (not for playlists), ``added_at``, ``media_info``, plus ``live`` and ``guid``.

    Raises:
        UnboundLocalError, IndexError: where Tautulli's parser fails on the answer.
    """
    if rating_key:
        root = _fetch(f"/library/metadata/{rating_key}?includeMarkers=1")
    elif epg_key:
        root = _fetch(epg_key)
    else:
        return {}
    picked = _item(root) if root is not None else None
    if picked is None:
        return {}
    item, section_id = picked
    media_type = _attr(item, "type")
    if item.tag == "Directory" and media_type == "photo":
        media_type = "photo_album"
    if media_type not in _KNOWN_TYPES:
        return {}
    details: dict[str, Any] = {"media_type": media_type, "section_id": section_id,
                               "rating_key": _attr(item, "ratingKey")}
    if media_type == "episode":
        details["parent_rating_key"] = _episode_season(item, bool(epg_key))
    elif media_type != "playlist":
        parent = _attr(item, "parentRatingKey")
        if parent and (media_type in _PARENT_FETCHED or (media_type == "season" and not epg_key)):
            metadata_details(parent)
        details["parent_rating_key"] = parent
    if media_type != "playlist":
        details["grandparent_rating_key"] = _attr(item, "grandparentRatingKey")
    details.update(added_at=_attr(item, "addedAt"), live=int(_attr(item, "live") == "1"), guid=_attr(item, "guid"),
                   media_info=[_media(m) for m in item.iter("Media")])
    if details["live"] and not epg_key:
        _live_channels(details, details["guid"])
    elif details["live"]:
        details["section_id"] = LIVE_TV_SECTION_ID
    return details
