"""``tautulli-db copy``: move a Tautulli database to another store (SQLite → PostgreSQL, or SQLite → SQLite).

    copy(from_url, to_url, tables=None, *, batch_size=5000, resume=True, progress=None, verify=True) -> CopyResult

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
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import structlog
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from plexpy.commands.copy_text import copy_text_sql, read_text_batch
from plexpy.db import pgtypes, schema
from plexpy.db.errors import TautulliDBError, translating
from shim.reconcile import ReconcileProgress, TableDiffer, TableReport
from shim.redact import redact_text

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

log = structlog.get_logger(__name__)

PROGRESS_TABLE = "tautulli_copy_progress"
_progress_metadata = sa.MetaData()
_progress = sa.Table(
    PROGRESS_TABLE, _progress_metadata,
    sa.Column("table_name", sa.Text, primary_key=True),
    sa.Column("last_key", sa.BigInteger),
    sa.Column("copied", sa.BigInteger, nullable=False),
    sa.Column("done", sa.Integer, nullable=False),
)


class CopyRefused(TautulliDBError):
    """The copy would lose data or overwrite rows; nothing was written. ``details`` lists why."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        super().__init__(message + ("".join(f"\n  {d}" for d in details)), op="copy")
        self.details = list(details)


@dataclass(frozen=True, slots=True)
class CopyProgress:
    """A progress tick: ``done`` of ``total`` rows of ``table`` in ``phase`` (``copy`` or ``verify``)."""

    table: str
    phase: str
    done: int
    total: int


@dataclass(slots=True)
class TableCopy:
    """One table's copy: rows written by this run, rows already there from an earlier run, seconds."""

    table: str
    total: int
    copied: int = 0
    resumed: int = 0
    seconds: float = 0.0


@dataclass(slots=True)
class CopyResult:
    """What ``copy`` did and what the final reconciliation found."""

    source: str
    target: str
    tables: list[TableCopy] = field(default_factory=list)
    sequences: dict[str, int] = field(default_factory=dict)
    reconcile: list[TableReport] = field(default_factory=list)
    copy_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        """Rows written by this run."""
        return sum(t.copied for t in self.tables)

    @property
    def rows_per_second(self) -> float:
        """Throughput of this run: rows over the copy phase (schema, checks, rows, indexes, counters)."""
        return self.rows / self.copy_seconds if self.copy_seconds else 0.0

    @property
    def verified(self) -> bool:
        """Every copied table reconciled with 0 differences."""
        return bool(self.reconcile) and all(r.equal for r in self.reconcile)


