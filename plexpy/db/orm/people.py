"""Users and their sign-ins: ``users`` (keyed for joins by Plex's ``user_id``) and ``user_login``.

``User.history`` and ``User.logins`` are read-only collections (``viewonly``, ``lazy="raise"``: load them
explicitly with ``selectinload``). They are not the way to delete a user's plays: Tautulli deletes by the
play's ``user_id`` whether or not a users row exists, so deletes query ``SessionHistory`` directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Mapped, foreign, relationship

from plexpy.db import schema
from plexpy.db.orm.base import Base

if TYPE_CHECKING:
    from plexpy.db.orm.history import SessionHistory

__all__ = ["User", "UserLogin"]


class User(Base):
    """A Plex user Tautulli knows (``deleted_user`` marks one removed from the lists)."""

    __table__ = schema.users

    history: Mapped[list[SessionHistory]] = relationship(
        "SessionHistory",
        primaryjoin="User.user_id == foreign(SessionHistory.user_id)",
        viewonly=True,
        lazy="raise",
        order_by="SessionHistory.id",
    )
    logins: Mapped[list[UserLogin]] = relationship(
        "UserLogin",
        primaryjoin="User.user_id == foreign(UserLogin.user_id)",
        viewonly=True,
        lazy="raise",
        order_by="UserLogin.id",
    )


class UserLogin(Base):
    """One sign-in attempt to Tautulli's web interface; ``account`` is its users row (None for the admin's)."""

    __table__ = schema.user_login

    account: Mapped[User | None] = relationship(
        User,
        primaryjoin=lambda: foreign(UserLogin.user_id) == User.user_id,
        uselist=False,
        viewonly=True,
        lazy="selectin",
    )
