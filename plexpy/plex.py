"""The Plex Media Server / plex.tv client seam.

The data layer only talks to Plex for the network halves of a few functions (a refresh attempt, a library's
item list). It goes through :class:`PlexClient`, so a replay can serve recorded responses and a default
install fails the way an unreachable server does.
"""

from __future__ import annotations

import threading
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import structlog

__all__ = ["PlexClient", "PlexResponse", "PlexUnavailableError", "RecordedPlex", "UnreachablePlex"]


log = structlog.get_logger(__name__)

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


def get_xml(client: PlexClient, path: str, *, statuses: Container[int] | None = None,
            unreachable_event: str | None = None) -> ET.Element | None:
    """The XML document ``client`` answers for ``path``, or None.

    None when the server is unreachable (logged as ``unreachable_event`` when given, with the path only), the
    status is not one of ``statuses`` (default: any 2xx), or the body is empty or malformed.
    """
    try:
        response = client.get(path)
    except PlexUnavailableError:
        if unreachable_event is not None:
            log.warning(unreachable_event, path=path.split("?", 1)[0])
        return None
    accepted = response.ok if statuses is None else response.status in statuses
    if not accepted or not response.body:
        return None
    try:
        return ET.fromstring(response.body)  # noqa: S314 - ElementTree expands no external entities
    except ET.ParseError:
        return None


def first_item(root: ET.Element, tags: Sequence[str]) -> tuple[ET.Element, str] | None:
    """(the item, its section id) as Tautulli's metadata reader picks them; None when the answer has no item.

    The item is the first element of ``tags`` in the last ``MediaContainer``; a container of ``size="0"`` or
    without such an element gives None.

    Raises:
        UnboundLocalError: the answer has no MediaContainer (Tautulli then reads a variable it never set).
    """
    item, section_id = None, ""
    for container in root.iter("MediaContainer"):
        if container.get("size") == "0":
            return None
        found = next((e for tag in tags for e in container.iter(tag)), None)
        if found is None:
            return None
        item = found
        section_id = container.get("librarySectionID") or section_id
    if item is None:
        raise UnboundLocalError("cannot access local variable 'metadata_main' where it is not associated with a value")
    return item, section_id
