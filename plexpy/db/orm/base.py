"""The declarative base of the ORM: its own registry, mapped onto the Core tables of ``plexpy.db.schema``.

Each model names its table (``__table__ = schema.session_history``), so the columns, types, defaults and the
PostgreSQL variants come from the one schema definition and are never listed twice. Tautulli's database has
no foreign keys, so every relationship states its join with ``primaryjoin`` and ``foreign()``.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase, registry

from plexpy.db import schema

__all__ = ["Base"]


class Base(DeclarativeBase):
    """Base class of every model; ``Base.metadata`` is ``schema.metadata`` (no second MetaData)."""

    registry = registry(metadata=schema.metadata)