def open_engine(url: str | URL, *, writing: bool = False) -> Engine:
    """An engine for ``copy``/``reconcile``, parameters hidden from errors.

    A SQLite file is opened as it is, except a ``writing`` target: WAL journal with ``synchronous=NORMAL``, as
    Tautulli runs it (a batch and its checkpoint still commit together, so a crash loses whole batches only).
    """
    parsed = make_url(url) if isinstance(url, str) else url
    with translating("connect", SQLAlchemyError, ValueError):
        if parsed.get_backend_name() != "sqlite":
            return sa.create_engine(parsed, hide_parameters=True, pool_pre_ping=True)
        engine = sa.create_engine(parsed, hide_parameters=True, connect_args={"check_same_thread": False})
        if writing and parsed.database not in (None, "", ":memory:"):
            @sa.event.listens_for(engine, "connect")
            def _pragmas(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.close()
        return engine


def store_metadata(engine: Engine) -> sa.MetaData:
    """The schema as stored by ``engine``'s backend: ``schema.metadata``, with PostgreSQL's column types there."""
    return _postgresql_metadata() if engine.dialect.name == "postgresql" else schema.metadata


@functools.cache
def _postgresql_metadata() -> sa.MetaData:
    return pgtypes.with_postgresql_types(schema.metadata)


def _tables(metadata: sa.MetaData, names: Sequence[str] | None) -> list[sa.Table]:
    known = {t.name: t for t in metadata.sorted_tables}
    if not names:
        return list(known.values())
    unknown = [n for n in names if n not in known]
    if unknown:
        raise CopyRefused(f"unknown tables: {', '.join(unknown)}; valid: {', '.join(known)}")
    return [known[n] for n in known if n in set(names)]


def _integer_key(table: sa.Table) -> str | None:
    keys = list(table.primary_key.columns)
    return keys[0].name if len(keys) == 1 and isinstance(keys[0].type, sa.Integer) else None


# --- values PostgreSQL cannot keep ---------------------------------------------------------------------------

@contextmanager
def _refusing(source: Connection, table: sa.Table, target: sa.Table) -> Iterator[None]:
    """Turn a batch PostgreSQL rejected into :class:`CopyRefused` naming the columns (the batch rolled back).

    PostgreSQL rejects text in a ``BIGINT`` column and NUL in text; the encoders refuse BLOBs and infinite reals.
    Nothing is scanned up front: only a failing table is examined, so a clean copy reads each row once.
    """
    try:
        yield
    except Exception as exc:
        if source.dialect.name != "sqlite" or not _is_value_error(exc):
            raise
        problems = _class_violations(source, table, target)
        if not problems:
            raise
        raise CopyRefused(f"{table.name}: values would change on the target; the batch was not copied "
                          "(tables before it were)", problems) from exc


def _is_value_error(exc: BaseException) -> bool:
    """A value was refused: our encoders, or psycopg/PostgreSQL's data exceptions (SQLSTATE class 22, NUL)."""
    try:
        from psycopg import DataError  # noqa: PLC0415 - the driver is only needed for a PostgreSQL target
    except ImportError:  # pragma: no cover - SQLite-only installs
        return isinstance(exc, pgtypes.StorageClassError)
    return isinstance(exc, (pgtypes.StorageClassError, DataError)) or isinstance(getattr(exc, "orig", None), DataError)


def _class_violations(source: Connection, table: sa.Table, target: sa.Table) -> list[str]:
    """Columns of a SQLite ``table`` holding a storage class ``target``'s PostgreSQL column cannot keep."""
    checks: list[tuple[str, str]] = []
    for column in target.columns:
        quoted = source.dialect.identifier_preparer.quote(column.name)
        if pgtypes.is_dynamic(column.type):
            checks.append((column.name, f"typeof({quoted}) = 'blob' OR {quoted} IN (9e999, -9e999)"))
        elif isinstance(column.type, sa.Integer):
            checks.append((column.name, f"typeof({quoted}) NOT IN ('integer', 'null')"))
        else:
            checks.append((column.name, f"typeof({quoted}) NOT IN ('text', 'null') OR instr({quoted}, char(0)) > 0"))
    sums = ", ".join(f"coalesce(sum({check}), 0)" for _, check in checks)
    quoted_table = source.dialect.identifier_preparer.format_table(table)
    counts = source.exec_driver_sql(f"SELECT {sums} FROM {quoted_table}").one()
    found = []
    for (name, _), count in zip(checks, counts, strict=True):
        if count:
            kinds = source.exec_driver_sql(
                f"SELECT DISTINCT typeof({source.dialect.identifier_preparer.quote(name)}) FROM {quoted_table}"
            ).scalars().all()
            found.append(f"{table.name}.{name}: {count} value(s) PostgreSQL cannot keep as stored "
                         f"(storage classes {', '.join(sorted(kinds))}); see docs/postgresql.md")
    return found


# --- writing ------------------------------------------------------------------------------------------------

def _encoders(target: sa.Table) -> list[Callable[[Any], Any] | None]:
    """Per column: how a SQLite value becomes COPY input for the target column (None: as it is)."""
    return [_jsonb_text if pgtypes.is_dynamic(c.type) else None for c in target.columns]


def _jsonb_text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is int:
        return str(value)
    if value == "":
        return '""'
    return pgtypes.encode_dynamic(value, "none")  # a SQLite value already carries its affinity's class


_AS_IS = frozenset({int, type(None)})  # what a dynamic (jsonb) column takes unchanged: COPY's text of it is JSON


def _write_postgresql(conn: Connection, table: sa.Table, rows: Sequence[Sequence[Any]],
                      encoders: list[Callable[[Any], Any] | None]) -> None:
    """COPY ``rows`` into ``table``, converting column by column; the batch's commit need not wait for the disk.

    A column to convert whose values in this batch are all integers or NULL (the usual case for Tautulli's
    dynamic columns) is passed as it is: psycopg writes the same text the encoder would. The session's
    ``synchronous_commit`` is off for the batch only: the copy's last commits (checkpoint, indexes, counters)
    wait for the disk and flush the whole log before them, so every row is durable when ``copy`` returns.
    """
    preparer = conn.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(c.name) for c in table.columns)
    active = [(i, enc) for i, enc in enumerate(encoders) if enc is not None]
    data: Iterable[Sequence[Any]] = rows
    if active and rows:
        by_column: list[Sequence[Any]] = list(zip(*rows, strict=True))
        for i, enc in active:
            if not _AS_IS.issuperset(map(type, by_column[i])):
                by_column[i] = [enc(v) for v in by_column[i]]
        data = zip(*by_column, strict=True)
    raw = conn.connection.driver_connection
    _refuse_blobs(raw)
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute("SET LOCAL synchronous_commit = off")
        with cursor.copy(f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN") as stream:
            write = stream.write_row
            for row in data:
                write(row)


def _write_postgresql_text(conn: Connection, table: sa.Table, text: str) -> None:
    """COPY a batch SQLite already wrote as COPY text (:mod:`plexpy.commands.copy_text`)."""
    preparer = conn.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(c.name) for c in table.columns)
    raw = conn.connection.driver_connection
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute("SET LOCAL synchronous_commit = off")
        with cursor.copy(f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN") as stream:
            stream.write(text + "\n")


def _refuse_blobs(raw: Any) -> None:
    """Make psycopg refuse a BLOB on this connection: COPY text would turn it into escaped text silently."""
    from psycopg.adapt import Dumper  # noqa: PLC0415 - the driver is only needed for a PostgreSQL target

    class RefuseBlob(Dumper):
        def dump(self, obj: Any) -> bytes:
            raise pgtypes.StorageClassError("a BLOB cannot be kept in a TEXT or BIGINT column")

    for kind in (bytes, bytearray, memoryview):
        raw.adapters.register_dumper(kind, RefuseBlob)


def _write_sqlite(conn: Connection, table: sa.Table, rows: Sequence[Sequence[Any]]) -> None:
    preparer = conn.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(c.name) for c in table.columns)
    marks = ", ".join("?" for _ in table.columns)
    conn.exec_driver_sql(f"INSERT INTO {preparer.format_table(table)} ({columns}) VALUES ({marks})",
                         [tuple(r) for r in rows])


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
    while True:
        batch = read_text_batch(source, text_sql, last_key, batch_size) if text_sql is not None else None
        if batch is not None and not batch.rows:
            break
        rows = None if batch is not None and batch.exact else next(_batches(source, table, last_key, batch_size), None)
        if rows is None and batch is None:
            break
        with _refusing(source, table, target), target_engine.begin() as conn:
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
        result.copied += count
        progress(CopyProgress(table.name, "copy", copied, result.total))
        if key_index is None:  # a keyless table is one batch
            break
    with target_engine.begin() as conn:
        _save_progress(conn, table.name, last_key, copied, done=True)
    result.seconds = time.perf_counter() - started
    return result


