"""Tautulli-compatible facade of ``plexpy.plexwatch_import``: import plays from a PlexWatch database.

``validate_database``, ``import_from_plexwatch`` and ``import_users`` route through the ``maintenance``
domain; the import is one transaction on both paths. As in Tautulli, the user list is refreshed from plex.tv
first (when this project's users facade offers ``refresh_users``), and an import that cannot refresh is
aborted. ``extract_plexwatch_xml`` is the pure XML reader both paths use.
"""

from __future__ import annotations

from typing import Any

import structlog

from plexpy import runtime, users
from plexpy.domains.maintenance.contract import OPERATIONS as _OPS
from plexpy.domains.maintenance.foreign_xml import extract_plexwatch_xml

__all__ = ["extract_plexwatch_xml", "import_from_plexwatch", "import_users", "validate_database"]

log = structlog.get_logger(__name__)


def validate_database(database_file: Any = None, table_name: Any = None) -> Any:
    """``'success'`` when ``table_name`` of the PlexWatch file has its plays, else why not."""
    return runtime.route(_OPS["validate_plexwatch_database"], database_file=database_file, table_name=table_name)


def refresh_before_import() -> bool:
    """Refresh the users from plex.tv as Tautulli's importers do first; False when the refresh raised."""
    refresh = getattr(users, "refresh_users", None)
    if refresh is None:
        return True
    try:
        refresh()
    except Exception:  # Tautulli aborts the import on any error here
        log.debug("maintenance.import_aborted", reason="unable to refresh the users list")
        return False
    return True


def import_from_plexwatch(database_file: Any = None, table_name: Any = None, import_ignore_interval: Any = 0) -> Any:
    """Import every play of ``table_name`` into history, then add its users; None (Tautulli's return)."""
    if validate_database(database_file=database_file, table_name=table_name) != "success":
        return None
    if not refresh_before_import():
        return None
    return runtime.route(_OPS["import_from_plexwatch"], database_file=database_file, table_name=table_name,
                         import_ignore_interval=import_ignore_interval)


def import_users() -> Any:
    """Add a user row for every user id in history that has none."""
    return runtime.route(_OPS["import_users"])
