"""Notification agents and newsletters with their logs.

Tautulli keeps log rows when it deletes a notifier or a newsletter, so the logs are read-only collections
(``viewonly``, ``lazy="raise"``) and deleting an agent never cascades; a log row's agent may be missing.
"""

from __future__ import annotations

from sqlalchemy.orm import Mapped, foreign, relationship

from plexpy.db import schema
from plexpy.db.orm.base import Base

__all__ = ["Newsletter", "NewsletterLog", "Notifier", "NotifyLog"]


class Notifier(Base):
    """A configured notification agent: its config JSON, triggers, texts and conditions."""

    __table__ = schema.notifiers

    log: Mapped[list[NotifyLog]] = relationship(
        "NotifyLog",
        primaryjoin="Notifier.id == foreign(NotifyLog.notifier_id)",
        viewonly=True,
        lazy="raise",
        order_by="NotifyLog.id",
    )


class NotifyLog(Base):
    """One notification sent (or attempted); ``notifier`` is None once the notifier is deleted."""

    __table__ = schema.notify_log

    notifier: Mapped[Notifier | None] = relationship(
        Notifier,
        primaryjoin=lambda: foreign(NotifyLog.notifier_id) == Notifier.id,
        uselist=False,
        viewonly=True,
        lazy="selectin",
    )


class Newsletter(Base):
    """A configured newsletter agent and its schedule."""

    __table__ = schema.newsletters

    log: Mapped[list[NewsletterLog]] = relationship(
        "NewsletterLog",
        primaryjoin="Newsletter.id == foreign(NewsletterLog.newsletter_id)",
        viewonly=True,
        lazy="raise",
        order_by="NewsletterLog.id",
    )


class NewsletterLog(Base):
    """One newsletter sent (or attempted); ``newsletter`` is None once the newsletter is deleted."""

    __table__ = schema.newsletter_log

    newsletter: Mapped[Newsletter | None] = relationship(
        Newsletter,
        primaryjoin=lambda: foreign(NewsletterLog.newsletter_id) == Newsletter.id,
        uselist=False,
        viewonly=True,
        lazy="selectin",
    )
