"""Tautulli's database import on raw sqlite3 (the control path), as one transaction.

The file is ATTACHed before ``BEGIN IMMEDIATE`` (so the transaction covers both files) and DETACHed after the
commit or rollback. A merge copies the three history tables into temporary tables, shifts their ids there
and back-fills ``section_id`` for pre-v2.7.0 files, as Tautulli does in ``main``; temporary tables vanish
with a rollback and never touch the imported file, which Tautulli altered in place for an overwrite.
Rows are copied in the file's rowid order (the order Tautulli's table scan gives).
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

import structlog

from plexpy.db.errors import TautulliDBError, translating
from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.maintenance import import_rules
from plexpy.domains.maintenance.import_rules import HISTORY_TABLES, ImportPlanError, TablePlan

__all__ = ["connect_foreign", "run_import", "validate"]

log = structlog.get_logger(__name__)

_OP = "maintenance.import_tautulli_db"
_ATTACH = "ATTACH DATABASE ? AS tdb_import"
_DETACH = "DETACH DATABASE tdb_import"
_VALIDATE = "SELECT started FROM session_history"
_TABLES = "SELECT name FROM {schema}.sqlite_master WHERE type = 'table'"
_COLUMNS = "SELECT name, pk FROM pragma_table_info(?, ?) ORDER BY cid"
_VERSION = "SELECT value FROM tdb_import.version_info WHERE key = 'version'"
_HISTORY_SEQUENCE = "SELECT seq FROM main.sqlite_sequence WHERE name = 'session_history'"
_COPY = "CREATE TEMP TABLE {copy} AS SELECT * FROM tdb_import.{table}"
_SHIFT_IDS = "UPDATE temp.{copy} SET id = id + ?"
_SHIFT_REFERENCE = "UPDATE temp.{copy} SET reference_id = reference_id + ?"
_ADD_SECTION = "ALTER TABLE temp.{copy} ADD COLUMN section_id INTEGER"
_FILL_SECTION = ("UPDATE temp.{copy} SET section_id = "
                 "(SELECT m.section_id FROM temp.{metadata} AS m WHERE m.id = temp.{copy}.id)")
_EMPTY = "DELETE FROM main.{table}"
_FORGET_SEQUENCE = "DELETE FROM main.sqlite_sequence WHERE name = ?"
_INSERT = "INSERT OR IGNORE INTO main.{table} ({columns}) SELECT {columns} FROM {source} ORDER BY rowid"
_DROP_ORPHANS = "DELETE FROM main.{table} WHERE id NOT IN (SELECT id FROM main.session_history)"
_DROP_DUPLICATES = "DELETE FROM main.{table} WHERE id NOT IN (SELECT MIN(id) FROM main.{table} GROUP BY {columns})"
_DROP_COPY = "DROP TABLE temp.{copy}"


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _copy_name(table: str) -> str:
    return _q(f"tdb_import_{table}")


def connect_foreign(database: Any) -> sqlite3.Connection:
    """Open another SQLite file read-write (never creating it), rows as dicts.

    Raises:
        TypeError: ``database`` is not a path.
        ValueError: a path SQLite cannot take.
        sqlite3.Error: the file cannot be opened.
    """
    conn = sqlite3.connect(import_rules.read_uri(database), uri=True, timeout=20, isolation_level=None)
    conn.row_factory = lambda cursor, row: {d[0]: v for d, v in zip(cursor.description, row, strict=True)}
    return conn


def validate(database: Any) -> str:
    """Tautulli's ``validate_database``: ``'success'`` when the file has ``session_history.started``."""
    try:
        with contextlib.closing(connect_foreign(database)) as conn:
            conn.execute(_VALIDATE).fetchone()
    except TypeError:
        return import_rules.UNCAUGHT
    except (sqlite3.Error, ValueError) as exc:
        log.error("maintenance.invalid_database", error=type(exc).__name__)
        return import_rules.INVALID
    return "success"


def _names(db: SqliteExecutor, schema: str) -> list[str]:
    return [row["name"] for row in db.select(_TABLES.format(schema=schema))]


def _columns(db: SqliteExecutor, table: str, schema: str) -> list[tuple[str, int]]:
    return [(row["name"], row["pk"]) for row in db.select(_COLUMNS, [table, schema])]


