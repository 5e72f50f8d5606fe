"""Tautulli's database import on SQLAlchemy, as one transaction on this database.

**Reading the imported file.** The file is always SQLite (a Tautulli database), so it is read with SQLite's
driver, but through its own SQLAlchemy engine and not through ``ATTACH``: this database may be PostgreSQL,
where there is nothing to attach a SQLite file to, and one code path for every backend is what parity is
about. The file is only read (never altered, unlike Tautulli's overwrite of a pre-v2.7.0 file), and the write
transaction covers this database alone. The price is that rows travel through Python, streamed in chunks,
instead of ``INSERT … SELECT`` inside one SQLite connection.

What SQLite does on its own is reproduced with constructs: ``INSERT OR IGNORE`` (``insert_or_ignore``, which
draws AUTOINCREMENT values for skipped rows too), the ``sqlite_sequence`` read and reset
(``autoincrement_value``, ``reset_autoincrement``), the counter following explicit ids
(``raise_autoincrement``); the id shift and the ``section_id`` back-fill are computed in SQL on the imported
file, in its rowid order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import URL, column, create_engine, delete, false, func, inspect, literal, null, select, table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from plexpy.db.engine import transaction
from plexpy.db.errors import TautulliDBError
from plexpy.db.schema import metadata as schema_metadata
from plexpy.db.sqlfuncs import autoincrement_value, insert_or_ignore, raise_autoincrement, reset_autoincrement
from plexpy.domains.maintenance import import_rules
from plexpy.domains.maintenance.import_rules import ImportPlanError, TablePlan

__all__ = ["open_foreign", "run_import", "validate"]

_OP = "maintenance.import_tautulli_db"
_CHUNK = 2000


def open_foreign(database: Any) -> Engine:
    """An engine on another SQLite file, opened read-write but never created.

    Raises:
        TypeError: ``database`` is not a path.
        ValueError: a path SQLite cannot take.
    """
    url = URL.create("sqlite", database=import_rules.file_uri(database), query={"mode": "rw", "uri": "true"})
    return create_engine(url, poolclass=NullPool, hide_parameters=True, connect_args={"timeout": 20})


def validate(database: Any) -> str:
    """Tautulli's ``validate_database``: ``'success'`` when the file has ``session_history.started``."""
    try:
        engine = open_foreign(database)
    except TypeError:
        return import_rules.UNCAUGHT
    except ValueError:
        return import_rules.INVALID
    try:
        with engine.connect() as conn:
            conn.execute(select(column("started")).select_from(table("session_history"))).first()
    except (DBAPIError, ValueError):
        return import_rules.INVALID
    finally:
        engine.dispose()
    return "success"


def _names(src: Connection) -> list[str]:
    stmt = select(column("name")).select_from(table("sqlite_master")).where(column("type") == "table")
    return list(src.execute(stmt).scalars())


def _columns(src: Connection, name: str) -> list[tuple[str, int]]:
    stmt = select(column("name"), column("pk")).select_from(func.pragma_table_info(name)).order_by(column("cid"))
    return [(row.name, row.pk) for row in src.execute(stmt)]


def _version(src: Connection, foreign: list[str]) -> str:
    if "version_info" not in {name.lower() for name in foreign}:
        return import_rules.DEFAULT_VERSION
    stmt = select(column("value")).select_from(table("version_info")).where(column("key") == "version")
    try:
        value = src.execute(stmt).scalar()
    except DBAPIError:  # a version_info table without Tautulli's columns
        return import_rules.DEFAULT_VERSION
    return import_rules.import_version(value)


