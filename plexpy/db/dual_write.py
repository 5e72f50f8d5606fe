"""True dual writes: the answering store commits, the change set goes to a durable outbox, a drainer applies it.

Wiring (``attach``, called by ``plexpy.bootstrap.build`` when ``second_db_url`` is set and the database is a
SQLite file):

- :class:`DualWriteVerifier` wraps the runtime's write verifier. Its ``real`` scope (the answering path of a
  write, inside the answering store's transaction, captured by ``plexpy.db.snapshot``) appends the captured
  change set — full after-images with the generated ids, keys of deleted rows, AUTOINCREMENT counters — to the
  outbox once the transaction has committed. A rolled-back write appends nothing.
- :class:`DualWriteRouter` wraps the router. A write the router does not run in a ``real`` scope (a domain
  in ``legacy``/``sqlalchemy`` mode, a write sampled out) runs in one anyway; a write whose effects cannot be
  captured in one transaction (``verify="none"``/``"scratch"``: the import, clearing tables with files)
  runs as it is and appends a *resync* entry for its tables, which the drainer rewrites from the answering
  store with ``reconcile --repair``.
- :class:`DualWriter` owns the outbox (:mod:`plexpy.db.outbox`), the second store
  (:mod:`plexpy.db.second_store`) and a background drainer thread: entries are applied strictly in order;
  a failure leaves the entry (and all after it) in the outbox and is retried with bounded exponential backoff
  (tenacity). The caller never waits for the second store and never sees its failure; the outcome of each
  entry's read-back is logged (``dual_write.parity``), counted in the outbox and given to ``listeners``.

Crash safety: before a write runs, its tables are announced in the outbox (an *intent* naming this writer:
pid, process start time, a per-writer token); the entry recording the write removes the intent in the same
outbox transaction. A process killed between the answering commit and the append leaves the intent behind, and
the next :func:`open_writer` (the application's restart, or ``tautulli-db outbox drain``) turns the intents of
writers that are gone into a resync entry. Captured writes run one at a time in a process (``ordered``), so the
outbox order is the answering store's commit order.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy.engine import URL
from tenacity import Retrying, retry_if_exception_type, stop_when_event_set, wait_exponential

from plexpy.db.outbox import Outbox, encode_value
from plexpy.db.second_store import Applied, SecondStore
from plexpy.db.snapshot import ChangeSet
from plexpy.db.writer_identity import forget_identity, new_identity, writer_gone
from shim.errors import ConfigError
from shim.operation import Kind, Operation
from shim.redact import redact_text
from shim.router import Paths
from shim.writes import ChangeBox, WriteVerifier

__all__ = ["DrainResult", "DualWriteRouter", "DualWriteVerifier", "DualWriter", "attach", "outbox_path",
           "payload_from"]

log = structlog.get_logger(__name__)

#: Set while the answering path of a write runs inside a capturing ``real`` scope.
_CAPTURING: contextvars.ContextVar[bool] = contextvars.ContextVar("tdb_dual_write_capturing", default=False)



def outbox_path(sqlite_path: str | Path) -> Path:
    """The outbox file beside a database: ``<db>.outbox.sqlite``."""
    path = Path(sqlite_path)
    return path.with_name(path.name + ".outbox.sqlite")


def payload_from(changes: ChangeSet) -> dict[str, Any]:
    """An outbox payload from a captured change set (rows keyed by ``id``; tables without one resynced)."""
    tables: dict[str, Any] = {}
    resync: list[str] = []
    for name, rows in sorted(changes.tables.items()):
        images = [row for row in rows.values() if row is not None]
        if any("id" not in row for row in images) or (not images and name == "version_info"):
            resync.append(name)
            continue
        tables[name] = {
            "rows": [{k: encode_value(v) for k, v in row.items()} for row in images],
            "deleted": [rowid for rowid, row in sorted(rows.items()) if row is None],
        }
    return {"tables": tables, "sequence": dict(changes.sequence), "resync": resync}


@dataclass(slots=True)
class DrainResult:
    """One drain: entries applied, skipped (already applied), their read-back outcomes, time taken."""

    applied: int = 0
    skipped: int = 0
    mismatches: int = 0
    seconds: float = 0.0
    error: str | None = None

    @property
    def per_second(self) -> float:
        """Entries handled per second."""
        handled = self.applied + self.skipped
        return handled / self.seconds if self.seconds else 0.0


class DualWriter:
    """The outbox, the second store and the drainer of one database."""

    def __init__(self, outbox: Outbox, store: SecondStore, *, max_backoff: float = 30.0, base_backoff: float = 0.2,
                 listeners: Sequence[Callable[[str, Applied], None]] = ()) -> None:
        self.outbox = outbox
        self.store = store
        self.max_backoff = max_backoff
        self.base_backoff = base_backoff
        self.listeners = list(listeners)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Held around each captured write and its append: the outbox order is the commit order.
        self.ordered = threading.RLock()
        self.identity = new_identity()

    # -- the answering side ---------------------------------------------------------------------------------
    def begin(self, op: Operation) -> int | None:
        """Announce ``op``'s tables before it runs (None for maintenance-only ops, or if the outbox failed)."""
        tables = _resync_tables(op)
        if not tables:
            return None
        try:
            return self.outbox.begin(f"{op.domain}.{op.name}", tables, self.identity)
        except Exception as exc:  # never the caller's problem
            log.error("dual_write.intent_failed", op=op.name, domain=op.domain, error=redact_text(str(exc)))
            return None

    def forget(self, intent: int | None) -> None:
        """Drop the intent of a write that was rolled back."""
        if intent is None:
            return
        try:
            self.outbox.settle(intent)
        except Exception as exc:  # a leftover intent only costs a resync later
            log.error("dual_write.intent_failed", error=redact_text(str(exc)))

    def record(self, op: Operation, box: ChangeBox, intent: int | None = None) -> None:
        """Append what a committed write changed, settling ``intent`` (never raises: the answer matters more)."""
        try:
            if isinstance(box.changes, ChangeSet) and box.failure is None:
                payload = payload_from(box.changes)
                if not payload["tables"] and not payload["sequence"] and not payload["resync"]:
                    self.forget(intent)
                    return
            else:
                payload = {"tables": {}, "sequence": {}, "resync": _resync_tables(op)}
            self.outbox.append(f"{op.domain}.{op.name}", payload, settles=intent)
            self._wake.set()
        except Exception as exc:  # the caller must never see the second store's side
            log.error("dual_write.enqueue_failed", op=op.name, domain=op.domain, error=redact_text(str(exc)))

    def resync(self, op: Operation, intent: int | None = None) -> None:
        """Append a resync entry for the tables ``op`` may have changed (nothing for maintenance-only ops)."""
        tables = _resync_tables(op)
        if not tables:
            self.forget(intent)
            return
        try:
            self.outbox.append(f"{op.domain}.{op.name}", {"tables": {}, "sequence": {}, "resync": tables},
                               settles=intent)
            self._wake.set()
        except Exception as exc:  # never the caller's problem
            log.error("dual_write.enqueue_failed", op=op.name, domain=op.domain, error=redact_text(str(exc)))

    def recover(self) -> list[str]:
        """Queue a resync for the writes of writers killed before their entry was appended; returns the tables."""
        tables = self.outbox.recover(writer_gone)
        if tables:
            log.warning("dual_write.recovered_interrupted_writes", tables=tables)
            self._wake.set()
        return tables

    # -- the second side -------------------------------------------------------------------------------------
    def drain(self, *, limit: int | None = None, read_back: bool = True) -> DrainResult:
        """Apply pending entries in order until the outbox is empty (or ``limit`` entries); stop at a failure.

        Raises:
            TautulliDBError: the second store failed (the entry stays, its attempt and error recorded).
        """
        result = DrainResult()
        started = time.perf_counter()
        with self._lock:
            try:
                while limit is None or result.applied + result.skipped < limit:
                    batch = self.outbox.pending(100 if limit is None else min(100, limit))
                    if not batch:
                        break
                    for entry in batch:
                        if limit is not None and result.applied + result.skipped >= limit:
                            break
                        try:
                            applied = self.store.apply(entry, read_back=read_back)
                            if entry.payload.get("resync") and not applied.skipped:
                                self.store.mark_resynced(entry.seq)
                        except Exception as exc:
                            self.outbox.failed(entry.seq, f"{type(exc).__name__}: {exc}")
                            result.error = redact_text(f"{type(exc).__name__}: {exc}")
                            log.warning("dual_write.failed", seq=entry.seq, op=entry.op, attempts=entry.attempts + 1,
                                        error=result.error)
                            raise
                        self.outbox.done(entry.seq, outcome="skipped" if applied.skipped else "applied")
                        self._publish(entry.op, applied, result)
            finally:
                result.seconds = time.perf_counter() - started
        return result

    def _publish(self, op: str, applied: Applied, result: DrainResult) -> None:
        if applied.skipped:
            result.skipped += 1
        else:
            result.applied += 1
        outcome = applied.outcome
        try:
            if outcome == "parity.mismatch":
                result.mismatches += 1
                self.outbox.note("last_mismatch", f"seq {applied.seq} {op}: {applied.differences[0]}")
                log.warning("dual_write.parity", outcome=outcome, seq=applied.seq, op=op, rows=applied.rows,
                            first_difference=applied.differences[0])
            else:
                log.debug("dual_write.parity", outcome=outcome, seq=applied.seq, op=op, rows=applied.rows,
                          superseded=applied.superseded)
            self.outbox.count(outcome.replace(".", "_"))
            for listener in self.listeners:
                listener(op, applied)
        except Exception as exc:  # publishing must not stop the drain
            log.error("dual_write.publish_failed", error=redact_text(str(exc)))

    # -- the background drainer --------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the drainer thread (it resumes from whatever the outbox holds)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="tautulli-db-outbox", daemon=True)
            self._thread.start()
            self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=5.0)
            self._wake.clear()
            if self._stop.is_set():
                break
            retrying = Retrying(
                wait=wait_exponential(multiplier=self.base_backoff, max=self.max_backoff),
                retry=retry_if_exception_type(Exception), stop=stop_when_event_set(self._stop),
                sleep=self._stop.wait, reraise=True,
            )
            with contextlib.suppress(Exception):
                for attempt in retrying:
                    with attempt:
                        self.drain()

    def wait_empty(self, timeout: float = 30.0) -> bool:
        """Wait until the outbox is empty (True) or ``timeout`` seconds pass (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.outbox.status().pending == 0 and not self._lock.locked():
                return True
            self._wake.set()
            time.sleep(0.05)
        return self.outbox.status().pending == 0

    def close(self) -> None:
        """Stop the drainer (pending entries stay in the outbox for the next start) and close connections."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        forget_identity(self.identity)
        self.store.close()


