"""``tautulli-db copy``: move a Tautulli database to another store (SQLite → PostgreSQL, or SQLite → SQLite).

    copy(from_url, to_url, tables=None, *, batch_size=20000, resume=True, progress=None, verify=True) -> CopyResult

What it does, in order:

1. opens both stores and creates the schema on the target (``plexpy.db.schema`` with the PostgreSQL column
   types of :mod:`plexpy.db.pgtypes`; the Alembic chain will replace this step); indexes other than keys and
   UNIQUE constraints are created after the rows, as bulk loaders do;
2. streams each table in primary-key order, in batches: PostgreSQL's ``COPY ... FROM STDIN`` through
   psycopg 3 (text format; NULL stays NULL; a batch of integers, text and dynamic values is written as COPY
   text by SQLite itself, :mod:`plexpy.commands.copy_text`), plain inserts on SQLite. Each batch and the
   table's checkpoint row in ``tautulli_copy_progress`` (on the target) commit in one transaction, so an
   interrupted copy resumes after its last committed batch and never duplicates a row;
3. refuses a value that would not keep its storage class on PostgreSQL (text in a ``BIGINT`` column, a BLOB,
   an infinite real, NUL in text): the batch rolls back and :class:`CopyRefused` names the columns;
4. sets every AUTOINCREMENT counter past the highest id: ``sqlite_sequence`` on SQLite, ``setval`` of the
   table's sequence on PostgreSQL (the next id is the one SQLite would have given);
5. reconciles source and target (:mod:`shim.reconcile`): the result says whether every row arrived intact,
   and the checkpoint table is dropped only then.

Never prints: ``progress`` receives :class:`CopyProgress` ticks (``TableProgress`` renders them with rich).

The steps live in :mod:`~plexpy.commands.copy_engines` (opening the stores), :mod:`~plexpy.commands.copy_target`
(schema, indexes, counters), :mod:`~plexpy.commands.copy_stream` (batches and checkpoints),
:mod:`~plexpy.commands.copy_writers` (COPY/inserts, refused values), :mod:`~plexpy.commands.copy_results` and
:mod:`~plexpy.commands.copy_progress`; this module keeps the command and re-exports their public names.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from plexpy.commands.copy_engines import _reading, _tables, display_url, open_engine, store_metadata
from plexpy.commands.copy_processes import copy_in_processes
from plexpy.commands.copy_progress import TableProgress
from plexpy.commands.copy_results import CopyProgress, CopyRefused, CopyResult, TableCopy
from plexpy.commands.copy_stream import PROGRESS_TABLE, _copy_tables, _progress, _progress_metadata
from plexpy.commands.copy_target import (
    _create_indexes,
    _create_tables,
    _restart,
    _source_sequences,
    build_index,
    set_sequences,
)
from plexpy.db.errors import translating
from shim.reconcile import ReconcileProgress, TableDiffer, TableReport

__all__ = [
    "PROGRESS_TABLE",
    "CopyProgress",
    "CopyRefused",
    "CopyResult",
    "TableCopy",
    "TableProgress",
    "copy",
    "display_url",
    "open_engine",
    "set_sequences",
    "store_metadata",
]


def copy(from_url: str | URL, to_url: str | URL, tables: Sequence[str] | None = None, *, batch_size: int = 20000,
         resume: bool = True, progress: Callable[[CopyProgress], None] | None = None,
         verify: bool = True, workers: int = 3, processes: bool | None = None) -> CopyResult:
    """Copy a Tautulli database from ``from_url`` to ``to_url`` (see the module docstring).

    Args:
        from_url: the source's SQLAlchemy URL (``sqlite:///tautulli.db``).
        to_url: the target's (``postgresql+psycopg://user@host/db`` or another SQLite file).
        tables: only these tables (default: all of the schema).
        batch_size: rows per batch (one transaction each).
        resume: continue an interrupted copy; False starts over (the target's copied rows are deleted first).
        progress: called with :class:`CopyProgress` ticks.
        verify: reconcile source and target at the end.
        workers: tables copied (and indexes built) side by side on a PostgreSQL target; a SQLite target takes one.
        processes: copy the tables in worker processes (:mod:`~plexpy.commands.copy_processes`) instead of
            threads, each table's indexes started as soon as its rows are in; None (default) decides: processes
            for a PostgreSQL target, a file source and at least ``PROCESS_ROWS`` rows, threads otherwise.

    Raises:
        CopyRefused: the target holds other rows, or a value would not keep its storage class.
        TautulliDBError: a database failed (the copy can be resumed).
    """
    tick = progress or (lambda _p: None)
    started = time.perf_counter()
    result = CopyResult(source=display_url(from_url), target=display_url(to_url))
    with ExitStack() as stack:
        source_engine, target_engine = open_engine(from_url), open_engine(to_url, writing=True)
        stack.callback(source_engine.dispose)
        stack.callback(target_engine.dispose)
        source_tables = _tables(store_metadata(source_engine), tables)
        target_metadata = store_metadata(target_engine)
        targets = [target_metadata.tables[t.name] for t in source_tables]
        with translating("copy", SQLAlchemyError):
            _create_tables(target_engine, targets)
            _progress_metadata.create_all(target_engine, checkfirst=True)
            if not resume:
                _restart(target_engine, targets)
            workers = max(1, workers) if target_engine.dialect.name == "postgresql" else 1  # SQLite: one writer
            if _in_processes(processes, source_engine, target_engine, source_tables, workers):
                result.tables.extend(_copy_then_index(from_url, to_url, target_engine, targets, batch_size, tick,
                                                      workers))
            else:
                result.tables.extend(_copy_tables(source_engine, target_engine, source_tables, targets, batch_size,
                                                  tick, workers))
                _create_indexes(target_engine, targets, workers)
            with _reading(source_engine) as source:
                counters = _source_sequences(source, source_tables)
            with target_engine.begin() as conn:
                result.sequences = set_sequences(conn, targets, counters)
        result.copy_seconds = time.perf_counter() - started
        if verify:
            result.reconcile = _verify(source_engine, target_engine, source_tables, targets, tick)
            if result.verified:
                with translating("copy", SQLAlchemyError):
                    _progress.drop(target_engine, checkfirst=True)
    result.seconds = time.perf_counter() - started
    return result


#: From this many rows (all tables copied together), ``copy`` to PostgreSQL uses worker processes by default.
PROCESS_ROWS = 200_000


def _in_processes(processes: bool | None, source: Engine, target: Engine, tables: Sequence[sa.Table],
                  workers: int) -> bool:
    """Whether to copy in worker processes: asked for, or (None) worth their start-up on this copy."""
    if target.dialect.name != "postgresql" or workers < 2 or len(tables) < 2:
        return False
    if source.dialect.name == "sqlite" and source.url.database in (None, "", ":memory:"):
        if processes:
            raise CopyRefused("an in-memory SQLite source cannot be read from worker processes; copy with threads")
        return False
    if processes is not None:
        return processes
    with _reading(source) as conn:
        rows = sum(int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()) for t in tables)
    return rows >= PROCESS_ROWS


def _copy_then_index(from_url: str | URL, to_url: str | URL, target_engine: Engine, targets: Sequence[sa.Table],
                     batch_size: int, tick: Callable[[CopyProgress], None], workers: int) -> list[TableCopy]:
    """Copy in worker processes; each table's indexes are built (threads, PostgreSQL's work) once it is copied."""
    by_name = {t.name: t for t in targets}
    with ThreadPoolExecutor(max_workers=workers) as builders:
        building: list[Future[None]] = []

        def index(name: str) -> None:
            building.extend(builders.submit(build_index, target_engine, i) for i in by_name[name].indexes)

        copied = copy_in_processes(_full_url(from_url), _full_url(to_url), list(by_name), batch_size, tick,
                                   workers, on_done=index)
        for future in building:
            future.result()
    return copied


def _full_url(url: str | URL) -> str:
    """The URL with its password, for the worker processes only (never shown)."""
    return (make_url(url) if isinstance(url, str) else url).render_as_string(hide_password=False)


def _verify(source: Engine, target: Engine, tables: Sequence[sa.Table], targets: Sequence[sa.Table],
            tick: Callable[[CopyProgress], None]) -> list[TableReport]:
    reports = []
    for table, target_table in zip(tables, targets, strict=True):
        def forward(p: ReconcileProgress) -> None:
            tick(CopyProgress(p.table, "verify", p.done, p.total))
        with translating("reconcile", SQLAlchemyError):
            reports.append(TableDiffer(source, target, table, target_table, progress=forward).diff())
    return reports

