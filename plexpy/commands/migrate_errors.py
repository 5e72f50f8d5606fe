"""The refusals and failures of :mod:`plexpy.commands.migrate`.

Each is a :class:`~plexpy.db.errors.TautulliDBError` (the CLI's exit code 1) with ``reason`` and
``details`` fields.
"""

from __future__ import annotations

from plexpy.db import fingerprint
from plexpy.db.errors import TautulliDBError

__all__ = [
    "CorruptDatabaseError",
    "DatabaseBusyError",
    "MigrationRefusedError",
    "UnknownSchemaError",
    "UnsupportedReleaseError",
    "UpgradeFailedError",
]


class MigrationRefusedError(TautulliDBError):
    """The database was not changed because it cannot or must not be migrated now."""

    def __init__(self, reason: str, *, details: tuple[str, ...] = (), release: str | None = None) -> None:
        message = reason if not details else f"{reason}: {fingerprint.describe(details)}"
        super().__init__(message, op="migrate")
        self.reason = reason
        self.details = details
        self.release = release


class UnknownSchemaError(MigrationRefusedError):
    """The schema matches no Tautulli release or upgrade step."""


class UnsupportedReleaseError(MigrationRefusedError):
    """Tautulli v2.17.2 itself cannot upgrade this release's database."""


class DatabaseBusyError(MigrationRefusedError):
    """Another connection holds a write lock on the database."""


class CorruptDatabaseError(MigrationRefusedError):
    """SQLite's integrity check failed."""


class UpgradeFailedError(TautulliDBError):
    """A step failed; the transaction was rolled back and the file is as it was."""

    def __init__(self, reason: str, *, details: tuple[str, ...] = ()) -> None:
        super().__init__(reason if not details else f"{reason}: {fingerprint.describe(details)}", op="migrate")
        self.reason = reason
        self.details = details
