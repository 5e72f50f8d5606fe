"""Automatic demotion: a circuit breaker that moves a ``reverse-shadow`` domain back to ``shadow``.

In ``reverse-shadow`` the SQLAlchemy path answers and the legacy path checks it. When, among a domain's last
``window`` compared calls, ``failures`` or more failed (mismatch, wrong type, candidate error; a mismatch
labelled a race does not count), the breaker demotes the domain in the :class:`~shim.flags.FlagStore` the
router reads, so the very next call is answered by the legacy path again. It logs ``flags.demoted`` and tells
its listeners (the parity report shows the demotion; the application may persist it).

The breaker is a publisher: attach it to a router with :func:`attach`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog

from shim.clock import Clock, SystemClock
from shim.flags import FlagStore
from shim.modes import Mode
from shim.observation import ParityEvent

__all__ = ["Demotion", "DemotionBreaker", "attach"]

log = structlog.get_logger(__name__)

DemotionListener = Callable[["Demotion"], None]


@dataclass(frozen=True, slots=True)
class Demotion:
    """One automatic demotion."""

    domain: str
    before: Mode
    after: Mode
    failures: int
    window: int
    at: float
    last_difference: str | None = None

    @property
    def reason(self) -> str:
        """Why, in one sentence."""
        return (f"{self.failures} of the last {self.window} compared calls failed in {self.before.value}; "
                f"the circuit breaker moved the domain back to {self.after.value}")

    def as_dict(self) -> dict[str, Any]:
        """The demotion as JSON (``flags.demoted`` in events.jsonl and in the flip history)."""
        when = _dt.datetime.fromtimestamp(self.at, _dt.UTC).isoformat().replace("+00:00", "Z")
        data: dict[str, Any] = {"domain": self.domain, "from": self.before.value, "to": self.after.value,
                                "failures": self.failures, "window": self.window, "epoch": self.at, "at": when,
                                "reason": self.reason}
        if self.last_difference:
            data["last_difference"] = self.last_difference
        return data


class DemotionBreaker:
    """Watches parity events; demotes a ``reverse-shadow`` domain whose comparisons keep failing."""

    def __init__(self, flags: FlagStore, *, failures: int = 3, window: int = 100, clock: Clock | None = None,
                 listeners: Iterable[DemotionListener] = ()) -> None:
        if failures < 1 or window < failures:
            raise ValueError("the breaker needs 1 <= failures <= window")
        self.flags = flags
        self.failures = failures
        self.window = window
        self._clock = clock or SystemClock()
        self._listeners = list(listeners)
        self._lock = threading.Lock()
        self._recent: dict[str, deque[bool]] = {}
        self.demotions: list[Demotion] = []

    def subscribe(self, listener: DemotionListener) -> None:
        """Call ``listener`` with every demotion (its failures are logged, never raised)."""
        self._listeners.append(listener)

    def publish(self, event: ParityEvent) -> None:
        """Count one event; trip the breaker when the domain's recent failures reach the threshold."""
        if event.aa or event.mode != Mode.REVERSE_SHADOW.value or not event.outcome.compared:
            return
        domain = event.domain
        if self.flags.mode(domain) is not Mode.REVERSE_SHADOW:
            return
        with self._lock:
            recent = self._recent.setdefault(domain, deque(maxlen=self.window))
            recent.append(event.outcome.failed)
            failed = sum(recent)
            if failed < self.failures:
                return
            seen = len(recent)
            recent.clear()
        change = self.flags.demote(domain, Mode.SHADOW, expect=Mode.REVERSE_SHADOW,
                                   reason=f"{failed} failures in the last {seen} compared calls")
        if change is None:  # another thread demoted it first, or an operator moved it
            return
        demotion = Demotion(domain, change.before, change.after, failed, self.window, self._clock.time(),
                            event.difference)
        with self._lock:
            self.demotions.append(demotion)
        with contextlib.suppress(Exception):
            log.warning("flags.demoted", **demotion.as_dict())
        for listener in list(self._listeners):
            try:
                listener(demotion)
            except Exception as exc:  # never let a listener reach the router's caller
                with contextlib.suppress(Exception):
                    log.error("flags.demotion_listener_failed", domain=domain, error=f"{type(exc).__name__}: {exc}")


def attach(router: Any, *, failures: int = 3, window: int = 100,
           listeners: Iterable[DemotionListener] = ()) -> DemotionBreaker:
    """Give ``router`` a breaker over its flag store; report publishers that record demotions are told too.

    Args:
        router: a :class:`shim.router.Router` (its ``flags``, ``clock`` and ``publishers`` are used).
        failures: failed comparisons that trip the breaker …
        window: … among this many latest compared calls of the domain.
        listeners: more callables told about each demotion (e.g. one that persists it to config.ini).
    """
    breaker = DemotionBreaker(router.flags, failures=failures, window=window, clock=router.clock,
                              listeners=listeners)
    for publisher in router.publishers:
        record = getattr(publisher, "record_demotion", None)
        if record is not None:
            breaker.subscribe(_as_record(record))
    router.publishers.append(breaker)
    return breaker


def _as_record(record: Callable[[Mapping[str, Any]], None]) -> DemotionListener:
    def listener(demotion: Demotion) -> None:
        record(demotion.as_dict())

    return listener
