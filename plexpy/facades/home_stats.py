"""``DataFactory`` methods of the ``home_stats`` domain."""

from __future__ import annotations

__all__ = ["HomeStatsFacade"]


class HomeStatsFacade:
    """The ``home_stats`` part of Tautulli's ``DataFactory``."""
