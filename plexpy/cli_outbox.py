"""``tautulli-db outbox status|drain``: the dual-write outbox of a database (see docs/postgresql.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from plexpy.db.errors import TautulliDBError
from shim.errors import ConfigError
from shim.redact import redact_text

__all__ = ["outbox_group"]

console = Console(highlight=False)


def _run(func: Callable[[], Any], traceback: bool) -> Any:
    try:
        return func()
    except (TautulliDBError, ConfigError) as exc:
        if traceback:
            raise
        raise click.ClickException(redact_text(str(exc))) from exc


def _settings(ctx: click.Context) -> Any:
    from plexpy import config  # noqa: PLC0415 - keep start-up light

    return config.load(config.locate_config((ctx.find_root().obj or {}).get("config")))


def _locate(ctx: click.Context, db: Path | None, outbox: Path | None) -> tuple[Path, Path, Any]:
    """The database file, its outbox and the settings (the database from --db, else from the settings)."""
    from plexpy.db.dual_write import outbox_path  # noqa: PLC0415 - keep start-up light

    settings = _settings(ctx)
    database = db or settings.db.sqlite_path
    if database is None:
        raise click.UsageError("the database is not a SQLite file; pass --db PATH")
    path = outbox or settings.db.outbox_path or outbox_path(database)
    if not Path(path).exists():
        raise click.ClickException(f"no outbox at {path} (dual writes never ran for this database)")
    return Path(database), Path(path), settings


@click.group("outbox")
def outbox_group() -> None:
    """The dual-write outbox: change sets waiting for the second store (second_db_url)."""


_db_option = click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
                          help="The SQLite database (default: db_url of the settings).")
_outbox_option = click.option("--outbox", "outbox", type=click.Path(dir_okay=False, path_type=Path), default=None,
                              help="The outbox file (default: outbox_path, else <database>.outbox.sqlite).")


@outbox_group.command("status")
@_db_option
@_outbox_option
@click.pass_context
def outbox_status_cmd(ctx: click.Context, db: Path | None, outbox: Path | None) -> None:
    """Show the entries waiting for the second store, the lag and the drain counters.

    Exits 0 when the outbox is empty, 1 when entries are pending.

    Example:
        tautulli-db outbox status --db /opt/Tautulli/tautulli.db
    """
    from plexpy.db.outbox import Outbox  # noqa: PLC0415 - keep start-up light

    _database, path, _ = _locate(ctx, db, outbox)
    status = Outbox(path).status()
    table = Table(title=f"outbox {status.path}")
    table.add_column("field")
    table.add_column("value", overflow="fold")
    age = "-" if status.oldest_age_s is None else f"{status.oldest_age_s:.1f} s"
    for field, value in (("pending", status.pending), ("oldest entry", status.oldest_seq or "-"),
                         ("newest entry", status.newest_seq or "-"), ("lag (oldest pending)", age),
                         ("most attempts", status.max_attempts), ("last error", status.last_error or "-"),
                         ("writes in flight (intents)", status.in_flight)):
        table.add_row(field, str(value))
    for key, value in sorted(status.counters.items()):
        if key not in ("stream", "last_done_at"):
            table.add_row(key, str(value))
    console.print(table)
    click.echo(f"{status.pending} pending")
    sys.exit(0 if status.pending == 0 else 1)


@outbox_group.command("drain")
@_db_option
@_outbox_option
@click.option("--second-url", "second_url", default=None, metavar="URL",
              help="The second store (default: second_db_url of the settings).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Apply at most N entries.")
@click.pass_context
def outbox_drain_cmd(ctx: click.Context, db: Path | None, outbox: Path | None, second_url: str | None,
                     limit: int | None) -> None:
    """Apply the pending entries to the second store now, in order, and read each written key back.

    Safe while the application's own drainer runs: an entry already applied is skipped (the second store
    keeps the high-water mark). Stops at the first failure, which stays in the outbox. Exits 0 when the
    outbox is empty afterwards, 1 otherwise.

    Example:
        tautulli-db outbox drain --db /opt/Tautulli/tautulli.db --second-url postgresql+psycopg://tautulli@db/tautulli
    """
    from sqlalchemy.engine import make_url  # noqa: PLC0415 - keep start-up light

    from plexpy.db.dual_write import open_writer  # noqa: PLC0415 - keep start-up light

    database, path, settings = _locate(ctx, db, outbox)
    url = make_url(second_url) if second_url else settings.db.second_url
    if url is None:
        raise click.UsageError("no second store: pass --second-url or set second_db_url")
    traceback = bool((ctx.find_root().obj or {}).get("traceback"))
    writer = _run(lambda: open_writer(database, url, path=path), traceback)
    try:
        result = _run(lambda: writer.drain(limit=limit), traceback)
        pending = writer.outbox.status().pending
    finally:
        writer.close()
    click.echo(f"{result.applied} applied, {result.skipped} skipped, {result.mismatches} read-back mismatches "
               f"in {result.seconds:.2f} s ({result.per_second:.1f} entries/s); {pending} pending")
    sys.exit(0 if pending == 0 and result.mismatches == 0 else 1)
