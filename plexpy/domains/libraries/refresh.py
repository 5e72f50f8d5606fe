"""The network half of Tautulli's library refresh: ask the Plex server for its libraries and their counts.

Offline (the default client, and every oracle record) the request fails and the refresh reports False, as
Tautulli's does; ``get_details`` then falls back to the 'Local' library. Storing what a refresh finds is a
write of a later issue: a twin that can store it offers ``store_refreshed_libraries``.
"""

from __future__ import annotations

from typing import Any

import structlog

from plexpy import context
from plexpy.domains.libraries.plex_items import server_libraries

__all__ = ["refresh_libraries"]

log = structlog.get_logger(__name__)


def refresh_libraries(twin: Any) -> bool | None:
    """Refresh the libraries from the server through ``twin``; None without a server id, False when unreadable."""
    if not context.config("PMS_IDENTIFIER"):
        log.error("libraries.refresh_no_server")
        return None
    libraries = server_libraries()
    if not libraries:
        log.warning("libraries.refresh_unavailable")
        return False
    store = getattr(twin, "store_refreshed_libraries", None)
    if store is None:
        log.warning("libraries.refresh_not_stored", reason="library refresh writes are not implemented on this path")
        return False
    return bool(store(libraries))
