"""Tautulli-compatible facade of ``plexpy.plexivity_import``: import plays from a Plexivity database.

``validate_database``, ``import_from_plexivity`` and ``import_users`` route through the ``maintenance``
domain; the import is one transaction on both paths. The user list is refreshed first, as for PlexWatch
(``plexpy.plexwatch_import.refresh_before_import``). ``extract_plexivity_xml`` is the pure XML reader both
paths use.
"""

from __future__ import annotations

from typing import Any

from plexpy import runtime
from plexpy.domains.maintenance.contract import OPERATIONS as _OPS
from plexpy.domains.maintenance.foreign_xml import extract_plexivity_xml
from plexpy.plexwatch_import import refresh_before_import

__all__ = ["extract_plexivity_xml", "import_from_plexivity", "import_users", "validate_database"]


def validate_database(database_file: Any = None, table_name: Any = None) -> Any:
    """``'success'`` when ``table_name`` of the Plexivity file has its plays, else why not."""
    return runtime.route(_OPS["validate_plexivity_database"], database_file=database_file, table_name=table_name)


def import_from_plexivity(database_file: Any = None, table_name: Any = None, import_ignore_interval: Any = 0) -> Any:
    """Import every play of ``table_name`` into history, then add its users; None (Tautulli's return)."""
    if validate_database(database_file=database_file, table_name=table_name) != "success":
        return None
    if not refresh_before_import():
        return None
    return runtime.route(_OPS["import_from_plexivity"], database_file=database_file, table_name=table_name,
                         import_ignore_interval=import_ignore_interval)


def import_users() -> Any:
    """Add a user row for every user id in history that has none."""
    return runtime.route(_OPS["import_users"])
