"""The lookups domain on SQLAlchemy Core: the same answers, with every SQLite quirk made explicit.

Bound values compare with each column as SQLite's affinity makes them compare (``affinity_equals``), and the
rows of a hosted-image list come in the order SQLite's plan reads them.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import Integer

from plexpy.db.engine import connect
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import (
    cloudinary_lookup,
    image_hash_lookup,
    imgur_lookup,
    musicbrainz_lookup,
    recently_added,
    themoviedb_lookup,
    tvmaze_lookup,
)
from plexpy.db.sqlfuncs import affinity_equals, binary_collate, integer_affinity
from plexpy.domains.lookups import network, shaping

__all__ = ["TWIN", "SqlaLookups"]

log = structlog.get_logger(__name__)

h = image_hash_lookup
_SERVICE_TABLES = {"imgur_lookup": imgur_lookup, "cloudinary_lookup": cloudinary_lookup}
_CACHE_TABLES = {t.name: t for t in (tvmaze_lookup, themoviedb_lookup, musicbrainz_lookup)}


def _first(table: Table, rating_key: Any, *columns: str) -> Any:
    """The first cached row of an item (``select_single``: lowest id)."""
    return (select(*(table.c[c] for c in columns)).where(affinity_equals(table.c.rating_key, rating_key))
            .order_by(table.c.id).limit(1))


class SqlaLookups:
    """Lookups reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        with connect(self._engine, op) as conn:
            return [dict(r) for r in conn.execute(stmt).mappings()]

    def _single(self, stmt: Any, op: str) -> dict[str, Any]:
        rows = self._rows(stmt, op)
        return rows[0] if rows else {}

    def get_img_info(self, img: Any = None, rating_key: Any = None, width: Any = None, height: Any = None,
                     opacity: Any = None, background: Any = None, blur: Any = None, fallback: Any = None,
                     order_by: Any = "", service: Any = None) -> list[dict[str, Any]]:
        """Images uploaded to a hosting service matching the given attributes (``[]`` without a service).

        SQLite reads image_hash_lookup first when any attribute filters it, else the service's table, both in
        rowid order; its sort keeps that order among ties.
        """
        query = shaping.image_query(service, order_by, img=img, rating_key=rating_key, width=width, height=height,
                                    opacity=opacity, background=background, blur=blur, fallback=fallback)
        if query is None:
            return []
        s = _SERVICE_TABLES[query.table]
        _table, columns = shaping.SERVICES[query.service]
        title, url = s.c[columns[2]].label("img_title"), s.c[columns[3]].label("img_url")
        keys: list[Any] = []
        if query.order is not None:
            table, column = query.order
            aliases = {"img_title": s.c[columns[2]], "img_url": s.c[columns[3]]}
            source = {"": aliases, "image_hash_lookup": h.c}.get(table, s.c)
            keys.append(binary_collate(source[column]).desc().nulls_last())
        keys.append((h if query.filters else s).c.id)
        stmt = (
            select(title, url)
            .select_from(s.join(h, s.c.img_hash == h.c.img_hash))
            .where(*(affinity_equals(h.c[name], value) for name, value in query.filters))
            .order_by(*keys)
        )
        try:
            return self._rows(stmt, "lookups.get_img_info")
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
                for table, column in ((tvmaze_lookup, "tvmaze_id"), (themoviedb_lookup, "themoviedb_id"),
                                      (musicbrainz_lookup, "musicbrainz_id")):
                    found.append(self._single(_first(table, key, column), "lookups.get_lookup_info"))
            except TautulliDBError:
                log.warning("lookups.lookup_info_failed", rating_key=key)
        found += [{}] * (3 - len(found))
        return shaping.lookup_info(*found)

    def get_recently_added_item(self, rating_key: Any = "") -> list[dict[str, Any]]:
        """The recently added rows of an item."""
        if not rating_key:
            return []
        ra = recently_added
        stmt = (select(*(ra.c[c] for c in shaping.RECENTLY_ADDED_COLUMNS))
                .where(affinity_equals(ra.c.rating_key, rating_key)).order_by(ra.c.id))
        try:
            return self._rows(stmt, "lookups.get_recently_added_item")
        except TautulliDBError:
            return []

    def get_hash_image_info(self, img_hash: Any = None) -> dict[str, Any]:
        """The image behind a hash, or ``{}``."""
        stmt = (select(*(h.c[c] for c in shaping.HASH_COLUMNS)).where(affinity_equals(h.c.img_hash, img_hash))
                .order_by(h.c.id).limit(1))
        return self._single(stmt, "lookups.get_hash_image_info")

    def lookup_tvmaze_by_id(self, rating_key: Any = None, thetvdb_id: Any = None, imdb_id: Any = None,
                            title: Any = None) -> dict[str, Any]:
        """TVmaze ids of an item: the cache, else TVmaze."""
        try:
            cached = self._single(_first(tvmaze_lookup, rating_key, "imdb_id", "tvmaze_id", "tvmaze_url"),
                                  "lookups.lookup_tvmaze_by_id")
        except TautulliDBError:
            return {}
        return cached or network.tvmaze(rating_key, thetvdb_id, imdb_id, title, store=self._store)

    def lookup_themoviedb_by_id(self, rating_key: Any = None, thetvdb_id: Any = None, imdb_id: Any = None,
                                title: Any = None, year: Any = None, media_type: Any = None) -> dict[str, Any]:
        """TheMovieDB ids of an item: the cache, else TheMovieDB."""
        try:
            cached = self._single(
                _first(themoviedb_lookup, rating_key, "thetvdb_id", "imdb_id", "themoviedb_id", "themoviedb_url"),
                "lookups.lookup_themoviedb_by_id")
        except TautulliDBError:
            return {}
        return cached or network.themoviedb_ids(rating_key, thetvdb_id, imdb_id, title, year, media_type,
                                                details=self.get_themoviedb_info, store=self._store)

    def get_themoviedb_info(self, rating_key: Any = None, media_type: Any = None,
                            themoviedb_id: Any = None) -> dict[str, Any]:
        """TheMovieDB's JSON for an item: the cache, else TheMovieDB."""
        media_type = shaping.themoviedb_media_type(media_type)
        try:
            cached = self._single(_first(themoviedb_lookup, rating_key, "themoviedb_json"),
                                  "lookups.get_themoviedb_info")
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
            cached = self._single(
                _first(musicbrainz_lookup, rating_key, "musicbrainz_id", "musicbrainz_url", "musicbrainz_type"),
                "lookups.lookup_musicbrainz_info")
        except TautulliDBError:
            return {}
        if cached:
            return cached
        fields = {"artist": artist, "release": release, "recording": recording, "tracks": tracks, "tnum": tnum}
        return network.musicbrainz(musicbrainz_type, rating_key, fields, store=self._store)

    def _store(self, table_name: str, keys: dict[str, Any], values: dict[str, Any]) -> str:
        """Cache a web service's answer: update the rows matching ``keys``, else insert (a duplicate is ignored)."""
        table = _CACHE_TABLES[table_name]
        stored = {k: _as_stored(table, k, v) for k, v in {**keys, **values}.items()}
        match = [affinity_equals(table.c[k], v) for k, v in keys.items()]
        with connect(self._engine, f"lookups.store_{table_name}") as conn:
            changed = conn.execute(update(table).where(*match).values(**{k: stored[k] for k in values})).rowcount
        if changed:
            return "update"
        try:
            with connect(self._engine, f"lookups.store_{table_name}") as conn:
                conn.execute(insert(table).values(**stored))
        except TautulliDBError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
            log.info("lookups.store_ignored", table=table_name)
        return "insert"


def _as_stored(table: Table, column: str, value: Any) -> Any:
    """A value as an INTEGER column stores it in SQLite: numeric text becomes a number."""
    if isinstance(table.c[column].type, Integer) and isinstance(value, str):
        number = integer_affinity(value)
        return number if number is not None else value
    return value


TWIN = SqlaLookups
