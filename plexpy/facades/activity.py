"""``DataFactory`` methods of the ``activity`` domain (``get_stream_details`` lives with history's facade)."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.activity.contract import OPERATIONS as _OPS

__all__ = ["ActivityFacade"]


class ActivityFacade:
    """The ``activity`` part of Tautulli's ``DataFactory``."""

    def get_session_ip(self, session_key: Any = "") -> Any:
        """The IP address of a live session, or ``"N/A"``."""
        return runtime.route(_OPS["get_session_ip"], session_key=session_key)
