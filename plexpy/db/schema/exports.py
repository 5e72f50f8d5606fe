"""Tables of the Tautulli v2.17.2 schema: library and item exports.

Do not edit; generated from tests/data/legacy_corpus/fresh_v2.17.2.db by tools/gen_schema.py.
"""

from __future__ import annotations

from sqlalchemy import INTEGER, TEXT, Column, Table, text

from plexpy.db.schema.base import metadata

__all__ = [
    "exports",
]


exports = Table(
    "exports",
    metadata,
    Column("id", INTEGER, primary_key=True, nullable=True),
    Column("timestamp", INTEGER),
    Column("section_id", INTEGER),
    Column("user_id", INTEGER),
    Column("rating_key", INTEGER),
    Column("media_type", TEXT),
    Column("title", TEXT),
    Column("file_format", TEXT),
    Column("metadata_level", INTEGER),
    Column("media_info_level", INTEGER),
    Column("thumb_level", INTEGER, server_default=text("0")),
    Column("art_level", INTEGER, server_default=text("0")),
    Column("logo_level", INTEGER, server_default=text("0")),
    Column("squareArt_level", INTEGER, server_default=text("0")),
    Column("theme_level", INTEGER, server_default=text("0")),
    Column("custom_fields", TEXT),
    Column("individual_files", INTEGER, server_default=text("0")),
    Column("file_size", INTEGER, server_default=text("0")),
    Column("complete", INTEGER, server_default=text("0")),
    Column("exported_items", INTEGER, server_default=text("0")),
    Column("total_items", INTEGER, server_default=text("0")),
    sqlite_autoincrement=True,
)