def _resync_tables(op: Operation) -> list[str]:
    return sorted(t for t in op.tables if t != "sqlite_sequence")


class DualWriteVerifier:
    """A :class:`~shim.writes.WriteVerifier` whose committed answering scopes also feed the outbox."""

    def __init__(self, inner: WriteVerifier, writer: DualWriter) -> None:
        self.inner = inner
        self.writer = writer

    def method(self, op: Operation) -> str | None:
        """As the wrapped verifier."""
        return self.inner.method(op)

    @contextlib.contextmanager
    def trial(self, path: str, op: Operation) -> Iterator[ChangeBox]:
        """As the wrapped verifier (rolled back: nothing for the outbox, even when A/A runs the answering path)."""
        token = _CAPTURING.set(True)
        try:
            with self.inner.trial(path, op) as box:
                yield box
        finally:
            _CAPTURING.reset(token)

    @contextlib.contextmanager
    def real(self, path: str, op: Operation) -> Iterator[ChangeBox]:
        """The wrapped verifier's scope; after it commits, the change set goes to the outbox."""
        whole_tables = op.verify != "transaction"  # image-verified writes are resynced table by table
        with self.writer.ordered:
            intent = self.writer.begin(op)
            token = _CAPTURING.set(True)
            try:
                with self.inner.real(path, op) as box:
                    yield box
            except BaseException:
                if whole_tables:
                    self.writer.resync(op, intent)
                else:
                    self.writer.forget(intent)  # rolled back: nothing to mirror
                raise
            finally:
                _CAPTURING.reset(token)
            if whole_tables:
                self.writer.resync(op, intent)
            else:
                self.writer.record(op, box, intent)

    def diff(self, answering: ChangeBox, compared: ChangeBox) -> str | None:
        """As the wrapped verifier."""
        return self.inner.diff(answering, compared)


