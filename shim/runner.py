"""Where the compared path runs when it leaves the caller's thread: a bounded pool and a watchdog.

The pool never blocks the caller: when every worker is busy and the waiting room is full, :meth:`submit`
returns False and the router records the call as *shed*. Each job runs inside the caller's
``contextvars.Context`` (copied at submission), so the call context and bound log context follow it.

A Python thread cannot be killed. The deadline set around the compared path stops a running statement
(SQLite progress handler, PostgreSQL ``statement_timeout``); the :class:`Watchdog` makes the router stop
waiting even when a job is stuck somewhere no deadline reaches.
"""

from __future__ import annotations

import contextvars
import heapq
import itertools
import queue
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from shim.observation import Observation

__all__ = ["CandidatePool", "Handoff", "Watchdog"]

log = structlog.get_logger(__name__)

Job = Callable[[], None]
_STOP = object()


class CandidatePool:
    """A fixed set of daemon worker threads with a bounded waiting room."""

    def __init__(self, workers: int = 2, queue_size: int = 64, *, name: str = "shim-candidate") -> None:
        if workers < 1:
            raise ValueError("a candidate pool needs at least one worker")
        self.workers = workers
        self.queue_size = max(0, queue_size)
        self._name = name
        self._slots = threading.BoundedSemaphore(workers + self.queue_size)
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._start_lock = threading.Lock()
        self._idle = threading.Condition()
        self._pending = 0
        self._closed = False

    def _start(self) -> None:
        with self._start_lock:
            if self._threads or self._closed:
                return
            for index in range(self.workers):
                thread = threading.Thread(target=self._work, name=f"{self._name}-{index}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def submit(self, job: Job, context: contextvars.Context | None = None) -> bool:
        """Queue ``job`` to run in ``context`` (default: a copy of the caller's); False when it was shed."""
        if self._closed or not self._slots.acquire(blocking=False):
            return False
        self._start()
        with self._idle:
            self._pending += 1
        self._queue.put((context or contextvars.copy_context(), job))
        return True

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            ctx, job = item  # type: ignore[misc]
            try:
                ctx.run(job)
            except Exception as exc:  # the router wraps its jobs; this is the last line of defence
                log.error("shim.pool_job_failed", error=f"{type(exc).__name__}: {exc}")
            finally:
                self._slots.release()
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    @property
    def pending(self) -> int:
        """Jobs queued or running."""
        return self._pending

    def drain(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for every queued and running job; True when none is left."""
        end = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self, timeout: float = 1.0) -> None:
        """Stop accepting jobs and let the workers exit (stuck daemon workers are left behind)."""
        self._closed = True
        for _ in self._threads:
            self._queue.put(_STOP)
        end = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, end - time.monotonic()))
        self._threads = []


class Watchdog:
    """Calls each registered callback once its time has come, on one daemon thread."""

    def __init__(self, *, name: str = "shim-watchdog") -> None:
        self._name = name
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._counter = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def watch(self, seconds: float, callback: Callable[[], None]) -> None:
        """Call ``callback`` in ``seconds`` (it must decide itself whether it still has work to do)."""
        with self._wake:
            if self._closed:
                return
            heapq.heappush(self._heap, (time.monotonic() + seconds, next(self._counter), callback))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._closed and (not self._heap or self._heap[0][0] > time.monotonic()):
                    self._wake.wait(None if not self._heap else max(0.0, self._heap[0][0] - time.monotonic()))
                if self._closed:
                    return
                _, _, callback = heapq.heappop(self._heap)
            try:
                callback()
            except Exception as exc:  # a callback is the router's; never let it kill the watchdog
                log.error("shim.watchdog_callback_failed", error=f"{type(exc).__name__}: {exc}")

    def close(self) -> None:
        """Stop the watchdog; callbacks not yet due are dropped."""
        with self._wake:
            self._closed = True
            self._heap.clear()
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(1.0)


class Handoff:
    """Hands the answering observation to whoever concludes an off-thread call; lets one side claim it.

    The worker (candidate finished) and the watchdog (candidate overdue) race to :meth:`claim`; the winner
    concludes once the answering observation is there (:meth:`when_control` runs it at once, or on the
    thread that sets the control).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.ready = threading.Event()
        self.control: Observation | None = None
        self.compared: Observation | None = None
        self._then: Callable[[], None] | None = None

    def set_control(self, observation: Observation | None) -> None:
        """Hand over the answering observation (None: the caller aborted)."""
        with self._lock:
            self.control = observation
            self.ready.set()
            then, self._then = self._then, None
        if then is not None:
            then()

    def claim(self, observation: Observation) -> bool:
        """Record the compared observation; False when the other side claimed first."""
        with self._lock:
            if self.compared is not None:
                return False
            self.compared = observation
            return True

    def when_control(self, then: Callable[[], None]) -> None:
        """Run ``then`` once the answering observation is there (now, if it already is)."""
        with self._lock:
            if not self.ready.is_set():
                self._then = then
                return
        then()
