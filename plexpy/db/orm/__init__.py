"""Declarative models of Tautulli's tables, mapped onto the Core tables of ``plexpy.db.schema``.

One model per table (``version_info`` has no key and stays Core-only). Relationships are declared in the
mappers, since the database has no foreign keys: see each module for the join and what Tautulli's data does
to it. ``docs/architecture.md`` ("ORM or Core") lists which operations use these models.
"""

from __future__ import annotations

from plexpy.db.orm.activity import Session, SessionContinued
from plexpy.db.orm.base import Base
from plexpy.db.orm.cascade import delete_plays
from plexpy.db.orm.devices import Export, MobileDevice
from plexpy.db.orm.history import SessionHistory, SessionHistoryMediaInfo, SessionHistoryMetadata
from plexpy.db.orm.libraries import LibrarySection
from plexpy.db.orm.lookups import (
    CloudinaryLookup,
    ImageHashLookup,
    ImgurLookup,
    MusicbrainzLookup,
    RecentlyAdded,
    ThemoviedbLookup,
    TvmazeLookup,
)
from plexpy.db.orm.notifications import Newsletter, NewsletterLog, Notifier, NotifyLog
from plexpy.db.orm.people import User, UserLogin
from plexpy.db.orm.session import as_row, orm_session

__all__ = [
    "MODELS",
    "Base",
    "CloudinaryLookup",
    "Export",
    "ImageHashLookup",
    "ImgurLookup",
    "LibrarySection",
    "MobileDevice",
    "MusicbrainzLookup",
    "Newsletter",
    "NewsletterLog",
    "Notifier",
    "NotifyLog",
    "RecentlyAdded",
    "Session",
    "SessionContinued",
    "SessionHistory",
    "SessionHistoryMediaInfo",
    "SessionHistoryMetadata",
    "ThemoviedbLookup",
    "TvmazeLookup",
    "User",
    "UserLogin",
    "as_row",
    "delete_plays",
    "orm_session",
]

#: Every model by its table name.
MODELS: dict[str, type[Base]] = {
    model.__table__.name: model  # type: ignore[attr-defined]
    for model in (
        Session, SessionContinued, SessionHistory, SessionHistoryMetadata, SessionHistoryMediaInfo, User,
        LibrarySection, UserLogin, Notifier, NotifyLog, Newsletter, NewsletterLog, RecentlyAdded, MobileDevice,
        TvmazeLookup, ThemoviedbLookup, MusicbrainzLookup, ImageHashLookup, ImgurLookup, CloudinaryLookup, Export,
    )
}