# --- sequences ----------------------------------------------------------------------------------------------

def _source_sequences(source: Connection, tables: Sequence[sa.Table]) -> dict[str, int]:
    """Each AUTOINCREMENT table's counter on the source (``sqlite_sequence``, or the serial's last value)."""
    if source.dialect.name == "postgresql":
        found = {}
        for table in tables:
            if table.kwargs.get("sqlite_autoincrement"):
                serial = source.exec_driver_sql(
                    f"SELECT pg_get_serial_sequence('{source.dialect.identifier_preparer.format_table(table)}', 'id')"
                ).scalar_one()
                last, called = source.exec_driver_sql(f"SELECT last_value, is_called FROM {serial}").one()
                found[table.name] = int(last) if called else int(last) - 1
        return found
    if not source.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first():
        return {}
    return {str(name): int(seq) for name, seq in source.exec_driver_sql("SELECT name, seq FROM sqlite_sequence")}


def set_sequences(conn: Connection, tables: Sequence[sa.Table], counters: dict[str, int]) -> dict[str, int]:
    """Lift every AUTOINCREMENT counter of ``tables`` to ``max(counters[table], max(id))``; returns the values."""
    result: dict[str, int] = {}
    preparer = conn.dialect.identifier_preparer
    for table in tables:
        if not table.kwargs.get("sqlite_autoincrement"):
            continue
        quoted = preparer.format_table(table)
        highest = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {quoted}").scalar_one()
        value = max(int(highest), counters.get(table.name, 0))
        if conn.dialect.name == "postgresql":
            serial = f"pg_get_serial_sequence('{quoted}', 'id')"
            if value > 0:
                conn.exec_driver_sql(f"SELECT setval({serial}, {value}, true)")
            else:
                conn.exec_driver_sql(f"SELECT setval({serial}, 1, false)")
        else:
            conn.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table.name,))
            if table.name in counters or value > 0:
                conn.exec_driver_sql("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table.name, value))
        result[table.name] = value
    return result


# --- the command --------------------------------------------------------------------------------------------

def copy(from_url: str | URL, to_url: str | URL, tables: Sequence[str] | None = None, *, batch_size: int = 5000,
         resume: bool = True, progress: Callable[[CopyProgress], None] | None = None,
         verify: bool = True, workers: int = 3) -> CopyResult:
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
            result.tables.extend(_copy_tables(source_engine, target_engine, source_tables, targets, batch_size, tick,
                                              workers))
            with _reading(source_engine) as source:
                counters = _source_sequences(source, source_tables)
            _create_indexes(target_engine, targets, workers)
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


def _create_indexes(engine: Engine, targets: Sequence[sa.Table], workers: int) -> None:
    """Create the tables' indexes after their rows, ``workers`` at a time on PostgreSQL (each its own connection)."""
    def build(index: sa.Index) -> None:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '128MB'")
            index.create(conn, checkfirst=True)

    indexes = [index for target in targets for index in target.indexes]
    if workers == 1:
        for index in indexes:
            build(index)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(build, indexes))


