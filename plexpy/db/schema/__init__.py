"""The Tautulli v2.17.2 schema as a fresh install creates it: the one table definition of the project.

Do not edit; generated from tests/data/legacy_corpus/fresh_v2.17.2.db by tools/gen_schema.py.

Column order, declared types (including the untyped ``session_history_media_info.subtitle_forced``),
stored default text, NOT NULL, AUTOINCREMENT keys, inline UNIQUE constraints (named
``sqlite_autoindex_<table>_N`` by SQLite) and explicit index names are those of the fresh database.
One module per part of the application; they are imported in the database's table order, so ``metadata``
holds the tables in that order. On PostgreSQL every column has the type ``plexpy.db.pgtypes`` gives it (a
variant: SQLite's DDL is unchanged).
"""

from __future__ import annotations

from sqlalchemy import Table

from plexpy.db import pgtypes
from plexpy.db.schema.base import metadata
from plexpy.db.schema.types import Untyped

# The modules are imported in the database's table order: ``metadata`` keeps the order tables join it.
# isort: off
from plexpy.db.schema.version import version_info
from plexpy.db.schema.activity import sessions, sessions_continued
from plexpy.db.schema.history import session_history, session_history_media_info, session_history_metadata
from plexpy.db.schema.accounts import library_sections, user_login, users
from plexpy.db.schema.notifications import (
    mobile_devices,
    newsletter_log,
    newsletters,
    notifiers,
    notify_log,
    recently_added,
)
from plexpy.db.schema.lookups import (
    cloudinary_lookup,
    image_hash_lookup,
    imgur_lookup,
    musicbrainz_lookup,
    themoviedb_lookup,
    tvmaze_lookup,
)
from plexpy.db.schema.exports import exports
# isort: on

__all__ = [
    "TABLES",
    "Untyped",
    "cloudinary_lookup",
    "exports",
    "image_hash_lookup",
    "imgur_lookup",
    "library_sections",
    "metadata",
    "mobile_devices",
    "musicbrainz_lookup",
    "newsletter_log",
    "newsletters",
    "notifiers",
    "notify_log",
    "recently_added",
    "session_history",
    "session_history_media_info",
    "session_history_metadata",
    "sessions",
    "sessions_continued",
    "themoviedb_lookup",
    "tvmaze_lookup",
    "user_login",
    "users",
    "version_info",
]

TABLES: dict[str, Table] = {
    "version_info": version_info,
    "sessions": sessions,
    "sessions_continued": sessions_continued,
    "session_history": session_history,
    "session_history_media_info": session_history_media_info,
    "session_history_metadata": session_history_metadata,
    "users": users,
    "library_sections": library_sections,
    "user_login": user_login,
    "notifiers": notifiers,
    "notify_log": notify_log,
    "newsletters": newsletters,
    "newsletter_log": newsletter_log,
    "recently_added": recently_added,
    "mobile_devices": mobile_devices,
    "tvmaze_lookup": tvmaze_lookup,
    "themoviedb_lookup": themoviedb_lookup,
    "musicbrainz_lookup": musicbrainz_lookup,
    "image_hash_lookup": image_hash_lookup,
    "imgur_lookup": imgur_lookup,
    "cloudinary_lookup": cloudinary_lookup,
    "exports": exports,
}

# PostgreSQL column types (BIGINT for Tautulli's own numbers, JSONB for dynamic values) as variants.
pgtypes.apply_postgresql_types(metadata)
