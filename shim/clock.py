"""Injected time: the only place that reads the system clock."""

from __future__ import annotations

import time
from typing import Protocol

__all__ = ["Clock", "FrozenClock", "SystemClock"]


class Clock(Protocol):
    """Wall time for results, monotonic time for durations."""

    def time(self) -> float:
        """Seconds since the epoch."""
        ...

    def monotonic_ns(self) -> int:
        """Nanoseconds from an arbitrary start, never going back."""
        ...


class SystemClock:
    """The real clock."""

    def time(self) -> float:
        """Seconds since the epoch, from the system."""
        return time.time()

    def monotonic_ns(self) -> int:
        """The system's monotonic counter."""
        return time.perf_counter_ns()


class FrozenClock:
    """A clock stopped at one instant; durations still advance (they measure real work)."""

    def __init__(self, now: float) -> None:
        self.now = float(now)

    def time(self) -> float:
        """The frozen instant."""
        return self.now

    def monotonic_ns(self) -> int:
        """The system's monotonic counter: a frozen wall clock must not freeze timings."""
        return time.perf_counter_ns()

    def advance(self, seconds: float) -> None:
        """Move the frozen instant forward."""
        self.now += seconds
