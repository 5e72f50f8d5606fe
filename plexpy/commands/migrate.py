"""Upgrade a Tautulli database to the head revision, and re-apply the every-start repairs.

Plain functions that return result objects and never print; ``plexpy/cli.py`` is their shell:

    tautulli-db migrate --db FILE [--yes] [--dry-run] [--no-backup]
        migrate(settings_or_path, *, dry_run=False, backup=True, pms_uuid=None,
                on_progress=None, busy_timeout=5.0, now=None) -> MigrateResult
    tautulli-db repair --db FILE [--dry-run] [--no-backup]
        repair(settings_or_path, *, dry_run=False, backup=True, pms_uuid=None,
               busy_timeout=5.0, now=None) -> RepairResult

``settings_or_path`` is a :class:`plexpy.config.Settings` (its database URL and ``PMS_UUID``) or the
path of a SQLite file. ``on_progress(revision, description)`` is called after each revision (the
CLI prints it; ``--yes`` is the CLI's own confirmation). Refusals and failures raise subclasses of
:class:`~plexpy.db.errors.TautulliDBError` (the CLI's exit code 1), each with ``reason`` and
``details`` fields:

- :class:`UnknownSchemaError`: not a schema any Tautulli release or upgrade step wrote (``details``
  says what differs, and from which release);
- :class:`UnsupportedReleaseError`: a release Tautulli v2.17.2 itself cannot upgrade;
- :class:`DatabaseBusyError`: another process holds a write lock (a running Tautulli);
- :class:`CorruptDatabaseError`: ``PRAGMA integrity_check`` failed;
- :class:`UpgradeFailedError`: a step failed; everything was rolled back (raised from the cause).

How a SQLite file is migrated: it is inspected read-only first (integrity check, fingerprint,
refusals, plan) and left untouched, byte for byte, when refused or on ``dry_run``. Otherwise one
connection takes the write lock (``BEGIN IMMEDIATE``), checks that nothing changed meanwhile,
copies the file with SQLite's online backup API to ``backups/`` beside it, then stamps the
detected revision, runs the revisions to head, re-applies the repairs and checks the result is
the v2.17.2 shape, all in that one transaction (SQLite runs DDL in transactions), and commits. A
failure or a kill before the commit leaves the file as it was. A database with nothing to do is
not written at all.

The pieces live beside this module: ``migrate_errors`` (refusals and failures), ``migrate_results``
(result types), ``migrate_plan`` (Alembic revisions and the plan), ``migrate_detect`` (read-only
inspection and refusals) and ``migrate_locking`` (write lock, backup, commit); the names other code
uses are re-exported here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from plexpy.commands.migrate_detect import _inspect, _refuse_if_needed, _start_revision
from plexpy.commands.migrate_errors import (
    CorruptDatabaseError,
    DatabaseBusyError,
    MigrationRefusedError,
    UnknownSchemaError,
    UnsupportedReleaseError,
    UpgradeFailedError,
)
from plexpy.commands.migrate_locking import _backup, _commit, _locked
from plexpy.commands.migrate_plan import (
    ALEMBIC_DIR,
    BASELINE_REVISION,
    TAUTULLI_SHAPE_REVISION,
    _head,
    _plan,
    _run_env,
    _script,
    alembic_config,
)
from plexpy.commands.migrate_results import MigrateResult, PlannedRevision, RepairResult, _Target, _target
from plexpy.db import fingerprint
from plexpy.db.engine import build_engine
from plexpy.db.fingerprint import State
from plexpy.db.repairs import RepairReport, apply_repairs

if TYPE_CHECKING:
    from plexpy.config import Settings

__all__ = [
    "ALEMBIC_DIR",
    "BASELINE_REVISION",
    "TAUTULLI_SHAPE_REVISION",
    "CorruptDatabaseError",
    "DatabaseBusyError",
    "MigrateResult",
    "MigrationRefusedError",
    "PlannedRevision",
    "RepairResult",
    "UnknownSchemaError",
    "UnsupportedReleaseError",
    "UpgradeFailedError",
    "alembic_config",
    "migrate",
    "repair",
]

log = structlog.get_logger(__name__)

Progress = Callable[[str, str], None]


def _would_repair(conn: Connection, pms_uuid: str) -> RepairReport:
    """Run the repairs in a savepoint and undo them: what would they change?"""
    nested = conn.begin_nested()
    try:
        return apply_repairs(conn, pms_uuid=pms_uuid)
    finally:
        nested.rollback()


# -- commands ---------------------------------------------------------------------------------


def migrate(
    settings_or_path: Settings | str | Path,
    *,
    dry_run: bool = False,
    backup: bool = True,
    pms_uuid: str | None = None,
    on_progress: Progress | None = None,
    busy_timeout: float = 5.0,
    now: Callable[[], datetime] | None = None,
) -> MigrateResult:
    """Bring a Tautulli database to the head revision (Tautulli v2.17.2's steady state), then repair it.

    Args:
        settings_or_path: the settings (database URL, ``PMS_UUID``) or a SQLite file path.
        dry_run: inspect and plan only; nothing is written.
        backup: copy the file to ``backups/`` beside it before the first change.
        pms_uuid: the Plex server id used to hash legacy posters (default: from the settings, else empty).
        on_progress: called with ``(revision, description)`` after each revision.
        busy_timeout: seconds to wait for another writer before refusing.
        now: the clock for the backup's name (default: the system clock, UTC).

    Returns:
        What was found, planned and done.

    Raises:
        MigrationRefusedError: a subclass saying why nothing was changed.
        UpgradeFailedError: a step failed and everything was rolled back.
    """
    started = time.perf_counter()
    target = _target(settings_or_path, pms_uuid)
    if target.path is None:
        return _migrate_server(target, dry_run=dry_run, on_progress=on_progress)
    path = target.path
    clock = now or (lambda: datetime.now(UTC))
    if not path.exists() or path.stat().st_size == 0:
        detection = None
        start, stamp = None, None
        state, release = State.EMPTY.value, "new database"
    else:
        detection = _inspect(path)
        _refuse_if_needed(detection)
        start, stamp = _start_revision(detection)
        state, release = detection.state.value, detection.release
    planned = _plan(start)
    log.info("migrate.detected", database=str(path), state=state, release=release, start=start, planned=len(planned))
    base = {"database": str(path), "state": state, "release": release, "from_revision": start, "stamped": stamp,
            "planned": planned}
    if dry_run:
        return MigrateResult(**base, to_revision=start, dry_run=True,  # type: ignore[arg-type]
                             seconds=time.perf_counter() - started)

    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path, busy_timeout) as conn:
        if detection is not None and fingerprint.read_fingerprint(conn) != detection.fingerprint:
            raise MigrationRefusedError("the database changed while it was inspected; retry")
        if not planned and stamp is None:
            would = _would_repair(conn, target.pms_uuid)
            if would.total == 0:
                return MigrateResult(**base, to_revision=start, repairs=would, notes=would.notes,  # type: ignore[arg-type]
                                     seconds=time.perf_counter() - started)
        has_data = detection is not None and detection.state is not State.EMPTY
        backup_path = _backup(path, start or "base", clock) if backup and has_data else None
        applied, report, notes = _upgrade(conn, target, stamp, planned, on_progress)
        _commit(conn)
    result = MigrateResult(**base, to_revision=_head(), applied=applied, repairs=report,  # type: ignore[arg-type]
                           backup=backup_path, changed=True, seconds=time.perf_counter() - started,
                           notes=tuple(notes))
    log.info("migrate.done", database=str(path), applied=len(applied), seconds=round(result.seconds, 3))
    return result


def _upgrade(
    conn: Connection, target: _Target, stamp: str | None, planned: tuple[PlannedRevision, ...],
    on_progress: Progress | None,
) -> tuple[tuple[PlannedRevision, ...], RepairReport, list[str]]:
    """Stamp, upgrade to head, repair and verify, inside the caller's transaction."""
    descriptions = {p.revision: p.description for p in planned}
    applied: list[PlannedRevision] = []
    last = [time.perf_counter()]

    def on_version_apply(*, step: Any, **_kw: Any) -> None:
        revision = step.up_revision_id
        if revision not in descriptions:
            return
        tick = time.perf_counter()
        applied.append(PlannedRevision(revision, descriptions[revision], tick - last[0]))
        last[0] = tick
        log.info("migrate.revision_applied", revision=revision, seconds=round(applied[-1].seconds or 0, 3))
        if on_progress is not None:
            on_progress(revision, descriptions[revision])

    cfg = alembic_config(conn, on_version_apply=[on_version_apply])
    try:
        if stamp is not None:
            _run_env(cfg, lambda rev, _ctx: _script()._stamp_revs((stamp,), rev), destination_rev=(stamp,))
        _run_env(cfg, lambda rev, _ctx: _script()._upgrade_revs("head", rev), destination_rev="head")
        report = apply_repairs(conn, pms_uuid=target.pms_uuid)
        if conn.dialect.name == "sqlite":
            reached = fingerprint.read_fingerprint(conn)
            left = fingerprint.missing_for_current(reached) + fingerprint.unknown_items(reached)
            if left:
                raise UpgradeFailedError("the upgrade did not reach the v2.17.2 shape; nothing was changed",
                                         details=tuple(left))
    except SQLAlchemyError as exc:
        log.warning("migrate.failed", database=target.shown, error=str(exc.orig if hasattr(exc, "orig") else exc))
        raise UpgradeFailedError(f"the upgrade failed and was rolled back; nothing was changed: "
                                 f"{exc.orig if hasattr(exc, 'orig') else exc}") from exc
    notes = list(report.notes)
    devices = sa.table("mobile_devices", sa.column("official"))
    if any(p.revision == "0010" for p in applied) and conn.execute(
        sa.select(sa.func.count()).select_from(devices).where(devices.c.official == -1)
    ).scalar():
        notes.append("mobile_devices.official is -1 (unknown) for the devices registered before: Tautulli "
                     "revalidates them with OneSignal on its next start; tautulli-db never uses the network")
    return tuple(applied), report, notes


def _migrate_server(target: _Target, *, dry_run: bool, on_progress: Progress | None) -> MigrateResult:
    """A server database (PostgreSQL): Alembic from its current revision, in one transaction, no backup.

    Legacy databases are SQLite files; a server database only ever holds what the revisions made.
    """
    started = time.perf_counter()
    engine = build_engine(target.url)
    try:
        with engine.connect() as conn:  # autobegins: the reads below and the upgrade share one transaction
            version = sa.table("alembic_version", sa.column("version_num"))
            start = (conn.execute(sa.select(version.c.version_num)).scalar()
                     if sa.inspect(conn).has_table("alembic_version") else None)
            planned = _plan(start)
            base = {"database": target.shown, "state": "server", "release": "server database",
                    "from_revision": start, "stamped": None, "planned": planned}
            if dry_run:
                return MigrateResult(**base, to_revision=start, dry_run=True)  # type: ignore[arg-type]
            applied, report, notes = _upgrade(conn, target, None, planned, on_progress)
            conn.commit()
    except OperationalError as exc:
        raise MigrationRefusedError(f"cannot use {target.shown}: {exc.orig}") from exc
    finally:
        engine.dispose()
    notes.append("no backup was taken: back a server database up with its own tools")
    return MigrateResult(**base, to_revision=_head(), applied=applied, repairs=report,  # type: ignore[arg-type]
                         changed=bool(applied) or report.total > 0, seconds=time.perf_counter() - started,
                         notes=tuple(notes))


def repair(
    settings_or_path: Settings | str | Path,
    *,
    dry_run: bool = False,
    backup: bool = True,
    pms_uuid: str | None = None,
    busy_timeout: float = 5.0,
    now: Callable[[], datetime] | None = None,
) -> RepairResult:
    """Re-apply the repairs Tautulli runs at every start to a database already at head.

    Args:
        settings_or_path: the settings or a SQLite file path.
        dry_run: report what would change; nothing is written.
        backup: copy the file to ``backups/`` first, when something will change.
        pms_uuid: the Plex server id for legacy posters (default: from the settings, else empty).
        busy_timeout: seconds to wait for another writer before refusing.
        now: the clock for the backup's name.

    Raises:
        MigrationRefusedError: the database is not in the v2.17.2 shape (migrate it first), or busy.
    """
    target = _target(settings_or_path, pms_uuid)
    if target.path is None:
        engine = build_engine(target.url)
        try:
            with engine.connect() as conn:
                report = apply_repairs(conn, pms_uuid=target.pms_uuid)
                conn.rollback() if dry_run else conn.commit()
        finally:
            engine.dispose()
        return RepairResult(target.shown, report, dry_run=dry_run, changed=not dry_run and report.total > 0)
    path = target.path
    if not path.exists():
        raise MigrationRefusedError(f"no database at {path}")
    detection = _inspect(path)
    _refuse_if_needed(detection)
    if detection.state is not State.CURRENT:
        raise MigrationRefusedError(f"the database is not in the v2.17.2 shape ({detection.release}); migrate it first")
    with _locked(path, busy_timeout) as conn:
        would = _would_repair(conn, target.pms_uuid)
        if dry_run or would.total == 0:
            return RepairResult(str(path), would, dry_run=dry_run)
        label = detection.alembic_revision or "unmanaged"
        backup_path = _backup(path, f"repair-{label}", now or (lambda: datetime.now(UTC))) if backup else None
        try:
            report = apply_repairs(conn, pms_uuid=target.pms_uuid)
        except SQLAlchemyError as exc:
            raise UpgradeFailedError(f"a repair failed and was rolled back: {exc}") from exc
        _commit(conn)
    return RepairResult(str(path), report, backup=backup_path, changed=True)
