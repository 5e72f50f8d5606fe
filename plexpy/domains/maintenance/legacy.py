"""The maintenance domain's reads on raw sqlite3: SQLite's own pragmas (the control path)."""

from __future__ import annotations

from typing import Any

from plexpy.db.sqlite_executor import SqliteExecutor
from plexpy.domains.maintenance import shaping

__all__ = ["TWIN", "LegacyMaintenance"]

_INTEGRITY_CHECK = "PRAGMA integrity_check"

_DATABASE_SIZE = """
SELECT c.page_count AS page_count, s.page_size AS page_size, f.freelist_count AS freelist_count
FROM pragma_page_count() AS c, pragma_page_size() AS s, pragma_freelist_count() AS f"""

_TABLES = r"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'"

_ROW_COUNT = 'SELECT COUNT(*) AS row_count FROM "{table}"'


class LegacyMaintenance:
    """Maintenance reads on the legacy executor."""

    def __init__(self, db: SqliteExecutor) -> None:
        self._db = db

    def integrity_check(self) -> dict[str, Any]:
        """The integrity verdict (first message only): ``{'integrity_check': 'ok'}`` when sound."""
        return shaping.integrity(self._db.select_single(_INTEGRITY_CHECK))

    def get_database_size(self) -> dict[str, int]:
        """Pages, page size, free pages and total bytes of the database."""
        return shaping.database_size(self._db.select_single(_DATABASE_SIZE))

    def get_table_row_counts(self) -> dict[str, int]:
        """Rows per table (internal ``sqlite_*`` tables left out), by table name."""
        names = [r["name"] for r in self._db.select(_TABLES)]
        return shaping.row_counts(
            (name, self._db.select_single(_ROW_COUNT.format(table=name.replace('"', '""')))["row_count"])
            for name in names
        )


TWIN = LegacyMaintenance
