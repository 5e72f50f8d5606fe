"""The seam to third-party web services (TVmaze, TheMovieDB, MusicBrainz; Imgur and Cloudinary deletes).

A metadata lookup that misses its cache asks the service; when it cannot be reached Tautulli logs and answers
empty (a MusicBrainz search raises instead). Deleting hosted images asks Imgur or Cloudinary to drop them.
The default client here is offline and fails the way an unreachable host does; a live caller installs a real
client with ``using``.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["OfflineWeb", "WebClient", "WebResponse", "WebUnavailableError", "client", "using"]


class WebUnavailableError(ConnectionError):
    """The service could not be reached."""


@dataclass(frozen=True, slots=True)
class WebResponse:
    """One HTTP answer: status code and body text."""

    status: int
    body: str

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    def json(self) -> Any:
        """The body decoded as JSON."""
        return json.loads(self.body)


class WebClient(Protocol):
    """Sends GET and DELETE requests to a web service."""

    def get(self, url: str, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None) -> WebResponse:
        """Return the response or raise :class:`WebUnavailableError`."""
        ...

    def delete(self, url: str, params: Mapping[str, Any] | None = None,
               headers: Mapping[str, str] | None = None) -> WebResponse:
        """Return the response or raise :class:`WebUnavailableError`."""
        ...


class OfflineWeb:
    """The default client: every request fails as an unreachable host does."""

    def get(self, url: str, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None) -> WebResponse:
        """Always raise :class:`WebUnavailableError`."""
        raise WebUnavailableError(f"no route to {url}")

    def delete(self, url: str, params: Mapping[str, Any] | None = None,
               headers: Mapping[str, str] | None = None) -> WebResponse:
        """Always raise :class:`WebUnavailableError`."""
        raise WebUnavailableError(f"no route to {url}")


_OFFLINE = OfflineWeb()
_client: contextvars.ContextVar[WebClient | None] = contextvars.ContextVar("lookups_web", default=None)


def client() -> WebClient:
    """The call's web client (offline unless a caller installed one)."""
    return _client.get() or _OFFLINE


@contextlib.contextmanager
def using(web: WebClient) -> Iterator[None]:
    """Use ``web`` for the requests made inside the block."""
    token = _client.set(web)
    try:
        yield
    finally:
        _client.reset(token)
