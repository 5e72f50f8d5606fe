"""``tautulli-db reconcile``: find (and repair) every row that differs between two Tautulli stores.

    reconcile(left_url, right_url, tables=None, *, repair=False, resume=False, checkpoint=None, progress=None)
        -> ReconcileResult

The left store is the truth. Each table of ``plexpy.db.schema`` goes through :class:`shim.reconcile.TableDiffer`
(checksums over primary-key ranges computed inside each database, bisection to the differing rows, then a row
diff), and the AUTOINCREMENT counters are compared as the next id each store would give. ``repair`` rewrites
the differing right rows from the left, one transaction per chunk, checks the table again, and lifts the right
counters to the left's. ``resume`` skips the tables a checkpoint file says were finished by an interrupted run.
Works SQLite↔SQLite and SQLite↔PostgreSQL, in either direction.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from plexpy.commands.copy import display_url, open_engine, set_sequences, store_metadata
from plexpy.db.errors import TautulliDBError, translating
from shim.reconcile import Checkpoint, ReconcileError, ReconcileProgress, RowDifference, TableDiffer, TableReport

__all__ = ["ReconcileResult", "SequenceDifference", "default_checkpoint", "next_ids", "reconcile"]


@dataclass(frozen=True, slots=True)
class SequenceDifference:
    """A table whose stores would give different next ids."""

    table: str
    left_next: int
    right_next: int


@dataclass(slots=True)
class ReconcileResult:
    """Per-table reports and counter differences (after repair, when repaired)."""

    left: str
    right: str
    tables: list[TableReport] = field(default_factory=list)
    sequences: list[SequenceDifference] = field(default_factory=list)
    sequences_repaired: bool = False
    seconds: float = 0.0

    @property
    def differences(self) -> int:
        """Rows that differed, over every table."""
        return sum(t.found for t in self.tables)

    @property
    def equal(self) -> bool:
        """Every table and counter agrees (after repair, when repaired)."""
        return all(t.equal for t in self.tables) and (not self.sequences or self.sequences_repaired)


def default_checkpoint(left: str | URL, right: str | URL, tables: Sequence[str] | None) -> Path:
    """Where ``--resume`` keeps its checkpoint for this pair of stores and tables (the temp folder)."""
    identity = "\n".join([display_url(left), display_url(right), *sorted(tables or [])])
    digest = hashlib.sha256(identity.encode()).hexdigest()
    return Path(tempfile.gettempdir()) / f"tautulli-db-reconcile-{digest[:16]}.json"


def next_ids(conn: Connection, tables: Sequence[sa.Table]) -> dict[str, int]:
    """The id each AUTOINCREMENT table would give its next row."""
    found: dict[str, int] = {}
    preparer = conn.dialect.identifier_preparer
    counters: dict[str, int] = {}
    if conn.dialect.name == "sqlite":
        counters = {str(n): int(s) for n, s in conn.exec_driver_sql(
            "SELECT name, seq FROM sqlite_sequence WHERE name IN (SELECT name FROM sqlite_master)")}
    for table in tables:
        if not table.kwargs.get("sqlite_autoincrement"):
            continue
        quoted = preparer.format_table(table)
        highest = int(conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {quoted}").scalar_one())
        if conn.dialect.name == "postgresql":
            serial = conn.exec_driver_sql(f"SELECT pg_get_serial_sequence('{quoted}', 'id')").scalar_one()
            last, called = conn.exec_driver_sql(f"SELECT last_value, is_called FROM {serial}").one()
            found[table.name] = max(int(last) + 1 if called else int(last), highest + 1)
        else:
            found[table.name] = max(counters.get(table.name, 0), highest) + 1
    return found


def _existing(engine: Engine, tables: Sequence[sa.Table]) -> None:
    present = set(sa.inspect(engine).get_table_names())
    missing = [t.name for t in tables if t.name not in present]
    if missing:
        raise TautulliDBError(f"reconcile: tables missing in {display_url(engine.url)}: {', '.join(missing)}",
                              op="reconcile")


def _report_from(data: dict[str, object]) -> TableReport:
    differences = [RowDifference(tuple(d["key"]), d["kind"], tuple(d["columns"]))  # type: ignore[index]
                   for d in data.get("differences", [])]  # type: ignore[union-attr]
    fields = {k: v for k, v in data.items() if k not in ("differences", "key")}
    return TableReport(key=tuple(data.get("key", ())), differences=differences, **fields)  # type: ignore[arg-type]


def reconcile(left_url: str | URL, right_url: str | URL, tables: Sequence[str] | None = None, *,
              repair: bool = False, resume: bool = False, checkpoint: Path | None = None,
              progress: Callable[[ReconcileProgress], None] | None = None, bucket: int = 4096, leaf: int = 64,
              keep: int = 100) -> ReconcileResult:
    """Reconcile ``right_url`` against ``left_url`` (see the module docstring).

    Args:
        left_url: the SQLAlchemy URL of the store that is the truth.
        right_url: the store checked (and repaired) against it.
        tables: only these tables (default: every table of the schema).
        repair: rewrite differing right rows (and counters) from the left.
        resume: skip tables an interrupted run with the same stores and tables finished.
        checkpoint: the checkpoint file (default: :func:`default_checkpoint`).
        progress: called with :class:`~shim.reconcile.ReconcileProgress` ticks.
        bucket: rows per checksum range.
        leaf: range size below which rows are fetched and compared.
        keep: differences kept in each table's report (all are counted).

    Raises:
        TautulliDBError: a store failed or lacks a table (``__cause__`` is the original).
    """
    started = time.perf_counter()
    path = checkpoint or default_checkpoint(left_url, right_url, tables)
    state = Checkpoint(path)
    if not resume:
        state.clear()
        state = Checkpoint(path)
    result = ReconcileResult(left=display_url(left_url), right=display_url(right_url))
    left, right = open_engine(left_url), open_engine(right_url)
    try:
        left_tables, right_tables = _pick(left, tables), _pick(right, tables)
        with translating("reconcile", SQLAlchemyError, ReconcileError):
            _existing(left, left_tables)
            _existing(right, right_tables)
            for table, other in zip(left_tables, right_tables, strict=True):
                saved = state.finished(table.name)
                if saved is not None:
                    report = _report_from(saved)
                    report.resumed = True
                else:
                    report = TableDiffer(left, right, table, other, bucket=bucket, leaf=leaf, keep=keep,
                                         progress=progress).diff(repair=repair)
                    state.finish(report)
                result.tables.append(report)
            _sequences(left, right, left_tables, right_tables, result, repair)
        state.clear()
    finally:
        left.dispose()
        right.dispose()
    result.seconds = time.perf_counter() - started
    return result


def _pick(engine: Engine, names: Sequence[str] | None) -> list[sa.Table]:
    metadata = store_metadata(engine)
    if not names:
        return list(metadata.sorted_tables)
    unknown = [n for n in names if n not in metadata.tables]
    if unknown:
        raise TautulliDBError(f"reconcile: unknown tables: {', '.join(unknown)}; valid: "
                              f"{', '.join(t.name for t in metadata.sorted_tables)}", op="reconcile")
    return [t for t in metadata.sorted_tables if t.name in set(names)]


def _sequences(left: Engine, right: Engine, left_tables: Sequence[sa.Table], right_tables: Sequence[sa.Table],
               result: ReconcileResult, repair: bool) -> None:
    with left.connect() as conn:
        wanted = next_ids(conn, left_tables)
    with right.connect() as conn:
        have = next_ids(conn, right_tables)
    result.sequences = [SequenceDifference(t, wanted[t], have.get(t, 1))
                        for t in wanted if wanted[t] != have.get(t)]
    if repair and result.sequences:
        with right.begin() as conn:
            set_sequences(conn, right_tables, {d.table: d.left_next - 1 for d in result.sequences})
            # set_sequences only lifts; a right counter ahead of the left is set back here.
            ahead = [d for d in result.sequences if d.right_next > d.left_next]
            if ahead:
                _lower(conn, [t for t in right_tables if t.name in {d.table for d in ahead}],
                       {d.table: d.left_next - 1 for d in ahead})
        with right.connect() as conn:
            result.sequences_repaired = all(next_ids(conn, right_tables).get(d.table) == d.left_next
                                            for d in result.sequences)


def _lower(conn: Connection, tables: Sequence[sa.Table], values: dict[str, int]) -> None:
    preparer = conn.dialect.identifier_preparer
    for table in tables:
        value = values[table.name]
        if conn.dialect.name == "postgresql":
            serial = f"pg_get_serial_sequence('{preparer.format_table(table)}', 'id')"
            conn.exec_driver_sql(f"SELECT setval({serial}, {max(value, 1)}, {'true' if value > 0 else 'false'})")
        else:
            conn.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (value, table.name))
