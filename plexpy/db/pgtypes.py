"""PostgreSQL column types that keep every value SQLite stores, with its storage class.

SQLite keeps what Tautulli writes: ``''`` in INTEGER columns filled from Plex's XML (``year``, rating keys,
stream sizes), UUID text in ``musicbrainz_lookup.musicbrainz_id``, ``1`` beside ``'1'`` in the untyped
``subtitle_forced``. PostgreSQL columns are typed, so on PostgreSQL (and only there):

- an INTEGER column Tautulli fills with its *own* numbers (keys, clocks, counters, flags: :data:`OWN_INTEGERS`)
  is ``BIGINT`` (SQLite integers are 64-bit; ``exports.file_size`` and rating keys outgrow ``INTEGER``);
- every other INTEGER column, and the untyped one, holds *dynamic* values: ``JSONB`` through
  :class:`SqliteValue`, where a JSON number is SQLite's integer (``1``) or real (``1.5``, always written
  with a decimal point), a JSON string is SQLite's text and SQL NULL is NULL. psycopg reads them back as
  ``int``/``float``/``str``, so reads need no post-processing, and numbers compare, sort and index as
  numbers;
- TEXT stays ``TEXT`` (SQLite's TEXT affinity never keeps a number).

:func:`postgresql_type` gives the type of one column; :func:`apply_postgresql_types` sets those types on a
MetaData's columns as PostgreSQL variants (SQLite DDL and behaviour unchanged), :func:`with_postgresql_types` on a
copy. ``docs/postgresql.md``
lists the columns and what a query must do with a dynamic column (arithmetic, ``max``, text functions).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import BIGINT, DefaultClause, Integer, MetaData, TextClause
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

from plexpy.db.sqlfuncs import integer_affinity

__all__ = [
    "OWN_INTEGERS",
    "SqliteValue",
    "StorageClassError",
    "apply_postgresql_types",
    "dynamic_columns",
    "dynamic_default",
    "encode_dynamic",
    "is_dynamic",
    "postgresql_type",
    "with_postgresql_types",
]

Affinity = Literal["integer", "none"]

#: INTEGER columns Tautulli fills with its own Python numbers (``BIGINT`` on PostgreSQL). ``id`` is implied.
OWN_INTEGERS: Mapping[str, frozenset[str]] = {
    "sessions": frozenset({
        "started", "stopped", "paused_counter", "buffer_count", "buffer_last_triggered", "last_paused",
        "watched", "intro", "credits", "commercial", "marker", "initial_stream", "write_attempts",
    }),
    "sessions_continued": frozenset({"stopped"}),
    "session_history": frozenset({"reference_id", "started", "stopped", "paused_counter"}),
    "users": frozenset({"is_active", "is_admin", "do_notify", "keep_history", "deleted_user", "allow_guest"}),
    "library_sections": frozenset({"is_active", "do_notify", "do_notify_created", "keep_history",
                                   "deleted_section"}),
    "user_login": frozenset({"timestamp", "success"}),
    "notify_log": frozenset({"timestamp", "notifier_id", "agent_id", "success"}),
    "newsletters": frozenset({"agent_id", "active"}),
    "newsletter_log": frozenset({"timestamp", "newsletter_id", "agent_id", "start_time", "end_time", "success"}),
    "mobile_devices": frozenset({"last_seen", "official"}),
    "exports": frozenset({
        "timestamp", "metadata_level", "media_info_level", "thumb_level", "art_level", "logo_level",
        "squareArt_level", "theme_level", "individual_files", "file_size", "complete", "exported_items",
        "total_items",
    }),
}
_NOTIFIER_FLAGS = "agent_id"  # notifiers: agent_id and every on_* flag are Tautulli's own


class StorageClassError(ValueError):
    """A value PostgreSQL cannot keep with its SQLite storage class (a BLOB, an infinite real, a NUL)."""


def _own(table: str, column: str) -> bool:
    if column == "id":
        return True
    if table == "notifiers":
        return column == _NOTIFIER_FLAGS or column.startswith("on_")
    return column in OWN_INTEGERS.get(table, frozenset())


def _real_json(value: float) -> str:
    if not math.isfinite(value):
        raise StorageClassError(f"an infinite or NaN real cannot be kept in PostgreSQL: {value!r}")
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def _stored(value: Any, affinity: Affinity) -> Any:
    """``value`` as SQLite stores it in a column of ``affinity`` (INTEGER affinity converts numeric text)."""
    if isinstance(value, bool):
        return int(value)
    if affinity == "integer":
        if isinstance(value, str):
            number = integer_affinity(value)
            value = value if number is None else number
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
            return int(value)
    return value


def encode_dynamic(value: Any, affinity: Affinity = "integer") -> str | None:
    """The JSON text of a dynamic column's value (None for NULL); raise StorageClassError when it cannot be kept."""
    value = _stored(value, affinity)
    if value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _real_json(value)
    if isinstance(value, str):
        if "\x00" in value:
            raise StorageClassError("text with a NUL character cannot be kept in PostgreSQL")
        return json.dumps(value, ensure_ascii=False)
    raise StorageClassError(f"a {type(value).__name__} value cannot be kept in a dynamic column: {value!r}")


