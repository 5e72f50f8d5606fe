"""The lookups domain on SQLAlchemy Core: the same answers, with every SQLite quirk made explicit.

Bound values compare with each column as SQLite's affinity makes them compare (``affinity_equals``), and the
rows of a hosted-image list come in the order SQLite's plan reads them.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from plexpy.db.compiled_rows import fetch_dicts
from plexpy.db.engine import connect, transaction
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
from plexpy.db.sqlfuncs import affinity_equals, binary_collate, stored_values
from plexpy.db.stmt_cache import Bound, affinity_shape, affinity_shapes, bound_affinity_equals, per_shape
from plexpy.db.upsert import UpsertResult, upsert
from plexpy.domains.lookups import images, network, pms_metadata, shaping

__all__ = ["TWIN", "SqlaLookups"]

log = structlog.get_logger(__name__)

h = image_hash_lookup
_SERVICE_TABLES = {"imgur_lookup": imgur_lookup, "cloudinary_lookup": cloudinary_lookup}
_CACHE_TABLES = {t.name: t for t in (tvmaze_lookup, themoviedb_lookup, musicbrainz_lookup)}
_IMAGE_TABLES = {service: _SERVICE_TABLES[name] for service, name in images.IMAGE_TABLES.items()}


def _first(table: Table, rating_key: Any, *columns: str) -> Bound:
    """The first cached row of an item (``select_single``: lowest id)."""
    kind, value = affinity_shape(table.c.rating_key, rating_key)
    return Bound(_first_stmt(table.name, kind, columns), {"rating_key": value})


@per_shape()
def _first_stmt(table_name: str, kind: str, columns: tuple[str, ...]) -> Any:
    """``_first``'s statement, built once per table, key kind and columns (plexpy.db.stmt_cache)."""
    table = _CACHE_TABLES[table_name]
    return (select(*(table.c[c] for c in columns)).where(bound_affinity_equals(table.c.rating_key, kind, "rating_key"))
            .order_by(table.c.id).limit(1))


@per_shape()
def _recently_added_stmt(kind: str) -> Any:
    """An item's recently added rows, its ``:rating_key`` of ``kind`` (plexpy.db.stmt_cache)."""
    ra = recently_added
    return (select(*(ra.c[c] for c in shaping.RECENTLY_ADDED_COLUMNS))
            .where(bound_affinity_equals(ra.c.rating_key, kind, "rating_key")).order_by(ra.c.id))


@per_shape()
def _img_info_stmt(table_name: str, service: str, order: tuple[str, str] | None,
                   filters: tuple[tuple[str, str], ...]) -> Any:
    """``get_img_info``'s statement, once per service, sort and filtered columns with their values' kinds.

    Each filter ``(column, kind)`` of ``image_hash_lookup`` binds its value as ``:column`` (plexpy.db.stmt_cache).
    """
    s = _SERVICE_TABLES[table_name]
    _table, columns = shaping.SERVICES[service]
    title, url = s.c[columns[2]].label("img_title"), s.c[columns[3]].label("img_url")
    keys: list[Any] = []
    if order is not None:
        table, column = order
        aliases = {"img_title": s.c[columns[2]], "img_url": s.c[columns[3]]}
        source = {"": aliases, "image_hash_lookup": h.c}.get(table, s.c)
        keys.append(binary_collate(source[column]).desc().nulls_last())
    keys.append((h if filters else s).c.id)
    return (
        select(title, url)
        .select_from(s.join(h, s.c.img_hash == h.c.img_hash))
        .where(*(bound_affinity_equals(h.c[name], kind, name) for name, kind in filters))
        .order_by(*keys)
    )


