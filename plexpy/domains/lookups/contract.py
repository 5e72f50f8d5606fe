"""The lookups domain's operations: hosted images, image hashes, recently added items and metadata id caches."""

from __future__ import annotations

from typing import Any, Final, Protocol, TypedDict

from shim.operation import Operation, Ordering, operations

__all__ = ["OPERATIONS", "ImgInfo", "LookupsOps"]


class ImgInfo(TypedDict):
    """One entry of ``get_img_info``."""

    img_title: str
    img_url: str


class LookupsOps(Protocol):
    """What each twin of the lookups domain implements, in this order."""

    def get_img_info(self, img: Any = None, rating_key: Any = None, width: Any = None, height: Any = None,
                     opacity: Any = None, background: Any = None, blur: Any = None, fallback: Any = None,
                     order_by: Any = "", service: Any = None) -> list[ImgInfo]:
        """Images uploaded to a hosting service (Imgur, Cloudinary) matching the given image attributes."""
        ...

    def get_poster_info(self, rating_key: Any = "", metadata: Any = None, service: Any = None) -> dict[str, Any]:
        """The hosted poster of an item (largest first), or ``{}``."""
        ...

    def get_lookup_info(self, rating_key: Any = "", metadata: Any = None) -> dict[str, Any]:
        """The TVmaze, TheMovieDB and MusicBrainz ids cached for an item."""
        ...

    def get_recently_added_item(self, rating_key: Any = "") -> list[dict[str, Any]]:
        """The recently added rows of an item (no defined order)."""
        ...

    def get_hash_image_info(self, img_hash: Any = None) -> dict[str, Any]:
        """The image behind a hash, or ``{}``."""
        ...

    def lookup_tvmaze_by_id(self, rating_key: Any = None, thetvdb_id: Any = None, imdb_id: Any = None,
                            title: Any = None) -> dict[str, Any]:
        """TVmaze ids of an item: the cache, else TVmaze (offline: ``{}``)."""
        ...

    def lookup_themoviedb_by_id(self, rating_key: Any = None, thetvdb_id: Any = None, imdb_id: Any = None,
                                title: Any = None, year: Any = None, media_type: Any = None) -> dict[str, Any]:
        """TheMovieDB ids of an item: the cache, else TheMovieDB (offline: ``{}``)."""
        ...

    def get_themoviedb_info(self, rating_key: Any = None, media_type: Any = None,
                            themoviedb_id: Any = None) -> dict[str, Any]:
        """TheMovieDB's JSON for an item: the cache, else TheMovieDB (offline: ``{}``)."""
        ...

    def lookup_musicbrainz_info(self, musicbrainz_type: Any = None, rating_key: Any = None, artist: Any = None,
                                release: Any = None, recording: Any = None, tracks: Any = None,
                                tnum: Any = None) -> dict[str, Any]:
        """MusicBrainz ids of an item: the cache, else MusicBrainz (offline: raises ``NetworkError``)."""
        ...

    def set_hash_image_info(self, img: Any = None, rating_key: Any = None, width: Any = 750, height: Any = 1000,
                            opacity: Any = 100, background: Any = "000000", blur: Any = 0, fallback: Any = None,
                            add_to_db: Any = True) -> Any:
        """The hash standing for an image and its transform, stored unless ``add_to_db`` is off.

        ``fallback`` when there is neither an image nor a rating key.
        """
        ...

    def set_img_info(self, img_hash: Any = None, img_title: Any = None, img_url: Any = None, delete_hash: Any = None,
                     service: Any = None) -> None:
        """Store an image uploaded to a hosting service (nothing for an unknown service)."""
        ...

    def delete_img_info(self, rating_key: Any = None, service: Any = "", delete_all: bool = False) -> Any:
        """Delete an item's (or every) hosted image from the host, then its rows; the service name.

        Without ``delete_all`` the service is the configured one; False without a rating key. The host is asked
        before the rows go (outside the write transaction): an Imgur failure is logged, a Cloudinary one raises.
        """
        ...

    def delete_lookup_info(self, rating_key: Any = "", service: Any = "", delete_all: bool = False) -> Any:
        """Delete an item's cached metadata ids (or a whole cache); True, False without a key, None if unknown."""
        ...

    def set_recently_added_item(self, rating_key: Any = "") -> bool:
        """Store an item announced as recently added, with its media from Plex; False if the write failed."""
        ...


OPERATIONS: Final = operations("lookups", {
    "get_img_info": Operation.read(ordered_when=lambda args: bool(args.get("order_by"))),
    "get_poster_info": Operation.read(),
    "get_lookup_info": Operation.read(),
    "get_recently_added_item": Operation.read(Ordering.MULTISET),
    "get_hash_image_info": Operation.read(),
    "lookup_tvmaze_by_id": Operation.read(),
    "lookup_themoviedb_by_id": Operation.read(),
    "get_themoviedb_info": Operation.read(),
    "lookup_musicbrainz_info": Operation.read(),
    "set_hash_image_info": Operation.write(tables=("image_hash_lookup",)),
    "set_img_info": Operation.write(tables=("imgur_lookup", "cloudinary_lookup")),
    "delete_img_info": Operation.write(tables=("imgur_lookup", "cloudinary_lookup")),
    "delete_lookup_info": Operation.write(tables=("themoviedb_lookup", "tvmaze_lookup", "musicbrainz_lookup")),
    "set_recently_added_item": Operation.write(tables=("recently_added",)),
})
