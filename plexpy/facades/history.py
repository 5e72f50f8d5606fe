"""``DataFactory`` methods of the ``history`` domain."""

from __future__ import annotations

__all__ = ["HistoryFacade"]


class HistoryFacade:
    """The ``history`` part of Tautulli's ``DataFactory``."""
