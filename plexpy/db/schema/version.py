"""Tables of the Tautulli v2.17.2 schema: the schema version row.

Do not edit; generated from tests/data/legacy_corpus/fresh_v2.17.2.db by tools/gen_schema.py.
"""

from __future__ import annotations

from sqlalchemy import TEXT, Column, Table, UniqueConstraint

from plexpy.db.schema.base import metadata

__all__ = [
    "version_info",
]


version_info = Table(
    "version_info",
    metadata,
    Column("key", TEXT),
    Column("value", TEXT),
    UniqueConstraint("key"),
)