def _version(db: SqliteExecutor, foreign: list[str]) -> str:
    if "version_info" not in {name.lower() for name in foreign}:
        return import_rules.DEFAULT_VERSION
    try:
        row = db.select_single(_VERSION)
    except TautulliDBError:  # a version_info table without Tautulli's columns
        return import_rules.DEFAULT_VERSION
    return import_rules.import_version(row.get("value"))


def _copy_history(db: SqliteExecutor, foreign: list[str], *, shift: int | None, backfill: bool) -> None:
    present = {name.lower() for name in foreign}
    for table in HISTORY_TABLES:
        if table not in present:
            continue
        copy = _copy_name(table)
        db.action(_COPY.format(copy=copy, table=_q(table)))
        if shift is not None:
            db.action(_SHIFT_IDS.format(copy=copy), [shift])
            if table == "session_history":
                db.action(_SHIFT_REFERENCE.format(copy=copy), [shift])
    if backfill:
        copy = _copy_name("session_history")
        db.action(_ADD_SECTION.format(copy=copy))
        db.action(_FILL_SECTION.format(copy=copy, metadata=_copy_name("session_history_metadata")))


def _insert(db: SqliteExecutor, plan: TablePlan, *, copied: bool, overwrite: bool) -> None:
    target = _q(plan.target)
    if overwrite:
        db.action(_EMPTY.format(table=target))
        db.action(_FORGET_SEQUENCE, [plan.target])
    source = f"temp.{_copy_name(plan.source)}" if copied else f"tdb_import.{_q(plan.source)}"
    columns = ", ".join(_q(c) for c in plan.columns)
    db.action(_INSERT.format(table=target, columns=columns, source=source))


def _dedupe(db: SqliteExecutor, plan: TablePlan) -> None:
    rule = plan.dedupe()
    if rule.orphans:
        db.action(_DROP_ORPHANS.format(table=_q(plan.target)))
    else:
        db.action(_DROP_DUPLICATES.format(table=_q(plan.target), columns=", ".join(_q(c) for c in rule.columns)))


def _import(db: SqliteExecutor, method: str) -> None:
    merge = method == "merge"
    foreign = _names(db, "tdb_import")
    version = _version(db, foreign)
    log.info("maintenance.import_version", version=version)
    shift = int(db.select_single(_HISTORY_SEQUENCE).get("seq") or 0)
    backfill = import_rules.needs_section_backfill(version)
    problem = import_rules.merge_problem(foreign) if merge else None
    if problem is None and backfill:
        metadata = _columns(db, "session_history_metadata", "tdb_import")
        problem = import_rules.backfill_problem([c for c, _ in _columns(db, "session_history", "tdb_import")],
                                                [c for c, _ in metadata] if metadata else None)
    if problem is not None:
        raise ImportPlanError(problem)
    copied = merge or backfill
    if copied:
        _copy_history(db, foreign, shift=shift if merge else None, backfill=backfill)
    plans = [
        import_rules.plan_table(source, target, method, _columns(db, source, "tdb_import"),
                                [c for c, _ in _columns(db, target, "main")], backfill=backfill)
        for source, target in import_rules.importable_tables(foreign, _names(db, "main"))
    ]
    for plan in plans:
        _insert(db, plan, copied=copied and plan.source in HISTORY_TABLES, overwrite=not merge)
    if merge:
        for plan in sorted(plans, key=lambda p: p.source):
            _dedupe(db, plan)
    if copied:
        present = {name.lower() for name in foreign}
        for table in HISTORY_TABLES:
            if table in present:
                db.action(_DROP_COPY.format(copy=_copy_name(table)))


def run_import(db: SqliteExecutor, path: str, method: str) -> None:
    """Import ``path`` with ``method`` in one transaction (ATTACH before BEGIN, DETACH after the end).

    Raises:
        TautulliDBError: the import failed; nothing was changed.
    """
    conn = db.connection()
    with translating(_OP, sqlite3.Error):
        conn.execute(_ATTACH, [path])
    try:
        with db.transaction():
            _import(db, method)
    except ImportPlanError as exc:
        raise TautulliDBError(f"{_OP}: {exc}", op=_OP) from exc
    finally:
        try:
            conn.execute(_DETACH)
        except sqlite3.Error as exc:  # pragma: no cover - the file stays attached until the connection closes
            log.warning("maintenance.detach_failed", error=str(exc))
