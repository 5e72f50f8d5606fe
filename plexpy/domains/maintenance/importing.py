"""The steps of Tautulli's database import that are not data access, shared by both twins.

Tautulli keeps one process-wide ``IS_IMPORTING`` flag: set while any importer runs, read by
``import_tautulli_db`` (which refuses to start a second import) and by the web page. Here the flag is
claimed and released around each import, so a failed import no longer leaves it stuck, and the refusal
checks come in Tautulli's order: another import running, an invalid file, an unknown method, a failed backup.
Unlike Tautulli, the file being imported is only deleted once the import has committed, and importing the
database onto itself is refused instead of deleting the live database at the end.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import structlog

from plexpy.domains.maintenance import import_rules

__all__ = ["consume", "importing_now", "set_is_importing", "tautulli_import", "tracked"]

log = structlog.get_logger(__name__)

_lock = threading.Lock()
_running = 0
_manual = False


def importing_now() -> bool:
    """Tautulli's ``IS_IMPORTING``: True while an import runs (or after ``set_is_importing(True)``)."""
    with _lock:
        return _running > 0 or _manual


def set_is_importing(value: Any) -> None:
    """Tautulli's manual switch of the flag."""
    global _manual  # noqa: PLW0603 - Tautulli's process-wide flag
    with _lock:
        _manual = bool(value)


@contextlib.contextmanager
def tracked(*, exclusive: bool = False) -> Iterator[bool]:
    """Hold the flag for the block; yields False (and holds nothing) when ``exclusive`` and another import runs."""
    global _running  # noqa: PLW0603 - Tautulli's process-wide flag
    with _lock:
        if exclusive and (_running > 0 or _manual):
            claimed = False
        else:
            _running += 1
            claimed = True
    try:
        yield claimed
    finally:
        if claimed:
            with _lock:
                _running -= 1


def consume(path: str | Path) -> None:
    """Delete an imported file, and the ``-wal``/``-shm`` files SQLite may have left beside it."""
    target = Path(path)
    log.info("maintenance.import_file_deleted", file=target.name)
    target.unlink()
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{suffix}").unlink()


def _same_file(left: str | Path, right: str | Path | None) -> bool:
    if not right:
        return False
    try:
        return os.path.samefile(left, right)
    except (OSError, ValueError):
        return False


def tautulli_import(
    database: Any,
    method: Any,
    backup: Any,
    *,
    own_path: str | None,
    validate: Callable[[Any], str],
    make_backup: Callable[[], bool],
    run: Callable[[str, str], None],
) -> bool | None:
    """Tautulli's ``import_tautulli_db`` around ``run(path, method)``: False when refused, None when done.

    ``run`` imports in one transaction; the file is deleted after it returns (never when it raises).
    """
    with tracked(exclusive=True) as claimed:
        if not claimed:
            log.warning("maintenance.import_refused", reason="another import is running")
            return False
        verdict = validate(database)
        if verdict != "success":
            log.error("maintenance.import_refused", reason=verdict)
            return False
        if method not in import_rules.METHODS:
            log.error("maintenance.import_refused", reason="invalid import method")
            return False
        path = import_rules.foreign_path(database)
        if _same_file(path, own_path):
            log.error("maintenance.import_refused", reason="the file is this database")
            return False
        if backup and not make_backup():
            log.error("maintenance.import_refused", reason="failed to create database backup")
            return False
        log.info("maintenance.import_started", method=method)
        run(path, method)
        log.info("maintenance.import_complete", method=method)
        consume(path)
    return None
