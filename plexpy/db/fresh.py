"""The rows a fresh Tautulli v2.17.2 database holds before any use."""

from __future__ import annotations

from typing import Final

from sqlalchemy import Connection, insert

from plexpy.db.schema import users, version_info

__all__ = ["LOCAL_USERNAME", "TAUTULLI_VERSION", "seed_fresh"]

TAUTULLI_VERSION: Final = "v2.17.2"
LOCAL_USERNAME: Final = "Local"


def seed_fresh(connection: Connection) -> None:
    """Insert the built-in ``Local`` user and the version row of a fresh install.

    The user insert takes id 1, which also writes the ``sqlite_sequence`` row
    ``users = 1`` on SQLite. The caller owns the transaction.
    """
    connection.execute(insert(users).values(user_id=0, username=LOCAL_USERNAME))
    connection.execute(insert(version_info).values(key="version", value=TAUTULLI_VERSION))
