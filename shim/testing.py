"""Helpers for tests: a router that raises on mismatches, a recording publisher, clocks with fixed steps."""

from __future__ import annotations

import threading
import time
from typing import Any

from shim.clock import FrozenClock
from shim.observation import Observation, ParityEvent
from shim.router import Router

__all__ = ["FrozenClock", "ParityAssertion", "RecordingPublisher", "SteppingClock", "StrictRouter"]


class ParityAssertion(AssertionError):
    """A shadowed call did not match (raised by :class:`StrictRouter` only, in tests)."""

    def __init__(self, event: ParityEvent) -> None:
        self.event = event
        blocks = [f"{event.event} in {event.key} ({event.mode}: {event.answering} answered, "
                  f"{event.compared} compared)"]
        for label, value in (("arguments", event.arguments), ("first difference", event.difference),
                             ("answering error", event.answering_error), ("compared error", event.compared_error)):
            if value:
                blocks.append(f"{label}: {value}")
        super().__init__("\n".join(blocks))


class StrictRouter(Router):
    """A router that raises :class:`ParityAssertion` on the caller's thread when an inline comparison fails.

    For tests only (Scientist's ``raise_on_mismatches``): production routers never raise.
    """

    def _after_conclusion(self, event: ParityEvent | None, control: Observation) -> None:
        if event is not None and event.outcome.failed:
            raise ParityAssertion(event)


class RecordingPublisher:
    """Keeps every published event in memory (thread-safe) and can wait for them."""

    def __init__(self) -> None:
        self.events: list[ParityEvent] = []
        self.checks: list[dict[str, Any]] = []
        self._cond = threading.Condition()

    def publish(self, event: ParityEvent) -> None:
        """Record the event."""
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def record_check(self, domain: str, operation: str, check: str, passed: bool, *, detail: str | None = None,
                     ref: str | None = None) -> None:
        """Record an external check."""
        with self._cond:
            self.checks.append({"domain": domain, "operation": operation, "check": check, "passed": passed,
                                "detail": detail, "ref": ref})

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ParityEvent]:
        """Wait until at least ``count`` events arrived (off-thread comparisons); return them all."""
        end = time.monotonic() + timeout
        with self._cond:
            while len(self.events) < count:
                left = end - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} events, got {len(self.events)}: {self.events}")
                self._cond.wait(left)
            return list(self.events)

    @property
    def names(self) -> list[str]:
        """The event names, in order."""
        return [e.event for e in self.events]


class SteppingClock(FrozenClock):
    """A frozen wall clock whose monotonic counter advances by a fixed step per reading (fabricated durations)."""

    def __init__(self, now: float = 1_768_478_400.0, step_ns: int = 1_000_000) -> None:
        super().__init__(now)
        self.step_ns = step_ns
        self._ticks = 0
        self._lock = threading.Lock()

    def monotonic_ns(self) -> int:
        """Advance by one step and return the counter."""
        with self._lock:
            self._ticks += self.step_ns
            return self._ticks