class SqlaLookups:
    """Lookups reads on SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _rows(self, stmt: Any, op: str) -> list[dict[str, Any]]:
        stmt, params = stmt if isinstance(stmt, Bound) else (stmt, None)
        with connect(self._engine, op) as conn:
            return fetch_dicts(conn, stmt, params)

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
        kinds, params = affinity_shapes(h, query.filters)
        names = tuple(name for name, _ in query.filters)
        stmt = Bound(_img_info_stmt(query.table, query.service, query.order, tuple(zip(names, kinds, strict=True))),
                     params)
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
        kind, value = affinity_shape(recently_added.c.rating_key, rating_key)
        stmt = Bound(_recently_added_stmt(kind), {"rating_key": value})
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

    def set_hash_image_info(self, img: Any = None, rating_key: Any = None, width: Any = 750, height: Any = 1000,
                            opacity: Any = 100, background: Any = "000000", blur: Any = 0, fallback: Any = None,
                            add_to_db: Any = True) -> Any:
        """The hash standing for an image and its transform, stored unless ``add_to_db`` is off."""
        if not rating_key and not img:
            return fallback
        image = images.hashed_image(img, rating_key, width, height, opacity, background, blur, fallback)
        if add_to_db:
            with transaction(self._engine, "lookups.set_hash_image_info") as conn:
                _upsert(conn, h, image.values, {"img_hash": image.img_hash})
        return image.img_hash

    def set_img_info(self, img_hash: Any = None, img_title: Any = None, img_url: Any = None, delete_hash: Any = None,
                     service: Any = None) -> None:
        """Store an image uploaded to a hosting service (nothing for an unknown service)."""
        values = images.hosted_image_values(service, img_title, img_url, delete_hash)
        if values is not None:
            with transaction(self._engine, "lookups.set_img_info") as conn:
                _upsert(conn, _IMAGE_TABLES[service], values, {"img_hash": img_hash})

    def delete_img_info(self, rating_key: Any = None, service: Any = "", delete_all: bool = False) -> Any:
        """Delete an item's (or every) hosted image from the host, then its rows; the service name."""
        if not delete_all:
            service = images.configured_service()
        if not rating_key and not delete_all:
            log.error("lookups.delete_images_without_key")
            return False
        where: list[ColumnElement[bool]] = [affinity_equals(h.c.rating_key, rating_key)] if rating_key else []
        kind = service.lower()  # type: ignore[union-attr] - no configured service fails here, as in Tautulli
        if kind not in _IMAGE_TABLES:
            log.error("lookups.unknown_image_service")
            return service
        s = _IMAGE_TABLES[kind]
        joined = s.join(h, s.c.img_hash == h.c.img_hash)
        if kind == "imgur":
            uploads = self._rows(select(s.c.imgur_title, s.c.delete_hash, h.c.fallback).select_from(joined)
                                 .where(*where).order_by(s.c.id), "lookups.delete_img_info")
            for upload in uploads:
                if upload["delete_hash"]:
                    images.delete_from_imgur(upload["delete_hash"], upload["imgur_title"], upload["fallback"])
        else:
            keys = [] if delete_all else [r["rating_key"] for r in self._rows(
                select(h.c.rating_key).select_from(joined).where(*where).group_by(h.c.rating_key)
                .order_by(h.c.rating_key), "lookups.delete_img_info")]
            images.delete_from_cloudinary(keys, delete_all)
        with transaction(self._engine, "lookups.delete_img_info") as conn:
            conn.execute(delete(s).where(s.c.img_hash.in_(select(h.c.img_hash).where(*where))))
        return service

    def delete_lookup_info(self, rating_key: Any = "", service: Any = "", delete_all: bool = False) -> Any:
        """Delete an item's cached metadata ids (or a whole cache); True, False without a key, None if unknown."""
        if not rating_key and not delete_all:
            log.error("lookups.delete_lookup_without_key")
            return False
        if rating_key:
            with transaction(self._engine, "lookups.delete_lookup_info") as conn:
                for cache in shaping.CACHE_SERVICES:
                    table = _CACHE_TABLES[f"{cache}_lookup"]
                    conn.execute(delete(table).where(affinity_equals(table.c.rating_key, rating_key)))
            return True
        if not service:
            return None
        if service.lower() not in shaping.CACHE_SERVICES:
            log.error("lookups.unknown_lookup_service")
            return None
        with transaction(self._engine, "lookups.delete_lookup_info") as conn:
            conn.execute(delete(_CACHE_TABLES[f"{service.lower()}_lookup"]))
        return True

    def set_recently_added_item(self, rating_key: Any = "") -> bool:
        """Store an item announced as recently added, with its media from Plex; False if the write failed."""
        keys, values = shaping.recently_added_row(pms_metadata.metadata_details(rating_key))
        try:
            with transaction(self._engine, "lookups.set_recently_added_item") as conn:
                _upsert(conn, recently_added, values, keys)
        except TautulliDBError as exc:
            shaping.failed(exc, "lookups.recently_added_failed", rating_key=str(rating_key))
            return False
        return True

    def _store(self, table_name: str, keys: dict[str, Any], values: dict[str, Any]) -> str:
        """Cache a web service's answer in one transaction: update the rows matching ``keys``, else insert.

        An insert that hits the unique rating key index is ignored, as Tautulli's upsert ignores it.
        """
        table = _CACHE_TABLES[table_name]
        stored = stored_values(table, {**keys, **values})
        match = [affinity_equals(table.c[k], v) for k, v in keys.items()]
        with transaction(self._engine, f"lookups.store_{table_name}") as conn:
            changed = conn.execute(update(table).where(*match).values(**{k: stored[k] for k in values})).rowcount
            if changed:
                return "update"
            try:
                with conn.begin_nested():
                    conn.execute(insert(table).values(**stored))
            except IntegrityError:
                log.info("lookups.store_ignored", table=table_name)
            return "insert"


def _upsert(conn: Connection, table: Table, values: dict[str, Any], keys: dict[str, Any]) -> UpsertResult:
    """Tautulli's update-then-insert with values stored as SQLite's affinity stores them."""
    return upsert(conn, table, stored_values(table, values), stored_values(table, keys))


TWIN = SqlaLookups
