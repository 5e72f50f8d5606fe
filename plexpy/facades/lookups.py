"""``DataFactory`` methods of the ``lookups`` domain."""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.lookups.contract import OPERATIONS as _OPS

__all__ = ["LookupsFacade"]


class LookupsFacade:
    """The ``lookups`` part of Tautulli's ``DataFactory``."""

    def get_img_info(self, img: Any = None, rating_key: Any = None, width: Any = None, height: Any = None,
                     opacity: Any = None, background: Any = None, blur: Any = None, fallback: Any = None,
                     order_by: Any = "", service: Any = None) -> Any:
        """Images uploaded to a hosting service (Imgur, Cloudinary)."""
        return runtime.route(_OPS["get_img_info"], img=img, rating_key=rating_key, width=width, height=height,
                             opacity=opacity, background=background, blur=blur, fallback=fallback,
                             order_by=order_by, service=service)

    def get_poster_info(self, rating_key: Any = "", metadata: Any = None, service: Any = None) -> Any:
        """The hosted poster of an item."""
        return runtime.route(_OPS["get_poster_info"], rating_key=rating_key, metadata=metadata, service=service)

    def get_lookup_info(self, rating_key: Any = "", metadata: Any = None) -> Any:
        """The TVmaze, TheMovieDB and MusicBrainz ids cached for an item."""
        return runtime.route(_OPS["get_lookup_info"], rating_key=rating_key, metadata=metadata)

    def get_recently_added_item(self, rating_key: Any = "") -> Any:
        """The recently added rows of an item."""
        return runtime.route(_OPS["get_recently_added_item"], rating_key=rating_key)
