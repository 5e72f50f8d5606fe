"""The export files Tautulli removes with the rows: an export's folder, or the whole export directory.

These are effects outside the database, so the twins never run them directly: they register them with the
transaction's after-commit hook, and only a committed write removes files (a rolled-back compared run never
does). Removal ignores errors, as Tautulli's ``shutil.rmtree(..., ignore_errors=True)`` does.
"""

from __future__ import annotations

import os
import shutil

import structlog

from plexpy import context

__all__ = ["remove_folder", "reset_export_dir"]

log = structlog.get_logger(__name__)


def remove_folder(path: str) -> None:
    """Remove one export's folder and everything in it."""
    log.info("exports.folder_removed", path=path)
    shutil.rmtree(path, ignore_errors=True)


def reset_export_dir() -> None:
    """Empty ``EXPORT_DIR``: remove it, then create it again (nothing to do when the setting is empty)."""
    export_dir = context.config("EXPORT_DIR")
    if not export_dir:
        log.warning("exports.no_export_dir")
        return
    shutil.rmtree(export_dir, ignore_errors=True)
    if not os.path.exists(export_dir):
        os.makedirs(export_dir)
