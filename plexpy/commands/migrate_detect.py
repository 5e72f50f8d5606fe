"""Release detection for :mod:`plexpy.commands.migrate`: a read-only look, the refusals, where to start.

A SQLite file is inspected read-only (integrity check, fingerprint) and left untouched, byte for
byte, when it is refused.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from alembic.util import CommandError
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from plexpy.commands.migrate_errors import (
    CorruptDatabaseError,
    MigrationRefusedError,
    UnknownSchemaError,
    UnsupportedReleaseError,
)
from plexpy.commands.migrate_plan import BASELINE_REVISION, TAUTULLI_SHAPE_REVISION, _head, _script
from plexpy.db import fingerprint
from plexpy.db.fingerprint import Detection, State


def _readonly_engine(path: Path) -> Engine:
    """Read ``path`` without writing anything beside it (immutable unless a WAL is pending)."""
    pending_wal = path.with_name(path.name + "-wal").exists()
    mode = "mode=ro" if pending_wal else "mode=ro&immutable=1"
    uri = f"file:{quote(str(path))}?{mode}"
    return sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)


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
