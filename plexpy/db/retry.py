"""Bounded retries for SQLite's "database is locked": wait, retry a few times, then let the error surface.

Tautulli gives up silently after five attempts and loses the write; here the caller always learns about it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

__all__ = ["is_locked", "on_locked"]

T = TypeVar("T")

ATTEMPTS = 4


def is_locked(exc: BaseException) -> bool:
    """True for SQLite's busy/locked errors (from either driver layer)."""
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text or "database is busy" in text


def on_locked(func: Callable[[], T]) -> T:
    """Call ``func``, retrying with backoff while the database is locked (bounded), then re-raise."""
    for attempt in Retrying(
        retry=retry_if_exception(is_locked),
        stop=stop_after_attempt(ATTEMPTS),
        wait=wait_exponential(multiplier=0.05, max=1.0),
        reraise=True,
    ):
        with attempt:
            return func()
    raise AssertionError("unreachable")  # pragma: no cover
