"""The process-wide runtime handle that Tautulli-compatible facades route through.

Facades keep Tautulli's no-argument constructors (``Users()``), so they find the wired objects here.
``runtime.use(rt)`` installs a runtime (tests, replays, the CLI); without one, the first routed call wires a
runtime from the default configuration, router included (modes per domain, sampling, candidate timeout,
off-thread pool and parity reports from ``settings.shim``), and closes it at exit so its report is written.
"""

from __future__ import annotations

import atexit
import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plexpy.bootstrap import Runtime
    from shim.operation import Operation

__all__ = ["current", "route", "use"]

_lock = threading.Lock()
_current: Runtime | None = None


def current() -> Runtime:
    """The installed runtime, wiring one from the default configuration on first use."""
    global _current  # noqa: PLW0603 - the single process-wide handle
    if _current is None:
        with _lock:
            if _current is None:
                from plexpy import bootstrap, config  # noqa: PLC0415 - wired lazily, never at import time

                _current = bootstrap.build(config.load(config.locate_config()))
                atexit.register(_current.close)
    return _current


@contextlib.contextmanager
def use(rt: Runtime) -> Iterator[Runtime]:
    """Install ``rt`` as the process runtime for the block, restoring the previous one after."""
    global _current  # noqa: PLW0603 - the single process-wide handle
    with _lock:
        previous, _current = _current, rt
    try:
        yield rt
    finally:
        with _lock:
            _current = previous


def route(op: Operation, /, **arguments: Any) -> Any:
    """Route one call of ``op`` with keyword ``arguments`` through the current runtime."""
    return current().route(op, **arguments)
