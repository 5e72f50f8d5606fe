"""A cooperative deadline for the compared path: a Python thread cannot be killed, a query can be interrupted.

The router sets the deadline; database executors poll :func:`expired` (SQLite progress handler) or read
:func:`remaining` (PostgreSQL ``statement_timeout``) and stop the statement.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

__all__ = ["DeadlineExceeded", "active", "expired", "remaining", "within"]

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("shim_deadline", default=None)


class DeadlineExceeded(TimeoutError):
    """The compared path ran past its deadline."""


def active() -> bool:
    """True when a deadline is set for this context."""
    return _deadline.get() is not None


def remaining() -> float | None:
    """Seconds left before the deadline (may be negative), or None without one."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()


def expired() -> bool:
    """True once the deadline has passed."""
    deadline = _deadline.get()
    return deadline is not None and time.monotonic() >= deadline


@contextlib.contextmanager
def within(seconds: float | None) -> Iterator[None]:
    """Run a block with a deadline ``seconds`` from now (None: no deadline)."""
    if seconds is None:
        yield
        return
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)
