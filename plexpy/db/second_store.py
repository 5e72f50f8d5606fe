"""The second store of a dual write: applies outbox entries idempotently and reads the written keys back.

An entry's payload is what the answering store's change capture saw (``plexpy.db.snapshot``), with the
generated ids as they are: ``{"tables": {name: {"rows": [after-image, ...], "deleted": [id, ...]}},
"sequence": {name: seq}, "resync": [name, ...]}``. One entry is applied in one transaction: deletes by key,
then upserts by primary key (``INSERT … ON CONFLICT (id) DO UPDATE``), then each touched AUTOINCREMENT counter
lifted to at least ``max(seq, max(id))``, then the high-water mark of the entry's stream in
``tautulli_dual_write`` — read ``FOR UPDATE`` first, so an entry at or below the mark is skipped and a retried
or concurrently drained entry is never applied twice. ``resync`` tables (a write that could not be captured:
an import, a table cleared with files) are rewritten from the answering store by ``reconcile --repair``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import SQLAlchemyError

from plexpy.commands.copy import open_engine, set_sequences, store_metadata
from plexpy.db.errors import translating
from plexpy.db.outbox import Entry, decode_value

__all__ = ["Applied", "SecondStore", "same_value"]

_marks = sa.MetaData()
MARKS = sa.Table(
    "tautulli_dual_write", _marks,
    sa.Column("stream", sa.Text, primary_key=True),
    sa.Column("applied_seq", sa.BigInteger, nullable=False),
)


def same_value(a: Any, b: Any) -> bool:
    """Equal with the same SQLite storage class (``1``, ``1.0`` and ``'1'`` differ; bool counts as int)."""
    return _kind(a) is _kind(b) and a == b


def _kind(value: Any) -> type:
    return int if isinstance(value, bool) else type(value)


@dataclass(slots=True)
class Applied:
    """What applying one entry did, and what the read-back found."""

    seq: int
    skipped: bool = False
    rows: int = 0
    checked: int = 0
    superseded: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        """``parity.match`` / ``parity.mismatch`` (read-back), or ``skipped`` (already applied)."""
        if self.skipped:
            return "skipped"
        return "parity.mismatch" if self.differences else "parity.match"


class SecondStore:
    """The store entries are applied to, with the answering store to read back from."""

    def __init__(self, url: str | URL, primary_url: str | URL, *, stream: str) -> None:
        self.url = make_url(url) if isinstance(url, str) else url
        self.primary_url = make_url(primary_url) if isinstance(primary_url, str) else primary_url
        self.stream = stream
        connect_args = {"connect_timeout": 5} if self.url.get_backend_name() == "postgresql" else {}
        with translating("dual_write.connect", SQLAlchemyError, ValueError):
            self.engine = (sa.create_engine(self.url, hide_parameters=True, pool_pre_ping=True,
                                            connect_args=connect_args)
                           if connect_args else open_engine(self.url, writing=True))
        self.primary = open_engine(self.primary_url)
        self.metadata = store_metadata(self.engine)
        self._ready = False

    def close(self) -> None:
        """Close both engines' connections."""
        self.engine.dispose()
        self.primary.dispose()

    def applied_seq(self) -> int:
        """The stream's high-water mark on the second store (0 before the first entry)."""
        with translating("dual_write.mark", SQLAlchemyError), self.engine.connect() as conn:
            self._prepare(conn)
            value = conn.execute(sa.select(MARKS.c.applied_seq).where(MARKS.c.stream == self.stream)).scalar()
            conn.commit()
        return int(value or 0)

    def _prepare(self, conn: Connection) -> None:
        if not self._ready:
            _marks.create_all(conn, checkfirst=True)
            self._ready = True

    def apply(self, entry: Entry, *, read_back: bool = True) -> Applied:
        """Apply ``entry`` unless the mark says it already was; then compare the written keys on both stores."""
        result = Applied(entry.seq)
        payload = entry.payload
        resync = [t for t in payload.get("resync", ()) if t in self.metadata.tables]
        with translating("dual_write.apply", SQLAlchemyError):
            if resync and entry.seq > self.applied_seq():
                self._resync(resync)
            with self.engine.begin() as conn:
                self._prepare(conn)
                mark = conn.execute(sa.select(MARKS.c.applied_seq).where(MARKS.c.stream == self.stream)
                                    .with_for_update()).scalar()
                if mark is not None and int(mark) >= entry.seq:
                    result.skipped = True
                    return result
                result.rows = self._write(conn, payload.get("tables", {}), payload.get("sequence", {}))
                self._mark(conn, entry.seq, exists=mark is not None)
        if read_back:
            self._read_back(payload.get("tables", {}), result)
        return result

    def _write(self, conn: Connection, tables: Mapping[str, Any], sequence: Mapping[str, int]) -> int:
        written = 0
        for table in self.metadata.sorted_tables:
            change = tables.get(table.name)
            if not change:
                continue
            deleted = list(change.get("deleted", ()))
            for start in range(0, len(deleted), 500):
                conn.execute(sa.delete(table).where(table.c.id.in_(deleted[start:start + 500])))
            rows = [{k: decode_value(v) for k, v in row.items() if k in table.c} for row in change.get("rows", ())]
            if rows:
                conn.execute(self._upsert(table, rows[0].keys()), rows)
            written += len(deleted) + len(rows)
        touched = [t for t in self.metadata.sorted_tables if t.name in sequence]
        if touched:
            set_sequences(conn, touched, {k: int(v) for k, v in sequence.items()})
        return written

    def _upsert(self, table: sa.Table, columns: Sequence[str] | Any) -> Any:
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(table)
        keys = [c.name for c in table.primary_key.columns]
        updates = {name: stmt.excluded[name] for name in columns if name not in keys}
        return stmt.on_conflict_do_update(index_elements=keys, set_=updates) if updates else \
            stmt.on_conflict_do_nothing(index_elements=keys)

    def _mark(self, conn: Connection, seq: int, *, exists: bool) -> None:
        if exists:
            conn.execute(sa.update(MARKS).where(MARKS.c.stream == self.stream).values(applied_seq=seq))
        else:
            conn.execute(sa.insert(MARKS).values(stream=self.stream, applied_seq=seq))

    def mark_resynced(self, seq: int) -> None:
        """Advance the mark after a resync entry (whose rows were rewritten outside the mark's transaction)."""
        with translating("dual_write.mark", SQLAlchemyError), self.engine.begin() as conn:
            self._prepare(conn)
            mark = conn.execute(sa.select(MARKS.c.applied_seq).where(MARKS.c.stream == self.stream)
                                .with_for_update()).scalar()
            if mark is None or int(mark) < seq:
                self._mark(conn, seq, exists=mark is not None)

    def _resync(self, tables: Sequence[str]) -> None:
        from plexpy.commands.reconcile import reconcile  # noqa: PLC0415 - only resync entries need it

        left = self.primary_url.render_as_string(hide_password=False)
        right = self.url.render_as_string(hide_password=False)
        result = reconcile(left, right, list(tables), repair=True)
        if not result.equal:
            raise RuntimeError(f"resync of {', '.join(tables)} left differences")

    def _read_back(self, tables: Mapping[str, Any], result: Applied) -> None:
        primary_meta = store_metadata(self.primary)
        with self.primary.connect() as left, self.engine.connect() as right:
            for name, change in sorted(tables.items()):
                if name not in self.metadata.tables or name not in primary_meta.tables:
                    continue
                images = {int(row["id"]): row for row in change.get("rows", ())}
                keys = sorted({*images, *(int(k) for k in change.get("deleted", ()))})
                here = _rows(left, primary_meta.tables[name], keys)
                there = _rows(right, self.metadata.tables[name], keys)
                for key in keys:
                    result.checked += 1
                    image = images.get(key)
                    now = here.get(key)
                    if not _rows_equal(now, {k: decode_value(v) for k, v in image.items()} if image else None):
                        result.superseded += 1  # a later write changed it; its own entry checks it
                        continue
                    if not _rows_equal(now, there.get(key)):
                        result.differences.append(_describe(name, key, now, there.get(key)))


def _rows(conn: Connection, table: sa.Table, keys: Sequence[int]) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(keys), 500):
        stmt = sa.select(table).where(table.c.id.in_(keys[start:start + 500]))
        for row in conn.execute(stmt).mappings():
            found[int(row["id"])] = dict(row)
    return found


def _rows_equal(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return all(name in b and same_value(value, b[name]) for name, value in a.items())


def _describe(table: str, key: int, left: Mapping[str, Any] | None, right: Mapping[str, Any] | None) -> str:
    if left is None or right is None:
        return f"{table}[id {key}]: {'absent' if left is None else 'present'} on the answering store, " \
               f"{'absent' if right is None else 'present'} on the second"
    column = next(n for n, v in left.items() if n not in right or not same_value(v, right[n]))
    return f"{table}[id {key}].{column}: storage class or value differs"
