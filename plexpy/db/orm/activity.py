"""Live activity: ``sessions`` (streams now playing) and ``sessions_continued`` (resume markers)."""

from __future__ import annotations

from sqlalchemy.orm import Mapped, foreign, relationship

from plexpy.db import schema
from plexpy.db.orm.base import Base
from plexpy.db.orm.people import User

__all__ = ["Session", "SessionContinued"]


class Session(Base):
    """One stream being played now; ``account`` (its users row) is read-only: a new user may have none yet."""

    __table__ = schema.sessions

    account: Mapped[User | None] = relationship(
        User,
        primaryjoin=lambda: foreign(Session.user_id) == User.user_id,
        uselist=False,
        viewonly=True,
        lazy="selectin",
    )


class SessionContinued(Base):
    """Whether a user's last stream of a media type on a player was stopped (for "continued" notifications)."""

    __table__ = schema.sessions_continued
