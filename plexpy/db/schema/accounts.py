"""Tables of the Tautulli v2.17.2 schema: users, libraries and sign-ins.

Do not edit; generated from tests/data/legacy_corpus/fresh_v2.17.2.db by tools/gen_schema.py.
"""

from __future__ import annotations

from sqlalchemy import INTEGER, TEXT, Column, Table, UniqueConstraint, text

from plexpy.db.schema.base import metadata

__all__ = [
    "library_sections",
    "user_login",
    "users",
]


users = Table(
    "users",
    metadata,
    Column("id", INTEGER, primary_key=True, nullable=True),
    Column("user_id", INTEGER, server_default=text("NULL")),
    Column("username", TEXT, nullable=False),
    Column("friendly_name", TEXT),
    Column("thumb", TEXT),
    Column("custom_avatar_url", TEXT),
    Column("title", TEXT),
    Column("email", TEXT),
    Column("is_active", INTEGER, server_default=text("1")),
    Column("is_admin", INTEGER, server_default=text("0")),
    Column("is_home_user", INTEGER, server_default=text("NULL")),
    Column("is_allow_sync", INTEGER, server_default=text("NULL")),
    Column("is_restricted", INTEGER, server_default=text("NULL")),
    Column("do_notify", INTEGER, server_default=text("1")),
    Column("keep_history", INTEGER, server_default=text("1")),
    Column("deleted_user", INTEGER, server_default=text("0")),
    Column("allow_guest", INTEGER, server_default=text("0")),
    Column("user_token", TEXT),
    Column("server_token", TEXT),
    Column("shared_libraries", TEXT),
    Column("filter_all", TEXT),
    Column("filter_movies", TEXT),
    Column("filter_tv", TEXT),
    Column("filter_music", TEXT),
    Column("filter_photos", TEXT),
    UniqueConstraint("user_id"),
    sqlite_autoincrement=True,
)


library_sections = Table(
    "library_sections",
    metadata,
    Column("id", INTEGER, primary_key=True, nullable=True),
    Column("server_id", TEXT),
    Column("section_id", INTEGER),
    Column("section_name", TEXT),
    Column("section_type", TEXT),
    Column("agent", TEXT),
    Column("thumb", TEXT),
    Column("custom_thumb_url", TEXT),
    Column("art", TEXT),
    Column("custom_art_url", TEXT),
    Column("count", INTEGER),
    Column("parent_count", INTEGER),
    Column("child_count", INTEGER),
    Column("is_active", INTEGER, server_default=text("1")),
    Column("do_notify", INTEGER, server_default=text("1")),
    Column("do_notify_created", INTEGER, server_default=text("1")),
    Column("keep_history", INTEGER, server_default=text("1")),
    Column("deleted_section", INTEGER, server_default=text("0")),
    UniqueConstraint("server_id", "section_id"),
    sqlite_autoincrement=True,
)


user_login = Table(
    "user_login",
    metadata,
    Column("id", INTEGER, primary_key=True, nullable=True),
    Column("timestamp", INTEGER),
    Column("user_id", INTEGER),
    Column("user", TEXT),
    Column("user_group", TEXT),
    Column("ip_address", TEXT),
    Column("host", TEXT),
    Column("user_agent", TEXT),
    Column("success", INTEGER, server_default=text("1")),
    Column("expiry", TEXT),
    Column("jwt_token", TEXT),
    sqlite_autoincrement=True,
)
