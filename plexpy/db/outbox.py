"""A durable outbox: the change sets still to be applied to the second store, in order, in a SQLite file.

One file beside the database (``<db>.outbox.sqlite``), WAL with ``synchronous=FULL``, so an entry appended
after the answering store committed survives a crash or a restart. Entries carry a sequence number (the
order they are applied in and the key of the second store's high-water mark), the operation's name, the change
set as JSON, the attempts so far and the last error (redacted). An applied entry is deleted; the file keeps
a few counters (``meta``) for ``tautulli-db outbox status``. Every method opens its own short connection, so
the writer threads and the drainer never share one.

A write announces itself first (:meth:`Outbox.begin`: an *intent* row naming its tables and its writer) and
the entry that records it removes the intent in the same transaction (``append(..., settles=intent)``). A
process killed between the answering store's commit and the append leaves its intent behind;
:meth:`Outbox.recover` turns the intents of writers that are gone into one resync entry for their tables, so
a committed write is never lost to the second store.
"""

from __future__ import annotations

import base64
import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shim.redact import redact_text

__all__ = ["Entry", "Outbox", "OutboxStatus", "decode_value", "encode_value"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY AUTOINCREMENT, created REAL NOT NULL, "
    "op TEXT NOT NULL, payload TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, "
    "last_try REAL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)",
    "CREATE TABLE IF NOT EXISTS intents (id INTEGER PRIMARY KEY AUTOINCREMENT, created REAL NOT NULL, "
    "writer TEXT NOT NULL, op TEXT NOT NULL, tables TEXT NOT NULL)",
)


def encode_value(value: Any) -> Any:
    """A SQLite value as JSON (a blob becomes ``{"$blob": base64}``; NaN/inf cannot occur in Tautulli's data)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$blob": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def decode_value(value: Any) -> Any:
    """The inverse of :func:`encode_value`."""
    if isinstance(value, dict) and set(value) == {"$blob"}:
        return base64.b64decode(value["$blob"])
    return value


@dataclass(frozen=True, slots=True)
class Entry:
    """One change set waiting for the second store."""

    seq: int
    op: str
    payload: Mapping[str, Any]
    attempts: int
    created: float
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxStatus:
    """What ``outbox status`` shows."""

    path: Path
    pending: int
    oldest_seq: int | None
    newest_seq: int | None
    oldest_age_s: float | None
    max_attempts: int
    last_error: str | None
    counters: Mapping[str, Any]
    in_flight: int = 0


class Outbox:
    """The outbox file at ``path`` (created on first use)."""

    def __init__(self, path: str | Path, *, clock: Any = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        with self._connect() as conn:
            for statement in _SCHEMA:
                conn.execute(statement)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()

    def append(self, op: str, payload: Mapping[str, Any], *, settles: int | None = None) -> int:
        """Store one change set durably (removing the intent ``settles`` with it); returns its sequence number."""
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        with self._connect() as conn:
            cursor = conn.execute("INSERT INTO entries (created, op, payload) VALUES (?, ?, ?)",
                                  (self._clock(), op, text))
            if settles is not None:
                conn.execute("DELETE FROM intents WHERE id = ?", (settles,))
            return int(cursor.lastrowid or 0)

    def begin(self, op: str, tables: Sequence[str], writer: str) -> int:
        """Durably announce a write of ``tables`` by ``writer`` before it commits; returns the intent's id."""
        with self._connect() as conn:
            cursor = conn.execute("INSERT INTO intents (created, writer, op, tables) VALUES (?, ?, ?, ?)",
                                  (self._clock(), writer, op, json.dumps(sorted(tables))))
            return int(cursor.lastrowid or 0)

    def settle(self, intent: int) -> None:
        """Remove an intent whose write changed nothing (rolled back, or nothing to record)."""
        with self._connect() as conn:
            conn.execute("DELETE FROM intents WHERE id = ?", (intent,))

    def recover(self, gone: Callable[[str], bool]) -> list[str]:
        """Turn the intents of writers for which ``gone(writer)`` holds into one resync entry; returns its tables.

        The resync rewrites those tables from the answering store, whether or not the interrupted write
        committed there.
        """
        with self._connect() as conn:
            rows = conn.execute("SELECT id, writer, tables FROM intents ORDER BY id").fetchall()
            dead = [(i, json.loads(t)) for i, w, t in rows if gone(str(w))]
            if not dead:
                return []
            tables = sorted({name for _, names in dead for name in names})
            text = json.dumps({"tables": {}, "sequence": {}, "resync": tables}, separators=(",", ":"))
            conn.execute("INSERT INTO entries (created, op, payload) VALUES (?, ?, ?)",
                         (self._clock(), "recover.interrupted_writes", text))
            conn.executemany("DELETE FROM intents WHERE id = ?", [(i,) for i, _ in dead])
            self._bump(conn, "recovered_intents", len(dead))
        return tables

    def pending(self, limit: int = 100) -> list[Entry]:
        """The oldest ``limit`` entries, in order."""
        with self._connect() as conn:
            rows = conn.execute("SELECT seq, op, payload, attempts, created, last_error FROM entries "
                                "ORDER BY seq LIMIT ?", (limit,)).fetchall()
        return [Entry(int(s), str(o), json.loads(p), int(a), float(c), e) for s, o, p, a, c, e in rows]

    def done(self, seq: int, *, outcome: str = "applied") -> None:
        """Remove an applied entry and count it (``outcome`` names the counter: applied, skipped …)."""
        with self._connect() as conn:
            conn.execute("DELETE FROM entries WHERE seq = ?", (seq,))
            self._bump(conn, outcome)
            conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                             (("last_done_seq", seq), ("last_done_at", self._clock())))

    def failed(self, seq: int, error: str) -> None:
        """Record a failed attempt of entry ``seq`` (the error text is redacted first)."""
        with self._connect() as conn:
            conn.execute("UPDATE entries SET attempts = attempts + 1, last_error = ?, last_try = ? WHERE seq = ?",
                         (redact_text(error)[:2000], self._clock(), seq))
            self._bump(conn, "failed_attempts")

    def count(self, key: str, by: int = 1) -> None:
        """Add ``by`` to the counter ``key`` (parity outcomes of the read-back)."""
        with self._connect() as conn:
            self._bump(conn, key, by)

    def note(self, key: str, value: Any) -> None:
        """Keep one value in ``meta`` (the last parity difference …)."""
        with self._connect() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    @staticmethod
    def _bump(conn: sqlite3.Connection, key: str, by: int = 1) -> None:
        conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET "
                     "value = value + excluded.value", (key, by))

    def status(self) -> OutboxStatus:
        """Pending entries, lag and counters."""
        with self._connect() as conn:
            pending, oldest, newest, created, attempts = conn.execute(
                "SELECT count(*), min(seq), max(seq), min(created), coalesce(max(attempts), 0) FROM entries"
            ).fetchone()
            error = conn.execute("SELECT last_error FROM entries WHERE last_error IS NOT NULL ORDER BY seq "
                                 "LIMIT 1").fetchone()
            counters = dict(conn.execute("SELECT key, value FROM meta ORDER BY key").fetchall())
            in_flight = conn.execute("SELECT count(*) FROM intents").fetchone()[0]
        return OutboxStatus(
            path=self.path, pending=int(pending), oldest_seq=oldest, newest_seq=newest,
            oldest_age_s=None if created is None else max(0.0, self._clock() - float(created)),
            max_attempts=int(attempts), last_error=error[0] if error else None, counters=counters,
            in_flight=int(in_flight),
        )
