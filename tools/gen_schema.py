"""Generate the ``plexpy/db/schema/`` package from the fresh Tautulli v2.17.2 database of the legacy corpus.

Reads only SQLite's own facts about the file (``sqlite_master``, ``PRAGMA table_info``,
``PRAGMA index_list`` and ``PRAGMA index_info``), opened read-only and immutable so the
WAL file beside it is never touched, and writes one Core ``Table`` per application table, in one module
per part of the application (``GROUPS``); ``__init__.py`` imports them in the database's table order,
so ``metadata`` holds the tables in that order. ``types.py`` and ``base.py`` are written by hand.

With ``--baseline`` it writes the frozen table definitions of the Alembic baseline revision
instead (``alembic/versions/0001_baseline_v2_17_2.py``): the same facts, kept apart from
the schema package so later revisions can change it without changing what the baseline creates.

Usage:
    python tools/gen_schema.py [--baseline] [SOURCE_DB] [OUTPUT_DIR_OR_PY]
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT / "tests" / "data" / "legacy_corpus" / "fresh_v2.17.2.db"
DEFAULT_OUTPUT = ROOT / "plexpy" / "db" / "schema"
DEFAULT_BASELINE = ROOT / "alembic" / "versions" / "0001_baseline_v2_17_2.py"

_TYPES = {"INTEGER": "INTEGER", "TEXT": "TEXT", "": "Untyped()"}

#: module → what it holds and its tables (in the database's order; a table not listed is refused).
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "version": ("the schema version row", ("version_info",)),
    "activity": ("live sessions and the sessions a play continues", ("sessions", "sessions_continued")),
    "history": ("the play history and its metadata and media info",
                ("session_history", "session_history_media_info", "session_history_metadata")),
    "accounts": ("users, libraries and sign-ins", ("users", "library_sections", "user_login")),
    "notifications": ("notifiers, newsletters, their logs, recently added items and mobile devices",
                      ("notifiers", "notify_log", "newsletters", "newsletter_log", "recently_added", "mobile_devices")),
    "lookups": ("the caches of external lookups and hosted images",
                ("tvmaze_lookup", "themoviedb_lookup", "musicbrainz_lookup", "image_hash_lookup", "imgur_lookup",
                 "cloudinary_lookup")),
    "exports": ("library and item exports", ("exports",)),
}

_GENERATED = "Do not edit; generated from {source} by tools/gen_schema.py."

_MODULE_PRELUDE = '''\
"""Tables of the Tautulli v2.17.2 schema: {about}.

{generated}
"""

from __future__ import annotations

from sqlalchemy import {imports}

from plexpy.db.schema.base import metadata
{untyped}
__all__ = [{names}]
'''

_INIT_PRELUDE = '''\
"""The Tautulli v2.17.2 schema as a fresh install creates it: the one table definition of the project.

{generated}

