"""Building blocks of the revisions that port Tautulli's start-up upgrade, ``dbcheck()``.

``dbcheck()`` is a list of blocks, each guarded by a probe: a column that is missing, a phrase in
the table's stored ``CREATE TABLE`` text, or a row that matches. These helpers keep that shape so a
revision reads like the blocks it ports: :class:`Block` adds columns at the end of a table when its
probe column is missing (``ALTER TABLE ... ADD COLUMN``, never a batch copy, so column order and
the stored DDL follow Tautulli), :func:`rebuild` copies a table through ``<table>_temp`` with an
explicit column list (lossy where Tautulli's is), and :data:`REBUILD_TRIGGERS` are the stored-DDL
phrases that make ``dbcheck()`` rebuild a table.

Statement errors keep SQLite's statement-level atomicity: a failing statement changes nothing,
the statements before it stay, as in Tautulli, where each block runs until its first error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

if TYPE_CHECKING:
    from alembic.operations import Operations

__all__ = [
    "REBUILD_TRIGGERS",
    "Block",
    "Col",
    "add_missing_columns",
    "column_names",
    "has_column",
    "integer",
    "rebuild",
    "stored_sql",
    "table_exists",
    "text",
    "try_rebuild",
]

#: Phrases of a table's stored CREATE text that make dbcheck() rebuild (or recreate) it.
REBUILD_TRIGGERS: Final[dict[str, str]] = {
    "newsletters": 'TEXT NOT NULL DEFAULT "0 0 * * 0"',
    "library_sections": "section_id INTEGER UNIQUE",
    "users": "username TEXT NOT NULL UNIQUE",
    "mobile_devices": "device_token TEXT NOT NULL UNIQUE",
}

_TYPES: Final = {"INTEGER": sa.INTEGER, "TEXT": sa.TEXT}


@dataclass(frozen=True, slots=True)
class Col:
    """A column definition as Tautulli declares it: name, declared type, stored default text."""

    name: str
    type: str = "TEXT"
    default: str | None = None
    not_null: bool = False
    unique: bool = False
    primary_key: bool = False

    def column(self) -> sa.Column[object]:
        """A fresh SQLAlchemy column with exactly this declaration."""
        kw: dict[str, object] = {}
        if self.primary_key:
            kw.update(primary_key=True, nullable=True)
        else:
            kw["nullable"] = not self.not_null
        if self.default is not None:
            kw["server_default"] = sa.text(self.default)
        if self.unique:
            kw["unique"] = True
        return sa.Column(self.name, _TYPES[self.type](), **kw)  # type: ignore[arg-type]


def integer(name: str, default: str | None = None) -> Col:
    """An ``INTEGER`` column, optionally with a default."""
    return Col(name, "INTEGER", default)


def text(name: str) -> Col:
    """A ``TEXT`` column."""
    return Col(name, "TEXT")


@dataclass(frozen=True, slots=True)
class Block:
    """One probe-guarded dbcheck() block: when ``probe`` is missing, add ``columns``, then run ``then``."""

    probe: str
    columns: tuple[Col, ...]
    then: Callable[[Connection], object] | None = field(default=None, compare=False)


def _pragma_table_info(table: str) -> sa.TableValuedAlias:
    return sa.func.pragma_table_info(table).table_valued(
        sa.column("cid"), sa.column("name"), sa.column("type"), sa.column("notnull"),
        sa.column("dflt_value"), sa.column("pk"),
    )


def column_names(conn: Connection, table: str) -> set[str]:
    """The lower-cased column names of ``table`` (empty when it does not exist)."""
    if conn.dialect.name == "sqlite":
        info = _pragma_table_info(table)
        return {str(n).lower() for n in conn.execute(sa.select(info.c.name)).scalars()}
    inspector = sa.inspect(conn)
    if not inspector.has_table(table):
        return set()
    return {c["name"].lower() for c in inspector.get_columns(table)}


def has_column(conn: Connection, table: str, column: str) -> bool:
    """Whether ``SELECT column FROM table`` would work (names are case-insensitive)."""
    return column.lower() in column_names(conn, table)


def table_exists(conn: Connection, table: str) -> bool:
    """Whether ``table`` exists."""
    return sa.inspect(conn).has_table(table)


def stored_sql(conn: Connection, table: str) -> str | None:
    """The ``CREATE TABLE`` text SQLite keeps for ``table`` (None elsewhere or when missing)."""
    if conn.dialect.name != "sqlite":
        return None
    master = sa.table("sqlite_master", sa.column("type"), sa.column("name"), sa.column("sql"))
    stmt = sa.select(master.c.sql).where(master.c.type == "table", master.c.name == table)
    return conn.execute(stmt).scalar()


def add_missing_columns(op: Operations, table: str, blocks: Iterable[Block]) -> list[str]:
    """Run each block whose probe column is missing; return the names of the columns added."""
    conn = op.get_bind()
    added: list[str] = []
    for block in blocks:
        if has_column(conn, table, block.probe):
            continue
        for col in block.columns:
            op.add_column(table, col.column())
            added.append(col.name)
        if block.then is not None:
            block.then(conn)
    return added


def rebuild(
    op: Operations,
    table: str,
    columns: Sequence[Col],
    copy: Sequence[str],
    *,
    autoincrement: bool = True,
    constraints: Sequence[sa.Constraint] = (),
) -> None:
    """Rebuild ``table`` as ``columns`` through ``<table>_temp``, copying only ``copy``.

    Columns of the old table that are not in ``copy`` are lost, as in Tautulli. The copy keeps
    ids; ``sqlite_sequence`` follows the temporary table (its highest copied id) and is renamed
    with it, as SQLite does for Tautulli.
    """
    temp = f"{table}_temp"
    created = op.create_table(
        temp, *(c.column() for c in columns), *constraints, sqlite_autoincrement=autoincrement
    )
    source = sa.select(*(sa.column(c) for c in copy)).select_from(sa.table(table))
    op.get_bind().execute(sa.insert(created).from_select(list(copy), source))
    op.drop_table(table)
    op.rename_table(temp, table)


def try_rebuild(op: Operations, table: str, columns: Sequence[Col], copy: Sequence[str], **kw: object) -> bool:
    """:func:`rebuild`, giving up like Tautulli when a statement fails: drop the temporary table.

    Returns whether the rebuild happened.
    """
    try:
        rebuild(op, table, columns, copy, **kw)  # type: ignore[arg-type]
    except OperationalError:
        conn = op.get_bind()
        if table_exists(conn, f"{table}_temp"):
            op.drop_table(f"{table}_temp")
        return False
    return True