class DualWriteRouter:
    """Wraps a router so that every write's answering path is captured for the second store."""

    def __init__(self, router: Any, verifier: DualWriteVerifier) -> None:
        self._router = router
        self._verifier = verifier
        self.dual_writer = verifier.writer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._router, name)

    def call(self, op: Operation, paths: Paths, arguments: Mapping[str, Any]) -> Any:
        """Route as the wrapped router does, with the answering path of a write captured."""
        if op.kind is not Kind.WRITE:
            return self._router.call(op, paths, arguments)
        answering = self._router.flags.mode(op.domain).answering
        guarded = self._guard(op, answering, paths.get(answering))
        paths = replace(paths, legacy=guarded) if answering == "legacy" else replace(paths, sqlalchemy=guarded)
        return self._router.call(op, paths, arguments)

    def _guard(self, op: Operation, path: str, answer: Callable[..., Any]) -> Callable[..., Any]:
        def run(**kwargs: Any) -> Any:
            if _CAPTURING.get():
                return answer(**kwargs)
            if op.verify in ("none", "scratch"):
                intent = self.dual_writer.begin(op)
                try:
                    return answer(**kwargs)
                finally:
                    self.dual_writer.resync(op, intent)
            with self._verifier.real(path, op):
                return answer(**kwargs)

        return run

    def close(self) -> None:
        """Close the wrapped router (its reports), then stop the drainer."""
        try:
            close = getattr(self._router, "close", None)
            if close is not None:
                close()
        finally:
            self.dual_writer.close()


