"""The one database error a caller sees, and the translation of driver errors into it.

Imports neither driver: the legacy executor passes ``sqlite3.Error``, the engine ``SQLAlchemyError``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import structlog

from shim.redact import redact_text

__all__ = ["QueryRefusedError", "QueryTimeoutError", "TautulliDBError", "translating"]

log = structlog.get_logger(__name__)


class TautulliDBError(Exception):
    """A database operation failed. ``__cause__`` is the driver's original exception."""

    def __init__(self, message: str, *, op: str | None = None, domain: str | None = None) -> None:
        super().__init__(message)
        self.op = op
        self.domain = domain


class QueryTimeoutError(TautulliDBError):
    """The statement was interrupted at its deadline."""


class QueryRefusedError(TautulliDBError):
    """The statement was refused before it ran (e.g. a write on the read-only raw SQL path)."""


def _is_interrupt(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "interrupted" in text or "canceling statement due to statement timeout" in text


@contextlib.contextmanager
def translating(op: str, *driver_errors: type[BaseException]) -> Iterator[None]:
    """Turn the given driver errors into :class:`TautulliDBError` raised from the original.

    The original is logged once, redacted, with the operation name.
    """
    try:
        yield
    except TautulliDBError:
        raise
    except driver_errors as exc:
        message = redact_text(f"{type(exc).__name__}: {exc}")
        log.warning("db.error", op=op, error=message)
        error_type = QueryTimeoutError if _is_interrupt(exc) else TautulliDBError
        raise error_type(f"{op}: {message}", op=op) from exc
