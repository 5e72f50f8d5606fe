"""``DataFactory`` methods of the ``lookups`` domain."""

from __future__ import annotations

__all__ = ["LookupsFacade"]


class LookupsFacade:
    """The ``lookups`` part of Tautulli's ``DataFactory``."""
