"""The result types of :mod:`plexpy.commands.migrate`, and the database a command works on."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import URL

from plexpy.db.repairs import RepairReport

if TYPE_CHECKING:
    from plexpy.config import Settings

__all__ = ["MigrateResult", "PlannedRevision", "RepairResult"]


@dataclass(frozen=True, slots=True)
class PlannedRevision:
    """One revision to run (or that ran), with the first line of its docstring and its duration."""

    revision: str
    description: str
    seconds: float | None = None


@dataclass(frozen=True, slots=True)
class MigrateResult:
    """What :func:`~plexpy.commands.migrate.migrate` found and did.

    ``state`` is the detected :class:`~plexpy.db.fingerprint.State` (``empty``, ``legacy``, ``current``;
    ``server`` for PostgreSQL); ``release`` the release range recognised; ``from_revision`` where the
    database was (after a ``stamped`` revision, if one was recorded first); ``to_revision`` where it
    is now; ``planned``/``applied`` the revisions; ``changed`` whether the file was written at all.
    """

    database: str
    state: str
    release: str
    from_revision: str | None
    stamped: str | None
    to_revision: str | None
    planned: tuple[PlannedRevision, ...]
    applied: tuple[PlannedRevision, ...] = ()
    repairs: RepairReport | None = None
    backup: Path | None = None
    dry_run: bool = False
    changed: bool = False
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class RepairResult:
    """What :func:`~plexpy.commands.migrate.repair` found and did."""

    database: str
    repairs: RepairReport
    backup: Path | None = None
    dry_run: bool = False
    changed: bool = False


@dataclass(frozen=True, slots=True)
class _Target:
    url: URL
    path: Path | None
    pms_uuid: str

    @property
    def shown(self) -> str:
        return str(self.path) if self.path is not None else self.url.render_as_string(hide_password=True)


def _target(settings_or_path: Settings | str | Path, pms_uuid: str | None) -> _Target:
    if isinstance(settings_or_path, str | Path):
        path = Path(settings_or_path).expanduser().resolve()
        return _Target(URL.create("sqlite", database=str(path)), path, pms_uuid or "")
    db = settings_or_path.db
    if pms_uuid is None:
        try:
            pms_uuid = str(settings_or_path.tautulli_value("PMS_UUID") or "")
        except KeyError:
            pms_uuid = ""
    path = db.sqlite_path.expanduser().resolve() if db.sqlite_path is not None else None
    return _Target(db.url, path, pms_uuid)
