"""The lookups domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path)."""

from __future__ import annotations

import json
from typing import Any

import structlog

from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.lookups import images, network, pms_metadata, shaping

__all__ = ["TWIN", "LegacyLookups"]

log = structlog.get_logger(__name__)

# Hosted images: {title}/{url} are the service's columns, {where}/{order} built from whitelisted names only.
_IMAGES = """
SELECT s.{title} AS img_title, s.{url} AS img_url
FROM {table} AS s
JOIN image_hash_lookup AS h ON s.img_hash = h.img_hash
{where} {order}"""

_TVMAZE_ID = "SELECT tvmaze_id FROM tvmaze_lookup WHERE rating_key = ?"
_THEMOVIEDB_ID = "SELECT themoviedb_id FROM themoviedb_lookup WHERE rating_key = ?"
_MUSICBRAINZ_ID = "SELECT musicbrainz_id FROM musicbrainz_lookup WHERE rating_key = ?"

_RECENTLY_ADDED = f"SELECT {', '.join(shaping.RECENTLY_ADDED_COLUMNS)} FROM recently_added WHERE rating_key = ?"

_HASH_IMAGE = f"SELECT {', '.join(shaping.HASH_COLUMNS)} FROM image_hash_lookup WHERE img_hash = ?"

_TVMAZE = "SELECT imdb_id, tvmaze_id, tvmaze_url FROM tvmaze_lookup WHERE rating_key = ?"
_THEMOVIEDB = "SELECT thetvdb_id, imdb_id, themoviedb_id, themoviedb_url FROM themoviedb_lookup WHERE rating_key = ?"
_THEMOVIEDB_JSON = "SELECT themoviedb_json FROM themoviedb_lookup WHERE rating_key = ?"
_MUSICBRAINZ = "SELECT musicbrainz_id, musicbrainz_url, musicbrainz_type FROM musicbrainz_lookup WHERE rating_key = ?"

# Hosted-image deletes: {where} is empty or filters image_hash_lookup by rating key; {table} is whitelisted.
_IMGUR_UPLOADS = """
SELECT s.imgur_title AS imgur_title, s.delete_hash AS delete_hash, h.fallback AS fallback
FROM imgur_lookup AS s
JOIN image_hash_lookup AS h ON s.img_hash = h.img_hash
{where}
ORDER BY s.id"""
_CLOUDINARY_KEYS = """
SELECT h.rating_key AS rating_key
FROM cloudinary_lookup AS s
JOIN image_hash_lookup AS h ON s.img_hash = h.img_hash
{where}
GROUP BY h.rating_key
ORDER BY h.rating_key"""
_DELETE_HOSTED = "DELETE FROM {table} WHERE img_hash IN (SELECT img_hash FROM image_hash_lookup AS h {where})"
_HASH_OF_KEY = "WHERE h.rating_key = ?"

_DELETE_CACHED = "DELETE FROM {service}_lookup WHERE rating_key = ?"
_CLEAR_CACHE = "DELETE FROM {service}_lookup"


