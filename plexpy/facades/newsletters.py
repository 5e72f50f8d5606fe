"""``DataFactory`` methods of the ``newsletters`` domain."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.newsletters.contract import OPERATIONS as _OPS

__all__ = ["NewslettersFacade"]


class NewslettersFacade:
    """The ``newsletters`` part of Tautulli's ``DataFactory``."""

    def get_newsletter_log(self, kwargs: Any = None) -> Any:
        """The newsletter log (DataTables)."""
        return runtime.route(_OPS["get_newsletter_log"], kwargs=kwargs)

    def delete_newsletter_log(self) -> Any:
        """Empty the newsletter log, then VACUUM; False if that failed."""
        return runtime.route(_OPS["delete_newsletter_log"])