def _rows(src: Connection, plan: TablePlan, source_columns: list[str], shift: int) -> Iterator[list[dict[str, Any]]]:
    t = table(plan.source, column("rowid"), *(column(c) for c in source_columns))
    picked: list[Any] = []
    for name in plan.columns:
        if name == "section_id" and plan.backfill:
            m = table("session_history_metadata", column("id"), column("section_id")).alias("m")
            picked.append(select(m.c.section_id).where(m.c.id == t.c.id).scalar_subquery().label(name))
        elif (name == "id" and plan.shift_ids) or (name == "reference_id" and plan.shift_reference):
            picked.append((t.c[name] + literal(shift)).label(name))
        else:
            picked.append(t.c[name])
    result = src.execution_options(yield_per=_CHUNK).execute(select(*picked).order_by(t.c.rowid))
    for chunk in result.mappings().partitions():
        yield [dict(row) for row in chunk]


def _target(plan: TablePlan) -> Any:
    """The schema's table when it has every copied column (its column types bind values per backend)."""
    known = schema_metadata.tables.get(plan.target)
    if known is not None and all(name in known.c for name in plan.columns):
        return known
    return table(plan.target, *(column(c) for c in plan.columns))


def _insert(conn: Connection, src: Connection, plan: TablePlan, source_columns: list[str], *, shift: int,
            overwrite: bool) -> None:
    target = _target(plan)
    if overwrite:
        conn.execute(delete(table(plan.target)))
        conn.execute(reset_autoincrement(plan.target))
    # Tautulli's INSERT … SELECT runs once per table, and SQLite writes an AUTOINCREMENT table's sqlite_sequence
    # row (seq 0 when new) even when it inserts nothing; an empty INSERT … SELECT does the same here.
    nothing = select(*(null() for _ in plan.columns)).where(false())
    conn.execute(insert_or_ignore(target).from_select(list(plan.columns), nothing))
    for chunk in _rows(src, plan, source_columns, shift):
        conn.execute(insert_or_ignore(target), chunk)
    if plan.with_ids:
        conn.execute(select(raise_autoincrement(plan.target)))


def _dedupe(conn: Connection, plan: TablePlan) -> None:
    rule = plan.dedupe()
    t = table(plan.target, column("id"), *(column(c) for c in rule.columns))
    if rule.orphans:
        kept = select(table("session_history", column("id")).c.id)
    else:
        inner = t.alias("d")
        kept = select(func.min(inner.c.id)).group_by(*(inner.c[c] for c in rule.columns))
    conn.execute(delete(t).where(t.c.id.not_in(kept)))


def _import(conn: Connection, src: Connection, method: str) -> None:
    merge = method == "merge"
    foreign = _names(src)
    version = _version(src, foreign)
    shift = int(conn.execute(select(autoincrement_value("session_history"))).scalar_one() or 0)
    backfill = import_rules.needs_section_backfill(version)
    problem = import_rules.merge_problem(foreign) if merge else None
    if problem is None and backfill:
        metadata = _columns(src, "session_history_metadata")
        problem = import_rules.backfill_problem([c for c, _ in _columns(src, "session_history")],
                                                [c for c, _ in metadata] if metadata else None)
    if problem is not None:
        raise ImportPlanError(problem)
    inspector = inspect(conn)
    plans = []
    for source, target in import_rules.importable_tables(foreign, inspector.get_table_names()):
        source_columns = _columns(src, source)
        plan = import_rules.plan_table(source, target, method, source_columns,
                                       [c["name"] for c in inspector.get_columns(target)], backfill=backfill)
        plans.append((plan, [c for c, _ in source_columns]))
    for plan, source_columns in plans:
        _insert(conn, src, plan, source_columns, shift=shift, overwrite=not merge)
    if merge:
        for plan, _ in sorted(plans, key=lambda p: p[0].source):
            _dedupe(conn, plan)


def run_import(engine: Engine, path: str, method: str) -> None:
    """Import ``path`` with ``method`` in one transaction on ``engine``.

    Raises:
        TautulliDBError: the import failed; nothing was changed.
    """
    foreign = open_foreign(path)
    try:
        with transaction(engine, _OP) as conn, foreign.connect() as src:
            _import(conn, src, method)
    except ImportPlanError as exc:
        raise TautulliDBError(f"{_OP}: {exc}", op=_OP) from exc
    finally:
        foreign.dispose()
