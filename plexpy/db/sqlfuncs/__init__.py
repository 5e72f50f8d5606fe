"""SQLite behaviours the SQLAlchemy path reproduces, one ``@compiles`` construct per quirk and dialect.

Each construct compiles to SQLite's own form on SQLite and to an equivalent on PostgreSQL, so a query is
written once and no query contains ``if dialect == ...``. ``docs/comparison_rules.md`` lists them.

The constructs live in one module per quirk family; importing this package imports them all, which registers
every ``@compiles`` rule.
"""

from __future__ import annotations

from plexpy.db.sqlfuncs.affinity import (
    affinity_equals,
    blank_as_null,
    integer_affinity,
    stored_values,
    text_affinity,
    typed_literal,
    value_type,
)
from plexpy.db.sqlfuncs.affinity import (
    text_in_integer as text_in_integer,
)
from plexpy.db.sqlfuncs.aggregates import SqliteNumber, scalar_min, sqlite_max, sqlite_min, sqlite_number, sqlite_sum
from plexpy.db.sqlfuncs.autoincrement import (
    autoincrement_value,
    insert_or_ignore,
    raise_autoincrement,
    reset_autoincrement,
)
from plexpy.db.sqlfuncs.collation import ascii_like, ascii_upper, binary_collate, nocase, nocase_equals
from plexpy.db.sqlfuncs.row_filters import any_not_null
from plexpy.db.sqlfuncs.strftime import local_strftime, local_strftime_keyed
from plexpy.db.sqlfuncs.text import group_concat, stored_text

__all__ = [
    "SqliteNumber",
    "affinity_equals",
    "any_not_null",
    "ascii_like",
    "ascii_upper",
    "autoincrement_value",
    "binary_collate",
    "blank_as_null",
    "group_concat",
    "insert_or_ignore",
    "integer_affinity",
    "local_strftime",
    "local_strftime_keyed",
    "nocase",
    "nocase_equals",
    "raise_autoincrement",
    "reset_autoincrement",
    "scalar_min",
    "sqlite_max",
    "sqlite_min",
    "sqlite_number",
    "sqlite_sum",
    "stored_text",
    "stored_values",
    "text_affinity",
    "typed_literal",
    "value_type",
]