class _Jsonb(UserDefinedType[Any]):
    """``JSONB`` whose bound values arrive as JSON text and are cast on the server (``%(p)s::JSONB``).

    The cast is the dialect's bind cast (``render_bind_cast``), not a ``bind_expression``, so an expanding
    ``IN`` with no values still compiles.
    """

    cache_ok = True
    render_bind_cast = True

    def get_col_spec(self, **kw: Any) -> str:
        """Render the column type."""
        return "JSONB"


class SqliteValue(TypeDecorator[Any]):
    """A PostgreSQL column that keeps SQLite's dynamic values (``JSONB``; see the module docstring).

    Bound values get the column's SQLite affinity first (``'12'`` → ``12`` under INTEGER affinity, as SQLite
    converts both stored and compared values), so ``col == '12'`` finds the integer ``12`` and ``col == ''``
    finds the empty text, as on SQLite.
    """

    impl = _Jsonb
    cache_ok = True

    def __init__(self, affinity: Affinity = "integer") -> None:
        super().__init__()
        self.affinity: Affinity = affinity

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        """Encode a Python value as JSON text with SQLite's affinity applied."""
        return encode_dynamic(value, self.affinity)

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        """Psycopg decodes ``jsonb`` already; a driver that returns text gets it decoded here."""
        return json.loads(value) if isinstance(value, str) and dialect.driver != "psycopg" else value

    @property
    def python_type(self) -> type:
        """Values are int, float or str."""
        return object


class dynamic_default(ColumnElement[Any]):
    """A dynamic column's server default: SQLite's literal as is, a ``jsonb`` literal on PostgreSQL."""

    inherit_cache = True
    _traverse_internals = [("literal", InternalTraversal.dp_string)]  # noqa: RUF012 - SQLAlchemy's API

    def __init__(self, literal: str) -> None:
        self.literal = literal


@compiles(dynamic_default)
def _dynamic_default_sqlite(element: dynamic_default, compiler: Any, **kw: Any) -> str:
    return element.literal


@compiles(dynamic_default, "postgresql")
def _dynamic_default_pg(element: dynamic_default, compiler: Any, **kw: Any) -> str:
    if element.literal.upper() == "NULL":
        return "NULL"
    return "'" + element.literal.replace("'", "''") + "'::jsonb"


def postgresql_type(table: str, column: str, declared: TypeEngine[Any]) -> TypeEngine[Any] | None:
    """The PostgreSQL type of ``table.column`` declared ``declared`` in SQLite, or None to keep it."""
    if isinstance(declared, Integer):
        return BIGINT() if _own(table, column) else SqliteValue("integer")
    if type(declared).__name__ == "Untyped":  # schema.Untyped, named to keep this module import-free of schema
        return SqliteValue("none")
    return None


def is_dynamic(type_: TypeEngine[Any]) -> bool:
    """Whether a column type stores dynamic values on PostgreSQL (directly or as its PostgreSQL variant)."""
    variant = getattr(type_, "_variant_mapping", {}).get("postgresql")
    return isinstance(type_, SqliteValue) or isinstance(variant, SqliteValue)


def dynamic_columns(metadata: MetaData) -> dict[str, list[str]]:
    """``{table: [column, ...]}`` of the columns :func:`postgresql_type` makes dynamic."""
    found: dict[str, list[str]] = {}
    for table in metadata.sorted_tables:
        names = [c.name for c in table.columns if isinstance(postgresql_type(table.name, c.name, c.type), SqliteValue)]
        if names:
            found[table.name] = names
    return found


def apply_postgresql_types(metadata: MetaData) -> MetaData:
    """Give every column of ``metadata`` its PostgreSQL type as a variant, in place (SQLite unchanged); idempotent.

    A dynamic column's server default becomes :class:`dynamic_default` (a ``jsonb`` literal on PostgreSQL).
    """
    for table in metadata.sorted_tables:
        for column in table.columns:
            if "postgresql" in getattr(column.type, "_variant_mapping", {}):
                continue
            pg_type = postgresql_type(table.name, column.name, column.type)
            if pg_type is None:
                continue
            column.type = column.type.with_variant(pg_type, "postgresql")
            default = column.server_default
            if isinstance(pg_type, SqliteValue) and isinstance(default, DefaultClause):
                literal = default.arg.text if isinstance(default.arg, TextClause) else str(default.arg)
                column.server_default = DefaultClause(dynamic_default(literal))
                column.server_default._set_parent(column)
    return metadata


def with_postgresql_types(metadata: MetaData) -> MetaData:
    """A copy of ``metadata`` with :func:`apply_postgresql_types` applied (``metadata`` itself untouched)."""
    copy = MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(copy)
    return apply_postgresql_types(copy)
