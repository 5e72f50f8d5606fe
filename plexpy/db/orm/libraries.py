"""Library sections: one row per Plex server and section (``UNIQUE (server_id, section_id)``).

Plays carry only a ``section_id``, and Tautulli joins plays to libraries on ``section_id`` alone, so
``LibrarySection.history`` does the same. When two servers share a section id, both library rows see the same
plays: the relationship is read-only (``viewonly``) and a collection (``lazy="raise"``: load it explicitly).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, relationship

from plexpy.db import schema
from plexpy.db.orm.base import Base

if TYPE_CHECKING:
    from plexpy.db.orm.history import SessionHistory

__all__ = ["LibrarySection"]


class LibrarySection(Base):
    """A Plex library section of one server."""

    __table__ = schema.library_sections

    history: Mapped[list[SessionHistory]] = relationship(
        "SessionHistory",
        primaryjoin="LibrarySection.section_id == foreign(SessionHistory.section_id)",
        viewonly=True,
        lazy="raise",
        order_by="SessionHistory.id",
    )
