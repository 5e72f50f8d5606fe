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
"""

from __future__ import annotations

import functools
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

import sqlalchemy as sa
import structlog
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from plexpy.db import fingerprint
from plexpy.db.engine import build_engine
from plexpy.db.errors import TautulliDBError
from plexpy.db.fingerprint import Detection, State
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

#: The top-level ``alembic/`` folder of the project (no ``__init__.py``: never importable).
ALEMBIC_DIR: Final = Path(__file__).resolve().parents[2] / "alembic"
#: The revision whose post-state is "every v2.17.2 table exists"; older shapes start before it.
BASELINE_REVISION: Final = "0001"
#: The last revision of Tautulli v2.17.2's own schema; later ones (``0016``: performance indexes) are the
#: project's additions, so a current Tautulli database is stamped here and upgraded through them.
TAUTULLI_SHAPE_REVISION: Final = "0015"

Progress = Callable[[str, str], None]


# -- errors -----------------------------------------------------------------------------------


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


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedRevision:
    """One revision to run (or that ran), with the first line of its docstring and its duration."""

    revision: str
    description: str
    seconds: float | None = None


@dataclass(frozen=True, slots=True)
class MigrateResult:
    """What :func:`migrate` found and did.

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
    """What :func:`repair` found and did."""

    database: str
    repairs: RepairReport
    backup: Path | None = None
    dry_run: bool = False
    changed: bool = False


# -- plumbing ---------------------------------------------------------------------------------


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


def alembic_config(connection: Connection | None = None, on_version_apply: Any = ()) -> Config:
    """An Alembic :class:`Config` for the project's revisions, optionally bound to ``connection``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(ALEMBIC_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    cfg.attributes["on_version_apply"] = on_version_apply
    return cfg


@functools.cache
def _script() -> ScriptDirectory:
    """The revisions, read once per process."""
    return ScriptDirectory.from_config(alembic_config())


def _plan(start: str | None) -> tuple[PlannedRevision, ...]:
    script = _script()
    revisions = list(script.iterate_revisions("head", start or "base"))
    revisions.reverse()
    return tuple(
        PlannedRevision(r.revision, (r.doc or "").strip().splitlines()[0] if r.doc else "")
        for r in revisions if r.revision != start
    )


def _run_env(cfg: Config, fn: Callable[..., Any], **kw: Any) -> None:
    """Run env.py once, ``fn`` choosing the steps.

    This is what ``alembic.command.stamp``/``upgrade`` do, on the revisions :func:`_script` has
    already read instead of reading them again for each command.
    """
    script = _script()
    with EnvironmentContext(cfg, script, fn=fn, **kw):
        script.run_env()


def _head() -> str | None:
    return _script().get_current_head()


def _readonly_engine(path: Path) -> Engine:
    """Read ``path`` without writing anything beside it (immutable unless a WAL is pending)."""
    pending_wal = path.with_name(path.name + "-wal").exists()
    mode = "mode=ro" if pending_wal else "mode=ro&immutable=1"
    uri = f"file:{quote(str(path))}?{mode}"
    return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)


def _writer_engine(path: Path, busy_timeout: float) -> Engine:
    """One real transaction per ``begin()``, DDL included, taking the write lock at once."""
    engine = sa.create_engine(URL.create("sqlite", database=str(path)), poolclass=NullPool,
                              connect_args={"timeout": busy_timeout})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _integrity(conn: Connection) -> None:
    check = sa.func.pragma_integrity_check().table_valued(sa.column("integrity_check"))
    lines = [str(r) for r in conn.execute(sa.select(check.c.integrity_check)).scalars()]
    if lines != ["ok"]:
        raise CorruptDatabaseError("SQLite's integrity check failed; restore a backup first", details=tuple(lines))


def _refuse_if_needed(detection: Detection) -> None:
    if detection.state is State.UNKNOWN:
        raise UnknownSchemaError(
            f"not a Tautulli schema (closest known: {detection.release_range}); nothing was changed",
            details=detection.unknown + tuple(f"vs {detection.release_range}: {d}" for d in detection.differences),
            release=detection.release_range,
        )
    if detection.state is State.FAILING and detection.failure is not None:
        failure = detection.failure
        raise UnsupportedReleaseError(
            f"a {failure.releases} database that Tautulli v2.17.2 cannot upgrade: {failure.reason}. "
            f"Nothing was changed. To go on: {failure.advice}",
            details=(failure.name,),
            release=failure.releases,
        )


def _start_revision(detection: Detection) -> tuple[str | None, str | None]:
    """(revision the database is at, revision to stamp first) for a detected database."""
    if detection.alembic_revision is not None:
        revision = detection.alembic_revision
        try:
            _script().get_revision(revision)
        except CommandError as exc:
            raise UnknownSchemaError(f"marked as revision {revision!r}, which this tautulli-db does not know "
                                     "(made by a newer one?); nothing was changed") from exc
        if revision == _head() and detection.state is not State.CURRENT:
            raise UnknownSchemaError(
                f"marked as revision {revision} (the v2.17.2 shape) but its schema is not; nothing was changed",
                details=tuple(fingerprint.missing_for_current(detection.fingerprint)),
            )
        return revision, None
    if detection.state is State.CURRENT:
        return TAUTULLI_SHAPE_REVISION, TAUTULLI_SHAPE_REVISION
    if detection.state is State.LEGACY and not detection.missing_tables:
        return BASELINE_REVISION, BASELINE_REVISION
    return None, None


def _inspect(path: Path) -> Detection:
    engine = _readonly_engine(path)
    try:
        with engine.connect() as conn:
            _integrity(conn)
            return fingerprint.detect(conn)
    except SQLAlchemyError as exc:
        raise MigrationRefusedError(f"cannot read {path}: {exc.orig if hasattr(exc, 'orig') else exc}") from exc
    finally:
        engine.dispose()


@contextmanager
def _locked(path: Path, busy_timeout: float) -> Iterator[Connection]:
    """A connection holding the write lock in an open transaction (rolled back unless committed)."""
    engine = _writer_engine(path, busy_timeout)
    try:
        with engine.connect() as conn:
            try:
                conn.begin()
            except OperationalError as exc:
                raise DatabaseBusyError(
                    "another process is writing the database (is Tautulli running?); stop it and retry"
                ) from exc
            try:
                yield conn
            finally:
                if conn.in_transaction():
                    conn.rollback()
    finally:
        engine.dispose()


def _backup(path: Path, label: str, now: Callable[[], datetime]) -> Path:
    """Copy the database with SQLite's online backup API.

    Called while the caller holds the write lock and has changed nothing yet, so the copy, read
    on a connection of its own, is exactly the database the upgrade starts from.
    """
    folder = path.parent / "backups"
    folder.mkdir(exist_ok=True)
    stamp = now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"{path.stem}.{stamp}.{label}{path.suffix or '.db'}"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"{path.stem}.{stamp}.{label}.{n}{path.suffix or '.db'}"
    partial = target.with_name(f".{target.name}.part")
    source = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    partial.replace(target)  # a backup that failed half-way leaves no file under a backup's name
    log.info("migrate.backup", path=str(target))
    return target


def _commit(conn: Connection) -> None:
    """Commit; a commit SQLite cannot finish (readers kept the lock busy) leaves nothing changed."""
    try:
        conn.commit()
    except OperationalError as exc:
        raise DatabaseBusyError("other connections kept the database busy at commit; nothing was changed, "
                                "retry with Tautulli stopped") from exc


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
