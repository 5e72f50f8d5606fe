"""Tautulli's library refresh: ask the Plex server for its libraries, then store them through a twin.

Offline (the default client, and every oracle record) the request fails and the refresh reports False, as
Tautulli's does; ``get_details`` then falls back to the 'Local' library. When the server answers, the twin's
``store_refreshed_libraries`` upserts every library in one transaction and returns the section ids it
inserted.

Tautulli then appends those ids to the ``HOME_LIBRARY_CARDS`` setting and writes ``config.ini``. Settings are
not this data layer's to write: the refresh *requests* the change instead. It is logged
(``libraries.config_change_requested``) and handed to whoever opened :func:`config_changes` around the call,
which applies it to Tautulli's config (the new list is the current one plus the new ids, as Tautulli builds it).

Inside one routed call (:func:`call_scope`, opened by the facade) the server is asked once and both paths of a
shadowed refresh store the same listing.
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import threading
from collections.abc import Iterator
from typing import Any

import structlog

from plexpy import context
from plexpy.domains.libraries.plex_items import server_libraries

__all__ = ["call_scope", "config_changes", "refresh_libraries"]

log = structlog.get_logger(__name__)

_requested: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "libraries_config_changes", default=None
)
_listing: contextvars.ContextVar[tuple[threading.Lock, list[Any]] | None] = contextvars.ContextVar(
    "libraries_refresh_listing", default=None
)


@contextlib.contextmanager
def call_scope() -> Iterator[None]:
    """Share the server's library listing between the two paths of one routed call."""
    token = _listing.set((threading.Lock(), []))
    try:
        yield
    finally:
        _listing.reset(token)


def _server_libraries() -> list[dict[str, Any]]:
    scope = _listing.get()
    if scope is None:
        return server_libraries()
    lock, fetched = scope
    with lock:
        if not fetched:
            fetched.append(server_libraries())
        return copy.deepcopy(fetched[0])


@contextlib.contextmanager
def config_changes() -> Iterator[dict[str, Any]]:
    """Collect the config writes a refresh inside the block asks for: ``{name: new value}``."""
    changes: dict[str, Any] = {}
    token = _requested.set(changes)
    try:
        yield changes
    finally:
        _requested.reset(token)


def _request_config_change(name: str, value: Any) -> None:
    log.info("libraries.config_change_requested", setting=name, value=value)
    collected = _requested.get()
    if collected is not None:
        collected[name] = value


def refresh_libraries(twin: Any) -> bool | None:
    """Refresh the libraries from the server through ``twin``; None without a server id, False when unreadable."""
    if not context.config("PMS_IDENTIFIER"):
        log.error("libraries.refresh_no_server")
        return None
    libraries = _server_libraries()
    if not libraries:
        log.warning("libraries.refresh_unavailable")
        return False
    new_keys = twin.store_refreshed_libraries(libraries)
    _request_config_change("HOME_LIBRARY_CARDS", [*context.config("HOME_LIBRARY_CARDS"), *new_keys])
    log.info("libraries.refreshed", new=len(new_keys))
    return True
