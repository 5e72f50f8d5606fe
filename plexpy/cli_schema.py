"""``tautulli-db migrate`` and ``tautulli-db repair``: the CLI shell over ``plexpy.commands.migrate``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from plexpy.db.errors import TautulliDBError

__all__ = ["migrate_cmd", "repair_cmd"]

console = Console(highlight=False)


def _fail(exc: TautulliDBError, traceback: bool) -> None:
    if traceback:
        raise exc
    raise click.ClickException(str(exc)) from exc


@click.command("migrate")
@click.option("--db", "db", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The Tautulli database file to upgrade (tautulli.db).")
@click.option("--dry-run", is_flag=True, help="Show what would run and change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--no-backup", is_flag=True, help="Skip the backup into backups/ beside the database.")
@click.pass_context
def migrate_cmd(ctx: click.Context, db: Path, dry_run: bool, yes: bool, no_backup: bool) -> None:
    """Upgrade a Tautulli/PlexPy database to the v2.17.2 schema (Alembic head) and apply the repairs.

    The file is inspected read-only first (integrity, fingerprint, refusals); releases Tautulli cannot
    upgrade and unknown schemas are refused untouched. Then one transaction backs up, stamps, upgrades and
    repairs, so a failure leaves the file as it was. Refuses while another process writes the database.

    Example:
        tautulli-db migrate --db ~/.tautulli/tautulli.db --dry-run
        tautulli-db migrate --db ~/.tautulli/tautulli.db --yes
    """
    from plexpy.commands.migrate import migrate  # noqa: PLC0415 - keep start-up light

    traceback = bool((ctx.find_root().obj or {}).get("traceback"))
    try:
        plan = migrate(db, dry_run=True)
    except TautulliDBError as exc:
        _fail(exc, traceback)
        return
    console.print(f"{plan.database}: {plan.state} ({plan.release}); at {plan.from_revision or 'no revision'}")
    for step in plan.planned:
        console.print(f"  would run {step.revision}: {step.description}")
    if dry_run:
        console.print("dry run: nothing changed")
        return
    if not plan.planned and plan.state == "current" and not yes:
        console.print("already at head; re-applying the every-start repairs")
    if plan.planned and not yes and not click.confirm("Upgrade now?", default=False):
        sys.exit(1)

    def progress(revision: str, description: str) -> None:
        console.print(f"  ran {revision}: {description}")

    try:
        if not no_backup:  # the first-run backup (once per database file), kept whatever the retention
            from plexpy.db.backup_on_first_run import ensure_backup  # noqa: PLC0415 - keep start-up light

            ensure_backup(db)
        result = migrate(db, backup=not no_backup, on_progress=progress)
    except TautulliDBError as exc:
        _fail(exc, traceback)
        return
    _print_result(result)


def _print_result(result: Any) -> None:
    if result.backup:
        console.print(f"backup: {result.backup}")
    if result.repairs is not None and result.repairs.total:
        changed = ", ".join(f"{name} {count}" for name, count in result.repairs.changes.items() if count)
        console.print(f"repairs: {changed}")
    for note in result.notes:
        console.print(f"note: {note}")
    state = "changed" if result.changed else "unchanged"
    console.print(f"{result.database}: now at {result.to_revision} ({state}, {result.seconds:.2f} s)")


@click.command("repair")
@click.option("--db", "db", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A database already at the v2.17.2 schema.")
@click.option("--dry-run", is_flag=True, help="Count what would change and change nothing.")
@click.option("--no-backup", is_flag=True, help="Skip the backup into backups/ beside the database.")
@click.pass_context
def repair_cmd(ctx: click.Context, db: Path, dry_run: bool, no_backup: bool) -> None:
    """Re-apply the data repairs Tautulli runs at every start (platform names, NULL codecs, Local user …).

    Example:
        tautulli-db repair --db ~/.tautulli/tautulli.db --dry-run
    """
    from plexpy.commands.migrate import repair  # noqa: PLC0415 - keep start-up light

    traceback = bool((ctx.find_root().obj or {}).get("traceback"))
    try:
        result = repair(db, dry_run=dry_run, backup=not no_backup)
    except TautulliDBError as exc:
        _fail(exc, traceback)
        return
    for name, count in result.repairs.changes.items():
        if count:
            console.print(f"  {name}: {count}")
    if result.backup:
        console.print(f"backup: {result.backup}")
    verb = "would change" if dry_run else "changed"
    console.print(f"{result.database}: {verb} {result.repairs.total} rows")
