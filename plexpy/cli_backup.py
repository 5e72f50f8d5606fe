"""``tautulli-db backup`` and ``tautulli-db restore``: the CLI shell over :mod:`plexpy.commands.backup`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from plexpy.db.errors import TautulliDBError
from shim.errors import ConfigError
from shim.redact import redact_text

__all__ = ["backup_cmd", "restore_cmd"]

def _run(ctx: click.Context, func: Callable[[], Any]) -> Any:
    from plexpy.commands.backup import RestoreRefused  # noqa: PLC0415 - keep start-up light

    try:
        return func()
    except (TautulliDBError, ConfigError, FileNotFoundError, RestoreRefused) as exc:
        if (ctx.find_root().obj or {}).get("traceback"):
            raise
        raise click.ClickException(redact_text(str(exc))) from exc


def _settings(ctx: click.Context) -> Any:
    from plexpy import config  # noqa: PLC0415 - keep start-up light

    return config.load(config.locate_config((ctx.find_root().obj or {}).get("config")))


def _database(ctx: click.Context, settings: Any, db: Path | None) -> Path:
    if db is not None:
        return db
    path = settings.db.sqlite_path
    if path is None:
        raise click.UsageError("the configured database is not a SQLite file (PostgreSQL: use pg_dump); pass --db")
    return Path(path)


@click.command("backup")
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The SQLite database (default: the configured one, db_url or <data_dir>/tautulli.db).")
@click.option("--to", "to", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The backup folder (default: backups/ beside the database).")
@click.pass_context
def backup_cmd(ctx: click.Context, db: Path | None, to: Path | None) -> None:
    """Back the database up: a WAL-safe snapshot, zipped under Tautulli's backup name, with a checksum manifest.

    Safe while Tautulli runs (SQLite's online backup API, read-only on the database). Writes
    tautulli.backup-<local time>.db.zip (Tautulli's own restore accepts it) and <zip>.json (checksum, size,
    integrity), then keeps the newest backup_keep backups taken this way (first-run backups always stay).
    Exits 0 when written, 1 when it failed.

    Example:
        tautulli-db backup
        tautulli-db backup --db /opt/Tautulli/tautulli.db --to /mnt/safe/tautulli-backups
    """
    from plexpy.commands.backup import backup  # noqa: PLC0415 - keep start-up light

    settings = _run(ctx, lambda: _settings(ctx))
    database = _database(ctx, settings, db)
    result = _run(ctx, lambda: backup(database, to=to, keep=settings.backup.keep, tz=settings.db.timezone))
    record = result.record
    click.echo(f"backup: {result.path}")
    click.echo(f"sha256 {record.sha256}  size {record.size} bytes  integrity {record.integrity}")
    for pruned in result.pruned:
        click.echo(f"removed (backup_keep={settings.backup.keep}): {pruned.name}")
    if not record.sound:
        click.echo("warning: the database failed its integrity check; the backup holds it as it is", err=True)


@click.command("restore")
@click.option("--from", "source", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The backup: tautulli.backup-*.db.zip (Tautulli's or tautulli-db's) or a plain .db file.")
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The database to replace (default: the configured one).")
@click.option("--lock-timeout", type=click.FloatRange(min=0), default=0.5, show_default=True,
              help="Seconds to wait for another process to let go of the database before refusing.")
@click.pass_context
def restore_cmd(ctx: click.Context, source: Path, db: Path | None, lock_timeout: float) -> None:
    """Put a backup in place of the database, after checking it; the replaced file is kept aside.

    Checks the checksum recorded at backup time (when the backup has a manifest), SQLite's integrity check
    and that it is a Tautulli database; refuses while another process (Tautulli) holds the database. The
    replaced database and its -wal/-shm files are renamed <db>.replaced-<UTC time>. Exits 0 when restored,
    1 when refused (nothing changed).

    Example:
        tautulli-db restore --from backups/tautulli.backup-20260115120000.db.zip
        tautulli-db restore --from /mnt/safe/tautulli.db --db /opt/Tautulli/tautulli.db
    """
    from plexpy.commands.backup import restore  # noqa: PLC0415 - keep start-up light

    settings = _run(ctx, lambda: _settings(ctx))
    database = _database(ctx, settings, db)
    result = _run(ctx, lambda: restore(source, database, lock_timeout=lock_timeout))
    click.echo(f"restored: {result.database} from {result.source.name}")
    checked = "matches the manifest" if result.checksum_verified else "no manifest: checksum not recorded"
    click.echo(f"sha256 {result.sha256} ({checked})")
    for aside in result.replaced:
        click.echo(f"kept aside: {aside}")
    sys.exit(0)
