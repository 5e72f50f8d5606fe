"""Streaming each table of ``copy`` in batches, with its checkpoint rows (resume after an interruption)."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import Connection, Engine

from plexpy.commands.copy_engines import _integer_key, _reading
from plexpy.commands.copy_results import CopyProgress, CopyRefused, TableCopy
from plexpy.commands.copy_text import TextBatch, copy_text_sql, read_text_batch
from plexpy.commands.copy_writers import _encoders, _refusing, _write_postgresql, _write_postgresql_text, _write_sqlite

__all__ = ["PROGRESS_TABLE"]

log = structlog.get_logger("plexpy.commands.copy")

PROGRESS_TABLE = "tautulli_copy_progress"
_progress_metadata = sa.MetaData()
_progress = sa.Table(
    PROGRESS_TABLE, _progress_metadata,
    sa.Column("table_name", sa.Text, primary_key=True),
    sa.Column("last_key", sa.BigInteger),
    sa.Column("copied", sa.BigInteger, nullable=False),
    sa.Column("done", sa.Integer, nullable=False),
)


def _save_progress(conn: Connection, name: str, last_key: int | None, copied: int, done: bool) -> None:
    conn.execute(sa.delete(_progress).where(_progress.c.table_name == name))
    conn.execute(sa.insert(_progress).values(table_name=name, last_key=last_key, copied=copied, done=int(done)))


def _batches(source: Connection, table: sa.Table, last_key: int | None,
             batch_size: int) -> Iterator[list[Sequence[Any]]]:
    key = _integer_key(table)
    if key is None:
        yield source.execute(sa.select(*table.columns)).all()
        return
    column = table.c[key]
    while True:
        stmt = sa.select(*table.columns).order_by(column).limit(batch_size)
        if last_key is not None:
            stmt = stmt.where(column > last_key)
        rows = source.execute(stmt).all()
        if not rows:
            return
        yield rows
        last_key = rows[-1][list(table.columns).index(column)]


def _copy_table(source: Connection, target_engine: Engine, table: sa.Table, target: sa.Table, batch_size: int,
                progress: Callable[[CopyProgress], None]) -> TableCopy:
    started = time.perf_counter()
    total = source.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
    with target_engine.connect() as conn:
        saved = conn.execute(sa.select(_progress).where(_progress.c.table_name == table.name)).one_or_none()
        present = conn.execute(sa.select(sa.func.count()).select_from(target)).scalar_one()
    result = TableCopy(table=table.name, total=int(total))
    if saved is not None and saved.done:
        result.resumed = int(saved.copied)
        progress(CopyProgress(table.name, "copy", result.resumed, result.total))
        return result
    copied = int(saved.copied) if saved is not None else 0
    if present != copied:
        raise CopyRefused(f"{table.name}: the target already holds {present} rows this copy did not write; copy "
                          "into an empty database (or drop the target's tables)")
    result.resumed = copied
    last_key = saved.last_key if saved is not None else None
    key_index = [c.name for c in table.columns].index(_integer_key(table)) if _integer_key(table) else None
    encoders = _encoders(target)
    progress(CopyProgress(table.name, "copy", copied, result.total))
    text_sql = copy_text_sql(source, table, target, table.c[key_index].name) \
        if key_index is not None and source.dialect.name == "sqlite" \
        and target_engine.dialect.name == "postgresql" else None
    # The text path reads the next batch (SQLite, in C) while PostgreSQL takes the current one, so a table
    # copied alone keeps both sides busy. The reader is the only user of ``source`` while it runs: the main
    # thread waits for it before reading rows itself or examining a refused batch, and leaving the block
    # waits for a read-ahead no longer needed.
    with ThreadPoolExecutor(max_workers=1) as ahead:
        pending: Future[TextBatch] | None = None
        while True:
            batch = None
            if text_sql is not None:
                batch = pending.result() if pending is not None else read_text_batch(
                    source, text_sql, last_key, batch_size)
                pending = None
                if not batch.rows:
                    break
                if batch.exact:
                    pending = ahead.submit(read_text_batch, source, text_sql, batch.last_key, batch_size)
            rows = None if batch is not None and batch.exact else next(
                _batches(source, table, last_key, batch_size), None)
            if rows is None and batch is None:
                break
            copied, last_key, count = _write_batch(source, target_engine, table, target, encoders, key_index,
                                                   batch, rows, copied, pending)
            result.copied += count
            progress(CopyProgress(table.name, "copy", copied, result.total))
            if key_index is None:  # a keyless table is one batch
                break
    with target_engine.begin() as conn:
        _save_progress(conn, table.name, last_key, copied, done=True)
    result.seconds = time.perf_counter() - started
    return result


def _settle(pending: Future[Any]) -> None:
    """Wait for a read-ahead before ``source`` is used again (its error, if any, is its batch's to report)."""
    with contextlib.suppress(Exception):
        pending.result()


def _write_batch(source: Connection, target_engine: Engine, table: sa.Table, target: sa.Table, encoders: Any,
                 key_index: int | None, batch: TextBatch | None, rows: list[Any] | None, copied: int,
                 pending: Future[Any] | None) -> tuple[int, Any, int]:
    """Write one batch and its checkpoint in one transaction; (rows copied so far, last key, rows written)."""
    with _refusing(source, table, target), target_engine.begin() as conn:
        try:
            if rows is None:
                assert batch is not None  # noqa: S101 - the text path
                _write_postgresql_text(conn, target, batch.text)
                count, last_key = batch.rows, batch.last_key
            else:
                if conn.dialect.name == "postgresql":
                    _write_postgresql(conn, target, rows, encoders)
                else:
                    _write_sqlite(conn, target, rows)
                count, last_key = len(rows), rows[-1][key_index] if key_index is not None else None
            copied += count
            _save_progress(conn, table.name, last_key, copied, done=False)
        except BaseException:
            if pending is not None:  # the refusal examines ``source``: the read-ahead must be done with it
                _settle(pending)
            raise
    return copied, last_key, count



def _copy_tables(source_engine: Engine, target_engine: Engine, tables: Sequence[sa.Table],
                 targets: Sequence[sa.Table], batch_size: int, tick: Callable[[CopyProgress], None],
                 workers: int) -> list[TableCopy]:
    """Copy each table (``workers`` at a time, each with its own connections); results in the tables' order.

    With one worker every table is read in one source snapshot; with several, each table in its own (the final
    reconciliation compares each table whole either way). The first failure cancels the tables not started and
    is raised once the running ones have committed their last batch.
    """
    def one(table: sa.Table, target: sa.Table) -> TableCopy:
        with _reading(source_engine) as source:
            done = _copy_table(source, target_engine, table, target, batch_size, tick)
        log.debug("copy.table", table=table.name, copied=done.copied, resumed=done.resumed)
        return done

    pairs = list(zip(tables, targets, strict=True))
    if workers == 1:
        with _reading(source_engine) as source:
            return [_copy_table(source, target_engine, t, tg, batch_size, tick) for t, tg in pairs]
    results: list[TableCopy] = []
    failure: BaseException | None = None
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(one, t, tg) for t, tg in pairs]
        for future in futures:
            try:
                results.append(future.result())
            except BaseException as exc:
                if failure is None:
                    failure = exc
                    for pending in futures:
                        pending.cancel()
    if failure is not None:
        raise failure
    return results

