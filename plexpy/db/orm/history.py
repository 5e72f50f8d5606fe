"""Plays: ``session_history`` and its two one-to-one companions keyed by the same ``id``.

``SessionHistory.metadata_`` is the play's ``session_history_metadata`` row (``metadata`` is reserved on
declarative classes: it is the MetaData). Both companions load with the play (``selectin``: one extra
statement per list, never one per row) and go with it: deleting a play deletes its metadata and media info
rows, as Tautulli deletes the three tables together. A companion row without a play (an orphan) is reachable
only through its own model; :func:`plexpy.db.orm.cascade.delete_plays` deletes those too.

``SessionHistory.account`` is the play's ``users`` row (the column ``user`` already holds the user name) and
``SessionHistory.libraries`` its library rows; both are read-only (``viewonly``): Tautulli keeps plays whose
users row is gone, and a ``section_id`` can belong to one library row per Plex server.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, foreign, relationship

from plexpy.db import schema
from plexpy.db.orm.base import Base

if TYPE_CHECKING:
    from plexpy.db.orm.libraries import LibrarySection
    from plexpy.db.orm.people import User

__all__ = ["SessionHistory", "SessionHistoryMediaInfo", "SessionHistoryMetadata"]


class SessionHistoryMetadata(Base):
    """A play's item metadata (titles, keys, guid, live TV channel)."""

    __table__ = schema.session_history_metadata


class SessionHistoryMediaInfo(Base):
    """A play's stream and media details (codecs, resolutions, transcode decisions)."""

    __table__ = schema.session_history_media_info


class SessionHistory(Base):
    """One play; ``metadata_`` and ``media_info`` are its companion rows, ``account`` and ``libraries`` read-only."""

    __table__ = schema.session_history

    metadata_: Mapped[SessionHistoryMetadata | None] = relationship(
        SessionHistoryMetadata,
        primaryjoin=lambda: SessionHistory.id == foreign(SessionHistoryMetadata.id),
        uselist=False,
        cascade="all, delete-orphan",
        single_parent=True,
        lazy="selectin",
    )
    media_info: Mapped[SessionHistoryMediaInfo | None] = relationship(
        SessionHistoryMediaInfo,
        primaryjoin=lambda: SessionHistory.id == foreign(SessionHistoryMediaInfo.id),
        uselist=False,
        cascade="all, delete-orphan",
        single_parent=True,
        lazy="selectin",
    )
    account: Mapped[User | None] = relationship(
        "User",
        primaryjoin="foreign(SessionHistory.user_id) == User.user_id",
        uselist=False,
        viewonly=True,
        lazy="selectin",
    )
    libraries: Mapped[list[LibrarySection]] = relationship(
        "LibrarySection",
        primaryjoin="foreign(SessionHistory.section_id) == LibrarySection.section_id",
        uselist=True,
        viewonly=True,
        lazy="raise",
        order_by="LibrarySection.id",
    )