Column order, declared types (including the untyped ``session_history_media_info.subtitle_forced``),
stored default text, NOT NULL, AUTOINCREMENT keys, inline UNIQUE constraints (named
``sqlite_autoindex_<table>_N`` by SQLite) and explicit index names are those of the fresh database.
One module per part of the application; they are imported in the database's table order, so ``metadata``
holds the tables in that order. On PostgreSQL every column has the type ``plexpy.db.pgtypes`` gives it (a
variant: SQLite's DDL is unchanged).
"""

from __future__ import annotations

from sqlalchemy import Table

from plexpy.db import pgtypes
from plexpy.db.schema.base import metadata
from plexpy.db.schema.types import Untyped

# The modules are imported in the database's table order: ``metadata`` keeps the order tables join it.
# isort: off
'''


_BASELINE_PRELUDE = '''\
"""Baseline: the Tautulli v2.17.2 schema.

Tautulli equivalent: the ``CREATE TABLE IF NOT EXISTS`` prologue of v2.17.2's ``dbcheck()``. On an
empty database this is a fresh v2.17.2 install (tables, indexes, the ``Local`` user and the version
row); on a PlexPy v1.0 ... Tautulli v2.6 database it creates only the tables that release lacked,
as ``dbcheck()`` does. Tables keep their v2.17.2 definitions here for good, and later schema
changes come as revisions of their own. Do not edit the table definitions below; generated from
{source} by ``tools/gen_schema.py --baseline``.

Revision ID: 0001
Revises:
Create Date: 2025-01-01 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import INTEGER, TEXT, Column, Index, MetaData, Table, UniqueConstraint, text

from alembic import op
from plexpy.db.fresh import seed_fresh
from plexpy.db.schema import Untyped

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_metadata = MetaData()
'''

_BASELINE_BODY = '''

def upgrade() -> None:
    """Upgrade schema.

    Create the v2.17.2 tables that are missing; seed a database that had none.
    """
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    if not existing & set(_metadata.tables):
        _metadata.create_all(bind)
        seed_fresh(bind)
        return
    for table in _metadata.sorted_tables:
        if table.name not in existing:
            table.create(bind)


def downgrade() -> None:
    """Downgrade schema: refused.

    Tautulli has no downgrade, and dropping the tables would drop the history they hold.
    """
    raise NotImplementedError("the v2.17.2 baseline cannot be undone: Tautulli has no downgrade")
'''


def _open(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    return sqlite3.connect(uri, uri=True)


def _q(value: str) -> str:
    """Return a double-quoted Python literal for ``value``."""
    return json.dumps(value)


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column(row: tuple, single_pk_ai: bool) -> str:
    _cid, name, ctype, notnull, default, pk = row
    args = [_q(name), _TYPES[ctype.upper()]]
    if pk:
        args.append("primary_key=True")
        args.append("nullable=True")  # a rowid alias, declared without NOT NULL
        if not single_pk_ai:
            args.append("autoincrement=False")
    elif notnull:
        args.append("nullable=False")
    if default is not None:
        args.append(f"server_default=text({_q(default)})")
    return f"    Column({', '.join(args)}),"


def _table(conn: sqlite3.Connection, name: str, sql: str, prefix: str = "", meta: str = "metadata") -> str:
    cols = conn.execute(f"PRAGMA table_info({_qi(name)})").fetchall()
    autoinc = bool(re.search(r"\bAUTOINCREMENT\b", sql, re.IGNORECASE))
    lines = [f"{prefix}{name} = Table(", f"    {_q(name)},", f"    {meta},"]
    lines += [_column(c, autoinc) for c in cols]
    # index_list lists newest first; sqlite_autoindex numbers give the constraint order.
    indexes = conn.execute(f"PRAGMA index_list({_qi(name)})").fetchall()
    uniques = sorted((i for i in indexes if i[3] == "u"), key=lambda i: int(i[1].rsplit("_", 1)[1]))
    for _seq, iname, _unique, _origin, _partial in uniques:
        keys = [r[2] for r in conn.execute(f"PRAGMA index_info({_qi(iname)})")]
        lines.append(f"    UniqueConstraint({', '.join(map(_q, keys))}),")
    created = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY rowid",
        (name,),
    ).fetchall()
    unique_by_name = {i[1]: i[2] for i in indexes}
    for (iname,) in created:
        keys = [r[2] for r in conn.execute(f"PRAGMA index_info({_qi(iname)})")]
        flag = ", unique=True" if unique_by_name[iname] else ""
        lines.append(f"    Index({_q(iname)}, {', '.join(map(_q, keys))}{flag}),")
    if autoinc:
        lines.append("    sqlite_autoincrement=True,")
    lines.append(")")
    return "\n".join(lines)


def _tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    ).fetchall()


def _shown(source: Path) -> str:
    try:
        return source.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return source.name


_POSTLUDE = """
# PostgreSQL column types (BIGINT for Tautulli's own numbers, JSONB for dynamic values) as variants.
pgtypes.apply_postgresql_types(metadata)
"""


def _import_order(name: str) -> tuple[int, str]:
    """The order isort gives imported names: CONSTANTS, then Classes, then functions."""
    return (0 if name.isupper() else 1 if name[0].isupper() else 2), name


def _import(module: str, names: list[str]) -> str:
    line = f"from {module} import {', '.join(names)}\n"
    if len(line) <= 121:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")\n"


def _names(names: list[str]) -> str:
    return "\n" + "".join(f"    {_q(n)},\n" for n in names)


def generate(source: Path) -> dict[str, str]:
    """Return the generated modules of the schema package for the database at ``source``, by file name."""
    conn = _open(source)
    try:
        tables = dict(_tables(conn))
        generated = _GENERATED.format(source=_shown(source))
        order = [name for _module, (_about, names) in GROUPS.items() for name in names]
        if order != list(tables):
            raise SystemExit(f"GROUPS must list the tables in the database's order: {list(tables)}")
        files: dict[str, str] = {}
        for module, (about, names) in GROUPS.items():
            bodies = [_table(conn, n, tables[n]) for n in names]
            used = sorted({w for w in ("Column", "Index", "INTEGER", "Table", "TEXT", "UniqueConstraint", "text")
                           if re.search(rf'(?<!["\w]){w}(?!["\w])', "\n".join(bodies))}, key=_import_order)
            untyped = "from plexpy.db.schema.types import Untyped\n" if "Untyped()" in "".join(bodies) else ""
            files[f"{module}.py"] = _MODULE_PRELUDE.format(
                about=about, generated=generated, imports=", ".join(used), untyped=untyped,
                names=_names(sorted(names)),
            ) + "".join("\n\n" + body + "\n" for body in bodies)
        imports = "".join(_import(f"plexpy.db.schema.{module}", sorted(names))
                          for module, (_about, names) in GROUPS.items())
        all_names = _names(sorted(["TABLES", "Untyped", "metadata", *order]))
        files["__init__.py"] = (
            _INIT_PRELUDE.format(generated=generated) + imports + "# isort: on\n" + f"\n__all__ = [{all_names}]\n"
            + "\nTABLES: dict[str, Table] = {\n" + "".join(f"    {_q(n)}: {n},\n" for n in order) + "}\n"
            + _POSTLUDE
        )
        return files
    finally:
        conn.close()


def generate_baseline(source: Path) -> str:
    """Return the text of the frozen baseline revision for the database at ``source``."""
    conn = _open(source)
    try:
        tables = _tables(conn)
        parts = [_BASELINE_PRELUDE.format(source=_shown(source))]
        parts += ["\n" + _table(conn, n, s, prefix="_", meta="_metadata") + "\n" for n, s in tables]
        parts.append(_BASELINE_BODY)
        return "".join(parts)
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    """Write the schema package's generated modules (or, with ``--baseline``, the baseline revision)."""
    args = [a for a in argv[1:] if a != "--baseline"]
    baseline = len(args) != len(argv) - 1
    source = Path(args[0]) if args else DEFAULT_SOURCE
    output = Path(args[1]) if len(args) > 1 else (DEFAULT_BASELINE if baseline else DEFAULT_OUTPUT)
    if baseline:
        output.write_text(generate_baseline(source), encoding="utf-8")
        return 0
    output.mkdir(parents=True, exist_ok=True)
    for name, text in generate(source).items():
        (output / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