def _stream(outbox: Outbox) -> str:
    status = outbox.status()
    stream = status.counters.get("stream")
    if not stream:
        stream = uuid.uuid4().hex
        outbox.note("stream", stream)
    return str(stream)


def open_writer(sqlite_path: Path, second_url: URL, *, path: Path | None = None, **kwargs: Any) -> DualWriter:
    """The dual writer of the SQLite file ``sqlite_path`` and ``second_url`` (the drainer not started)."""
    outbox = Outbox(path or outbox_path(sqlite_path))
    store = SecondStore(second_url, f"sqlite:///{sqlite_path}", stream=_stream(outbox))
    writer = DualWriter(outbox, store, **kwargs)
    writer.recover()
    return writer


def attach(settings: Any, router: Any) -> Any:
    """Wrap ``router`` for dual writes when ``settings.db.second_url`` is set (else return it unchanged).

    Raises:
        ConfigError: a second store without a SQLite database file to answer.
    """
    second = getattr(settings.db, "second_url", None)
    if second is None:
        return router
    sqlite_path = settings.db.sqlite_path
    if sqlite_path is None or getattr(router, "write_verifier", None) is None:
        raise ConfigError("second_db_url: dual writes need db_url to be a SQLite file (the answering store)")
    writer = open_writer(sqlite_path, second, path=getattr(settings.db, "outbox_path", None))
    verifier = DualWriteVerifier(router.write_verifier, writer)
    router.write_verifier = verifier
    writer.start()
    log.info("dual_write.attached", second=second.render_as_string(hide_password=True), outbox=str(writer.outbox.path))
    return DualWriteRouter(router, verifier)
