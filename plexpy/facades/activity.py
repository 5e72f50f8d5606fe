"""``DataFactory`` methods of the ``activity`` domain."""

from __future__ import annotations

__all__ = ["ActivityFacade"]


class ActivityFacade:
    """The ``activity`` part of Tautulli's ``DataFactory``."""
