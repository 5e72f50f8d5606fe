"""Copying tables side by side in worker *processes*: the large-database path of ``copy``.

A table's batches are written as COPY text by SQLite (:mod:`plexpy.commands.copy_text`), which runs in C, but
each batch still passes through Python: the query's result, psycopg's COPY stream, the checkpoint row. With
several tables in threads of one process those steps queue on the interpreter lock; measured on a 1M-play
database (three history tables, 2 CPUs), threads spent 97 CPU-seconds in the copying process against 55 for
the same work done one table at a time. One process per table removes that contention.

Each worker opens its own engines from the URLs (nothing is inherited: processes are *spawned*), copies its
table with the same code as the threaded path (:func:`~plexpy.commands.copy_stream._copy_table`: batches,
checkpoints, refusals), and sends its progress ticks through a queue the parent forwards to ``progress``. A
worker's failure comes back as the same exception type where it can be pickled, else as ``TautulliDBError``.
"""

from __future__ import annotations

import multiprocessing
import pickle
import queue as queue_module
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

import structlog

from plexpy.commands.copy_results import CopyProgress, TableCopy
from plexpy.db.errors import TautulliDBError

__all__ = ["copy_in_processes"]

log = structlog.get_logger("plexpy.commands.copy")

_ticks: Any = None  # the worker's end of the progress queue (set by the pool's initializer)


def _init_worker(ticks: Any) -> None:
    global _ticks  # noqa: PLW0603 - one queue per worker process, set once when it starts
    _ticks = ticks


def _send(tick: CopyProgress) -> None:
    _ticks.put((tick.table, tick.phase, tick.done, tick.total))


def _copy_one(from_url: str, to_url: str, name: str, batch_size: int) -> TableCopy | BaseException:
    """Copy table ``name`` in this worker process; the result, or the failure as a picklable exception."""
    from plexpy.commands.copy_engines import _reading, open_engine, store_metadata  # noqa: PLC0415 - in the worker
    from plexpy.commands.copy_stream import _copy_table  # noqa: PLC0415

    source_engine, target_engine = open_engine(from_url), open_engine(to_url, writing=True)
    try:
        table = store_metadata(source_engine).tables[name]
        target = store_metadata(target_engine).tables[name]
        with _reading(source_engine) as source:
            return _copy_table(source, target_engine, table, target, batch_size, _send)
    except BaseException as exc:
        try:
            pickle.loads(pickle.dumps(exc))  # noqa: S301 - our own exception, tried before it crosses over
        except Exception:
            return TautulliDBError(f"copy of {name} failed in its worker: {type(exc).__name__}: {exc}", op="copy")
        return exc
    finally:
        source_engine.dispose()
        target_engine.dispose()


def copy_in_processes(from_url: str, to_url: str, names: Sequence[str], batch_size: int,
                      tick: Callable[[CopyProgress], None], workers: int,
                      on_done: Callable[[str], None] = lambda _name: None) -> list[TableCopy]:
    """Copy each table in its own worker process (``workers`` at a time); results in the tables' order.

    ``from_url``/``to_url`` carry their passwords (rendered for the workers only). ``on_done`` is called in the
    parent with each table's name as soon as it is copied (e.g. to start its indexes). The first failure
    cancels the tables not started and is raised once the running ones have committed their last batch.
    """
    context = multiprocessing.get_context("spawn")
    ticks = context.Queue()
    results: dict[str, TableCopy] = {}
    failure: BaseException | None = None

    def drain() -> None:
        while True:
            try:
                table, phase, done, total = ticks.get_nowait()
            except queue_module.Empty:
                return
            tick(CopyProgress(table, phase, done, total))

    with ProcessPoolExecutor(max_workers=max(1, min(workers, len(names))), mp_context=context,
                             initializer=_init_worker, initargs=(ticks,)) as pool:
        pending: dict[Future[Any], str] = {pool.submit(_copy_one, from_url, to_url, n, batch_size): n for n in names}
        while pending:
            finished, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            drain()
            for future in finished:
                name = pending.pop(future)
                try:
                    outcome = future.result()
                except BaseException as exc:
                    outcome = TautulliDBError(f"copy of {name} failed: its worker stopped ({exc})", op="copy")
                if isinstance(outcome, BaseException):
                    if failure is None:
                        failure = outcome
                        for other in pending:
                            other.cancel()
                    continue
                results[name] = outcome
                log.debug("copy.table", table=name, copied=outcome.copied, resumed=outcome.resumed, process=True)
                if failure is None:
                    on_done(name)
        drain()
    ticks.close()
    if failure is not None:
        raise failure
    return [results[n] for n in names]
