"""The store half of Tautulli's user refresh on SQLAlchemy Core, in one transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from plexpy.db.engine import transaction
from plexpy.db.schema import library_sections, users
from plexpy.db.upsert import upsert
from plexpy.domains.users import refresh

__all__ = ["store"]


def store(engine: Engine, refreshed: Any) -> bool | None:
    """Upsert every refreshed user by ``user_id``, then mark every user not shared with inactive."""
    refused = refresh.store_refusal(refreshed)
    if refused is not True:
        return refused
    active = [0]  # the built-in Local user always counts as active
    with transaction(engine, "users.store_refreshed_users") as conn:
        for item in refreshed:
            avatar = None
            if item.get("user_id"):
                found = conn.execute(select(users.c.thumb, users.c.custom_avatar_url)
                                     .where(users.c.user_id == item["user_id"]).order_by(users.c.id)).first()
                avatar = dict(found._mapping) if found is not None else None
            sections = None
            if not item.get("shared_libraries") and item.get("server_token"):
                sections = list(conn.execute(select(library_sections.c.section_id)
                                             .where(library_sections.c.deleted_section == 0)).scalars())
            user_id, values, counted = refresh.refreshed_row(item, avatar, sections)
            if counted:
                active.append(refresh.active_user_id(user_id))
            upsert(conn, users, values, {"user_id": user_id})
        conn.execute(update(users).where(users.c.user_id.not_in(active)).values(is_active=0))
    return True