class LegacyLookups:
    """Lookups reads on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def get_img_info(self, img: Any = None, rating_key: Any = None, width: Any = None, height: Any = None,
                     opacity: Any = None, background: Any = None, blur: Any = None, fallback: Any = None,
                     order_by: Any = "", service: Any = None) -> list[dict[str, Any]]:
        """Images uploaded to a hosting service matching the given attributes (``[]`` without a service)."""
        query = shaping.image_query(service, order_by, img=img, rating_key=rating_key, width=width, height=height,
                                    opacity=opacity, background=background, blur=blur, fallback=fallback)
        if query is None:
            return []
        _table, columns = shaping.SERVICES[query.service]
        where = " AND ".join(f"h.{name} = ?" for name, _ in query.filters)
        order = ""
        if query.order is not None:
            table, column = query.order
            alias = "" if not table else ("h." if table == "image_hash_lookup" else "s.")
            order = f"ORDER BY {alias}{column} DESC"
        sql = _IMAGES.format(title=columns[2], url=columns[3], table=query.table,
                             where=f"WHERE {where}" if where else "", order=order)
        try:
            return self._db.select(sql, [value for _, value in query.filters])
        except TautulliDBError:
            return []

    def get_poster_info(self, rating_key: Any = "", metadata: Any = None, service: Any = None) -> dict[str, Any]:
        """The hosted poster of an item (largest first), or ``{}``."""
        key = shaping.poster_key(rating_key, metadata)
        if not key:
            return {}
        chosen = shaping.poster_service(service)
        if not chosen:
            return {}
        images = self.get_img_info(rating_key=key, order_by="height", fallback="poster", service=chosen)
        return shaping.poster_info(chosen, images)

    def get_lookup_info(self, rating_key: Any = "", metadata: Any = None) -> dict[str, Any]:
        """The TVmaze, TheMovieDB and MusicBrainz ids cached for an item."""
        key = shaping.lookup_key(rating_key, metadata)
        found: list[dict[str, Any]] = []
        if key:
            try:
                for sql in (_TVMAZE_ID, _THEMOVIEDB_ID, _MUSICBRAINZ_ID):
                    found.append(self._db.select_single(sql, [key]))
            except TautulliDBError:
                log.warning("lookups.lookup_info_failed", rating_key=key)
        found += [{}] * (3 - len(found))
        return shaping.lookup_info(*found)

    def get_recently_added_item(self, rating_key: Any = "") -> list[dict[str, Any]]:
        """The recently added rows of an item."""
        if not rating_key:
            return []
        try:
            return self._db.select(_RECENTLY_ADDED, [rating_key])
        except TautulliDBError:
            return []

    def get_hash_image_info(self, img_hash: Any = None) -> dict[str, Any]:
        """The image behind a hash, or ``{}``."""
        return self._db.select_single(_HASH_IMAGE, [img_hash])

    def lookup_tvmaze_by_id(self, rating_key: Any = None, thetvdb_id: Any = None, imdb_id: Any = None,
                            title: Any = None) -> dict[str, Any]:
        """TVmaze ids of an item: the cache, else TVmaze."""
        try:
            cached = self._db.select_single(_TVMAZE, [rating_key])
        except TautulliDBError:
            return {}
        return cached or network.tvmaze(rating_key, thetvdb_id, imdb_id, title, store=self._store)

    def lookup_themoviedb_by_id(self, rating_key: Any = None, thetvdb_id: Any = None, imdb_id: Any = None,
                                title: Any = None, year: Any = None, media_type: Any = None) -> dict[str, Any]:
        """TheMovieDB ids of an item: the cache, else TheMovieDB."""
        try:
            cached = self._db.select_single(_THEMOVIEDB, [rating_key])
        except TautulliDBError:
            return {}
        return cached or network.themoviedb_ids(rating_key, thetvdb_id, imdb_id, title, year, media_type,
                                                details=self.get_themoviedb_info, store=self._store)

    def get_themoviedb_info(self, rating_key: Any = None, media_type: Any = None,
                            themoviedb_id: Any = None) -> dict[str, Any]:
        """TheMovieDB's JSON for an item: the cache, else TheMovieDB."""
        media_type = shaping.themoviedb_media_type(media_type)
        try:
            cached = self._db.select_single(_THEMOVIEDB_JSON, [rating_key])
        except TautulliDBError:
            return {}
        if cached:
            try:
                return json.loads(cached["themoviedb_json"])  # type: ignore[no-any-return]
            except (TypeError, ValueError):
                log.debug("lookups.themoviedb_json_unreadable", rating_key=rating_key)
        return network.themoviedb_json(rating_key, media_type, themoviedb_id, store=self._store)

    def lookup_musicbrainz_info(self, musicbrainz_type: Any = None, rating_key: Any = None, artist: Any = None,
                                release: Any = None, recording: Any = None, tracks: Any = None,
                                tnum: Any = None) -> dict[str, Any]:
        """MusicBrainz ids of an item: the cache, else MusicBrainz."""
        try:
            cached = self._db.select_single(_MUSICBRAINZ, [rating_key])
        except TautulliDBError:
            return {}
        if cached:
            return cached
        fields = {"artist": artist, "release": release, "recording": recording, "tracks": tracks, "tnum": tnum}
        return network.musicbrainz(musicbrainz_type, rating_key, fields, store=self._store)

    def set_hash_image_info(self, img: Any = None, rating_key: Any = None, width: Any = 750, height: Any = 1000,
                            opacity: Any = 100, background: Any = "000000", blur: Any = 0, fallback: Any = None,
                            add_to_db: Any = True) -> Any:
        """The hash standing for an image and its transform, stored unless ``add_to_db`` is off."""
        if not rating_key and not img:
            return fallback
        image = images.hashed_image(img, rating_key, width, height, opacity, background, blur, fallback)
        if add_to_db:
            with self._db.transaction():
                self._db.upsert("image_hash_lookup", image.values, {"img_hash": image.img_hash})
        return image.img_hash

    def set_img_info(self, img_hash: Any = None, img_title: Any = None, img_url: Any = None, delete_hash: Any = None,
                     service: Any = None) -> None:
        """Store an image uploaded to a hosting service (nothing for an unknown service)."""
        values = images.hosted_image_values(service, img_title, img_url, delete_hash)
        if values is not None:
            with self._db.transaction():
                self._db.upsert(images.IMAGE_TABLES[service], values, {"img_hash": img_hash})

    def delete_img_info(self, rating_key: Any = None, service: Any = "", delete_all: bool = False) -> Any:
        """Delete an item's (or every) hosted image from the host, then its rows; the service name."""
        if not delete_all:
            service = images.configured_service()
        if not rating_key and not delete_all:
            log.error("lookups.delete_images_without_key")
            return False
        where, args = (_HASH_OF_KEY, [rating_key]) if rating_key else ("", [])
        kind = service.lower()  # type: ignore[union-attr] - no configured service fails here, as in Tautulli
        if kind == "imgur":
            for upload in self._db.select(_IMGUR_UPLOADS.format(where=where), args):
                if upload["delete_hash"]:
                    images.delete_from_imgur(upload["delete_hash"], upload["imgur_title"], upload["fallback"])
        elif kind == "cloudinary":
            keys = [] if delete_all else [r["rating_key"] for r in self._db.select(
                _CLOUDINARY_KEYS.format(where=where), args)]
            images.delete_from_cloudinary(keys, delete_all)
        else:
            log.error("lookups.unknown_image_service")
            return service
        with self._db.transaction():
            self._db.action(_DELETE_HOSTED.format(table=images.IMAGE_TABLES[kind], where=where), args)
        return service

    def delete_lookup_info(self, rating_key: Any = "", service: Any = "", delete_all: bool = False) -> Any:
        """Delete an item's cached metadata ids (or a whole cache); True, False without a key, None if unknown."""
        if not rating_key and not delete_all:
            log.error("lookups.delete_lookup_without_key")
            return False
        if rating_key:
            with self._db.transaction():
                for cache in shaping.CACHE_SERVICES:
                    self._db.action(_DELETE_CACHED.format(service=cache), [rating_key])
            return True
        if not service:
            return None
        if service.lower() not in shaping.CACHE_SERVICES:
            log.error("lookups.unknown_lookup_service")
            return None
        with self._db.transaction():
            self._db.action(_CLEAR_CACHE.format(service=service.lower()))
        return True

    def set_recently_added_item(self, rating_key: Any = "") -> bool:
        """Store an item announced as recently added, with its media from Plex; False if the write failed."""
        keys, values = shaping.recently_added_row(pms_metadata.metadata_details(rating_key))
        try:
            with self._db.transaction():
                self._db.upsert("recently_added", values, keys)
        except TautulliDBError as exc:
            shaping.failed(exc, "lookups.recently_added_failed", rating_key=str(rating_key))
            return False
        return True

    def _store(self, table: str, keys: dict[str, Any], values: dict[str, Any]) -> str:
        """Cache a web service's answer (Tautulli's update-then-insert), in one transaction."""
        with self._db.transaction():
            return self._db.upsert(table, values, keys)


TWIN = LegacyLookups
