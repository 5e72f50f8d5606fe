"""The lookups domain on raw sqlite3: our own SQL text, Tautulli's query shapes (the control path)."""

from __future__ import annotations

import json
from typing import Any

import structlog

from plexpy.db.errors import TautulliDBError
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.lookups import network, shaping

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

    def _store(self, table: str, keys: dict[str, Any], values: dict[str, Any]) -> str:
        """Cache a web service's answer (Tautulli's update-then-insert)."""
        return self._db.upsert(table, values, keys)


TWIN = LegacyLookups
