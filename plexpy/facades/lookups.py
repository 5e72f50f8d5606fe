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

    def set_img_info(self, img_hash: Any = None, img_title: Any = None, img_url: Any = None, delete_hash: Any = None,
                     service: Any = None) -> Any:
        """Store an image uploaded to a hosting service (nothing for an unknown service)."""
        return runtime.route(_OPS["set_img_info"], img_hash=img_hash, img_title=img_title, img_url=img_url,
                             delete_hash=delete_hash, service=service)

    def delete_img_info(self, rating_key: Any = None, service: Any = "", delete_all: Any = False) -> Any:
        """Delete an item's (or every) hosted image from the host, then its rows; the service name."""
        return runtime.route(_OPS["delete_img_info"], rating_key=rating_key, service=service, delete_all=delete_all)

    def delete_lookup_info(self, rating_key: Any = "", service: Any = "", delete_all: Any = False) -> Any:
        """Delete an item's cached metadata ids (or a whole cache)."""
        return runtime.route(_OPS["delete_lookup_info"], rating_key=rating_key, service=service,
                             delete_all=delete_all)

    def set_recently_added_item(self, rating_key: Any = "") -> Any:
        """Store an item announced as recently added, with its media from Plex."""
        return runtime.route(_OPS["set_recently_added_item"], rating_key=rating_key)
