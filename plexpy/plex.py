"""The Plex Media Server / plex.tv client seam.

The data layer only talks to Plex for the network halves of a few functions (a refresh attempt, a library's
item list). It goes through :class:`PlexClient`, so a replay can serve recorded responses and a default
install fails the way an unreachable server does.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

__all__ = ["PlexClient", "PlexResponse", "PlexUnavailableError", "RecordedPlex", "UnreachablePlex"]


class PlexUnavailableError(ConnectionError):
    """The server could not be reached (or a replay has no recorded answer for the request)."""


@dataclass(frozen=True, slots=True)
class PlexResponse:
    """One HTTP answer: status code and body text."""

    status: int
    body: str

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300


class PlexClient(Protocol):
    """Requests a path (with query string) from Plex or plex.tv."""

    def get(self, path: str) -> PlexResponse:
        """Return the response for ``path`` or raise :class:`PlexUnavailableError`."""
        ...


class UnreachablePlex:
    """The default client: every request fails as an unreachable host does."""

    def get(self, path: str) -> PlexResponse:
        """Always raise :class:`PlexUnavailableError`."""
        raise PlexUnavailableError(f"no Plex server is reachable for {path}")


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "") if parts.scheme else url


class RecordedPlex:
    """Serves recorded responses by path; any other request is refused as unreachable.

    Responses are not consumed, so both paths of a shadowed call see the same server. A path recorded
    several times is answered with its recordings in turn, then with the last one again.
    """

    def __init__(self, responses: Iterable[Mapping[str, object]]) -> None:
        self._by_path: dict[str, list[PlexResponse]] = {}
        for r in responses:
            response = PlexResponse(int(str(r["status"])), str(r.get("body") or ""))
            self._by_path.setdefault(_path_of(str(r["url"])), []).append(response)
        self._served: dict[tuple[int, str], int] = {}
        self._lock = threading.Lock()

    def get(self, path: str) -> PlexResponse:
        """Serve the recorded response for ``path`` (its n-th recording on this thread's n-th request)."""
        wanted = _path_of(path)
        recorded = self._by_path.get(wanted)
        if not recorded:
            raise PlexUnavailableError(f"no recorded response for {wanted}")
        key = (threading.get_ident(), wanted)
        with self._lock:
            count = self._served.get(key, 0)
            self._served[key] = count + 1
        return recorded[min(count, len(recorded) - 1)]


def get_xml(client: PlexClient, path: str) -> ET.Element | None:
    """The XML document ``client`` answers for ``path``, or None when unreachable, failed, empty or malformed."""
    try:
        response = client.get(path)
    except PlexUnavailableError:
        return None
    if not response.ok or not response.body:
        return None
    try:
        return ET.fromstring(response.body)  # noqa: S314 - plex.tv answers are parsed with no entity expansion
    except ET.ParseError:
        return None
