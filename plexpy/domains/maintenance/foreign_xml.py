"""The item XML that PlexWatch and Plexivity stored with every play, read the way Tautulli's importers read it.

Tautulli first folds the text to ASCII (Latin-1 letters lose their accents, a few signs become words in
braces, every other non-ASCII character is dropped), then takes the *last* item element (``opt`` for
PlexWatch, ``Video`` for Plexivity) and, inside it, the last ``Media``, ``Player``, ``TranscodeSession`` and
``User`` elements; a missing attribute reads as ``''``. Two of Tautulli's crashes become defaults here: a
PlexWatch item without a ``Player`` element has no IP address (``''``) instead of an ``UnboundLocalError``.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import structlog

__all__ = ["extract_plexivity_xml", "extract_plexwatch_xml", "latin_to_ascii"]

log = structlog.get_logger(__name__)


def _letters(spec: str) -> dict[int, str]:
    """``'ÀÁÂ=A'`` groups → code point → replacement."""
    table: dict[int, str] = {}
    for group in spec.split():
        chars, _, replacement = group.partition("=")
        table.update({ord(ch): replacement for ch in chars})
    return table


_FOLD: dict[int, str] = {
    **_letters("ÀÁÂÃÄÅ=A Æ=Ae Ç=C ÈÉÊË=E \x86=e ÌÍÎÏ=I Ð=Th Ñ=N ÒÓÔÕÖØ=O ÙÚÛÜ=U Ý=Y Þ=th ß=ss àáâãäå=a æ=ae "
               "ç=c èéêëə=e ìíîï=i ð=th ñ=n òóôõöø=o ùúûü=u ý=y þ=th ÿ=y"),
    0xA1: "!", 0xA2: "{cent}", 0xA3: "{pound}", 0xA4: "{currency}", 0xA5: "{yen}", 0xA6: "|", 0xA7: "{section}",
    0xA8: "{umlaut}", 0xA9: "{C}", 0xAA: "{^a}", 0xAB: "&lt;&lt;", 0xAC: "{not}", 0xAD: "-", 0xAE: "{R}", 0xAF: "_",
    0xB0: "{degrees}", 0xB1: "{+/-}", 0xB2: "{^2}", 0xB3: "{^3}", 0xB4: "'", 0xB5: "{micro}", 0xB6: "{paragraph}",
    0xB7: "*", 0xB8: "{cedilla}", 0xB9: "{^1}", 0xBA: "{^o}", 0xBB: "&gt;&gt;", 0xBC: "{1/4}", 0xBD: "{1/2}",
    0xBE: "{3/4}", 0xBF: "?", 0xD7: "*", 0xF7: "/",
}


def latin_to_ascii(text: Any) -> str:
    """Fold ``text`` to ASCII as Tautulli does (``''`` for nothing; other non-ASCII characters are dropped)."""
    if not text:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return "".join(ch if ord(ch) < 0x80 else _FOLD.get(ord(ch), "") for ch in str(text))


def _attr(element: ET.Element, name: str) -> str:
    return element.get(name) or ""


def _last(item: ET.Element, tag: str) -> ET.Element | None:
    found = None
    for found in item.iter(tag):  # noqa: B007 - the last one wins, as in Tautulli
        pass
    return found


def _tags(item: ET.Element, tag: str) -> list[str]:
    return [_attr(element, "tag") for element in item.iter(tag)]


_ITEM = {"added_at": "addedAt", "art": "art", "duration": "duration", "grandparent_thumb": "grandparentThumb",
         "grandparent_title": "grandparentTitle", "original_title": "originalTitle", "guid": "guid",
         "section_id": "librarySectionID", "media_index": "index", "originally_available_at": "originallyAvailableAt",
         "last_viewed_at": "lastViewedAt", "parent_media_index": "parentIndex", "parent_thumb": "parentThumb",
         "rating": "rating", "thumb": "thumb", "media_type": "type", "updated_at": "updatedAt",
         "view_offset": "viewOffset", "year": "year", "parent_title": "parentTitle", "studio": "studio",
         "title": "title", "tagline": "tagline"}
_PLEXIVITY_ITEM = {"rating_key": "ratingKey", "grandparent_rating_key": "grandparentRatingKey",
                   "parent_rating_key": "parentRatingKey"}
_MEDIA = {"aspect_ratio": ("aspectRatio", ""), "audio_channels": ("audioChannels", None),
          "audio_codec": ("audioCodec", ""), "bitrate": ("bitrate", None), "container": ("container", ""),
          "height": ("height", None), "video_codec": ("videoCodec", ""), "video_framerate": ("videoFrameRate", ""),
          "video_resolution": ("videoResolution", ""), "width": ("width", None)}
_PLAYER = {"ip_address": ("address", ""), "machine_id": ("machineIdentifier", ""), "platform": ("platform", ""),
           "player": ("title", "")}
_TRANSCODE = {"transcode_audio_channels": ("audioChannels", None), "transcode_audio_codec": ("audioCodec", ""),
              "audio_decision": ("audioDecision", "direct play"), "transcode_container": ("container", ""),
              "transcode_height": ("height", None), "transcode_protocol": ("protocol", ""),
              "transcode_video_codec": ("videoCodec", ""), "video_decision": ("videoDecision", "direct play"),
              "transcode_width": ("width", None)}


def _section(item: ET.Element, tag: str, fields: dict[str, tuple[str, Any]]) -> dict[str, Any]:
    element = _last(item, tag)
    if element is None:
        return {key: default for key, (_, default) in fields.items()}
    return {key: _attr(element, name) for key, (name, _) in fields.items()}


def _decision(video: str, audio: str) -> str:
    if "transcode" in (video, audio):
        return "transcode"
    if "copy" in (video, audio):
        return "copy"
    return "direct play"


def _item(item: ET.Element, *, plexivity: bool) -> dict[str, Any]:
    fields = {**_ITEM, **_PLEXIVITY_ITEM} if plexivity else _ITEM
    out: dict[str, Any] = {key: _attr(item, name) for key, name in fields.items()}
    out.update(_section(item, "Media", _MEDIA))
    out.update(_section(item, "Player", _PLAYER))
    if plexivity:
        out["ip_address"] = out["ip_address"].split("::ffff:")[-1]
    out.update(_section(item, "TranscodeSession", _TRANSCODE))
    out["transcode_decision"] = _decision(out["video_decision"], out["audio_decision"])
    user = _last(item, "User")
    out["user_id"] = _attr(user, "id") if user is not None else None
    out.update(directors=_tags(item, "Director"), writers=_tags(item, "Writer"), actors=_tags(item, "Role"),
               genres=_tags(item, "Genre"), labels=_tags(item, "Lables"))
    return out


def _extract(xml: Any, item_tag: str, *, plexivity: bool) -> dict[str, Any] | None:
    try:
        root = ET.fromstring(latin_to_ascii(xml))  # noqa: S314 - expat refuses external entities; input is a local file
    except ET.ParseError:
        log.warning("maintenance.foreign_xml_unreadable")
        return None
    items = list(root.iter(item_tag))
    if not items:
        log.warning("maintenance.foreign_xml_unreadable", reason=f"no {item_tag} element")
        return None
    return _item(items[-1], plexivity=plexivity)


def extract_plexwatch_xml(xml: Any = None) -> dict[str, Any] | None:
    """The fields of a PlexWatch play's XML (its last ``opt`` element), or None when it cannot be read."""
    return _extract(xml, "opt", plexivity=False)


def extract_plexivity_xml(xml: Any = None) -> dict[str, Any] | None:
    """The fields of a Plexivity play's XML (its last ``Video`` element), or None when it cannot be read."""
    return _extract(xml, "Video", plexivity=True)
