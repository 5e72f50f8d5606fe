"""``DataFactory`` methods of the ``newsletters`` domain."""

from __future__ import annotations

__all__ = ["NewslettersFacade"]


class NewslettersFacade:
    """The ``newsletters`` part of Tautulli's ``DataFactory``."""
