"""Tables of the Tautulli v2.17.2 schema: the caches of external lookups and hosted images.

Do not edit; generated from tests/data/legacy_corpus/fresh_v2.17.2.db by tools/gen_schema.py.
"""

from __future__ import annotations

from sqlalchemy import INTEGER, TEXT, Column, Index, Table, UniqueConstraint

from plexpy.db.schema.base import metadata

__all__ = [
    "cloudinary_lookup",
    "image_hash_lookup",
    "imgur_lookup",
    "musicbrainz_lookup",
    "themoviedb_lookup",
    "tvmaze_lookup",
]


tvmaze_lookup = Table(
    "tvmaze_lookup",
    metadata,
    Column("id", INTEGER, primary_key=True, nullable=True),
    Column("rating_key", INTEGER),
    Column("thetvdb_id", INTEGER),
    Column("imdb_id", TEXT),
    Column("tvmaze_id", INTEGER),
    Column("tvmaze_url", TEXT),
    Column("tvmaze_json", TEXT),
    Index("idx_tvmaze_lookup", "rating_key", unique=True),
    sqlite_autoincrement=True,
)


themoviedb_lookup = Table(
    "themoviedb_lookup",
    metadata,
    Column("id", INTEGER, primary_key=True, nullable=True),
    Column("rating_key", INTEGER),
    Column("thetvdb_id", INTEGER),
    Column("imdb_id", TEXT),
    Column("themoviedb_id", INTEGER),
    Column("themoviedb_url", TEXT),
    Column("themoviedb_json", TEXT),
    Index("idx_themoviedb_lookup", "rating_key", unique=True),
    sqlite_autoincrement=True,
)


musicbrainz_lookup = Table(
    "musicbrainz_lookup",
    metadata,
    Column("id", INTEGER, primary_key=True, nullable=True),
    Column("rating_key", INTEGER),
    Column("musicbrainz_id", INTEGER),
    Column("musicbrainz_url", TEXT),
    Column("musicbrainz_type", TEXT),
    Column("musicbrainz_json", TEXT),
    Index("idx_musicbrainz_lookup", "rating_key", unique=True),
    sqlite_autoincrement=True,
)


image_hash_lookup = Table(
    "image_hash_lookup",
    metadata,
    Column("id", INTEGER, primary_key=True, nullable=True),
    Column("img_hash", TEXT),
    Column("img", TEXT),
    Column("rating_key", INTEGER),
    Column("width", INTEGER),
    Column("height", INTEGER),
    Column("opacity", INTEGER),
    Column("background", TEXT),
    Column("blur", INTEGER),
    Column("fallback", TEXT),
    UniqueConstraint("img_hash"),
    Index("idx_image_hash_lookup", "img_hash", unique=True),
    sqlite_autoincrement=True,
)


imgur_lookup = Table(
    "imgur_lookup",
    metadata,
    Column("id", INTEGER, primary_key=True, nullable=True),
    Column("img_hash", TEXT),
    Column("imgur_title", TEXT),
    Column("imgur_url", TEXT),
    Column("delete_hash", TEXT),
    Index("idx_imgur_lookup", "img_hash", unique=True),
    sqlite_autoincrement=True,
)


cloudinary_lookup = Table(
    "cloudinary_lookup",
    metadata,
    Column("id", INTEGER, primary_key=True, nullable=True),
    Column("img_hash", TEXT),
    Column("cloudinary_title", TEXT),
    Column("cloudinary_url", TEXT),
    Index("idx_cloudinary_lookup", "img_hash", unique=True),
    sqlite_autoincrement=True,
)