def _create_tables(engine: Engine, targets: Sequence[sa.Table]) -> None:
    """Create the missing tables with their keys and UNIQUE constraints; indexes come after the rows (faster)."""
    with engine.begin() as conn:
        present = set(sa.inspect(conn).get_table_names())
        for table in targets:
            if table.name not in present:
                conn.execute(sa.schema.CreateTable(table))


@contextmanager
def _reading(engine: Engine) -> Iterator[Connection]:
    """One read transaction on the source: every batch sees the same snapshot."""
    with engine.connect() as plain:
        conn = plain.execution_options(isolation_level="REPEATABLE READ") if plain.dialect.name == "postgresql" \
            else plain
        with conn.begin():
            yield conn


def _restart(engine: Engine, targets: Sequence[sa.Table]) -> None:
    with engine.begin() as conn:
        names = {t.name for t in targets}
        for row in conn.execute(sa.select(_progress.c.table_name)).scalars():
            if row in names:
                conn.execute(sa.delete(next(t for t in targets if t.name == row)))
                conn.execute(sa.delete(_progress).where(_progress.c.table_name == row))


def _verify(source: Engine, target: Engine, tables: Sequence[sa.Table], targets: Sequence[sa.Table],
            tick: Callable[[CopyProgress], None]) -> list[TableReport]:
    reports = []
    for table, target_table in zip(tables, targets, strict=True):
        def forward(p: ReconcileProgress) -> None:
            tick(CopyProgress(p.table, "verify", p.done, p.total))
        with translating("reconcile", SQLAlchemyError):
            reports.append(TableDiffer(source, target, table, target_table, progress=forward).diff())
    return reports


def display_url(url: str | URL) -> str:
    """``url`` as it may be shown: password hidden, redacted."""
    parsed = make_url(url) if isinstance(url, str) else url
    return redact_text(parsed.render_as_string(hide_password=True))


class TableProgress:
    """A rich progress display, one bar per table and phase; pass the instance as ``progress``.

    Use as a context manager around the command: ``with TableProgress() as bar: copy(..., progress=bar)``.
    """

    def __init__(self, **progress_kwargs: Any) -> None:
        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeRemainingColumn(), **progress_kwargs)
        self._tasks: dict[tuple[str, str], Any] = {}

    def __enter__(self) -> TableProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, tick: CopyProgress | ReconcileProgress) -> None:
        """Show one tick."""
        key = (tick.table, tick.phase)
        if key not in self._tasks:
            self._tasks[key] = self._progress.add_task(f"{tick.phase} {tick.table}", total=max(tick.total, 1))
        self._progress.update(self._tasks[key], completed=tick.done, total=max(tick.total, 1))
