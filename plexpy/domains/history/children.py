"""The rating keys of a collection's or playlist's items, asked of Plex (the network half of two stats reads).

Tautulli expands a collection or playlist into its items before counting plays; offline, or on any failure,
the list is empty, as Tautulli's ``get_item_children`` default answer.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

from plexpy import context
from plexpy.plex import PlexUnavailableError

__all__ = ["item_children"]

_ITEM_TAGS = frozenset({"Directory", "Video", "Track", "Photo"})


def item_children(rating_key: Any, media_type: Any) -> list[str]:
    """Rating keys (as text) of the items in a collection or playlist; ``[]`` when Plex cannot say."""
    if media_type == "playlist":
        path = f"/playlists/{rating_key}/items"
    else:
        path = f"/library/collections/{rating_key}/children"
    try:
        response = context.plex().get(path)
    except PlexUnavailableError:
        return []
    if not response.ok:
        return []
    try:
        # The answer of the configured Plex server, parsed without entity expansion of external sources.
        root = ElementTree.fromstring(response.body)  # noqa: S314 - trusted server, stdlib parser
    except ElementTree.ParseError:
        return []
    containers = [root] if root.tag == "MediaContainer" else list(root.iter("MediaContainer"))
    keys: list[str] = []
    for container in containers:
        if container.get("size") == "0":
            return []
        keys.extend(child.get("ratingKey", "") for child in container if child.tag in _ITEM_TAGS)
    return keys
