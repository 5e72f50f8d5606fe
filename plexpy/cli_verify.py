"""``tautulli-db verify --db``: the progress bar and summary table of a run on the operator's own database."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from plexpy.db.errors import TautulliDBError
from shim.errors import ConfigError
from shim.redact import redact_text

__all__ = ["verify_own"]

console = Console(highlight=False)


def _wide() -> Console:
    """The console, or one wide enough for the table when the output is not a terminal (a file, a test)."""
    return console if console.is_terminal else Console(width=140, highlight=False)


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _table(title: str, rows: Sequence[Any]) -> Table:
    table = Table(title=title)
    for column in ("domain", "calls", "matches", "mismatches", "errors", "timeouts", "p50 legacy", "p50 sqla",
                   "verdict"):
        table.add_column(column, justify="left" if column in ("domain", "verdict") else "right", no_wrap=True)
    for d in rows:
        table.add_row(d.domain, str(d.calls), str(d.matches), str(d.mismatches), str(d.errors), str(d.timeouts),
                      _ms(d.p50_legacy_ms), _ms(d.p50_sqlalchemy_ms), d.verdict if d.ok else f"{d.verdict} (FAILED)")
    return table


def verify_own(ctx: click.Context, settings: Any, db: Path, *, templates: Path, per_operation: int, seed: int,
               domains: Sequence[str] | None, off_thread: bool | None, report_dir: Path | None,
               writes: Path | None = None) -> None:
    """Run :func:`plexpy.commands.verify_db.verify_own_db` with a progress bar, print the summary, exit 0/1."""
    from plexpy.commands.verify_db import verify_own_db  # noqa: PLC0415 - keep start-up light

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    try:
        with Progress(*columns, console=console, transient=True) as bar:
            task = bar.add_task("snapshot and discovery", total=None)

            def advance(done: int, total: int, domain: str) -> None:
                bar.update(task, completed=done, total=total, description=f"shadow: {domain}")

            result = verify_own_db(settings, db, templates=templates, domains=domains, per_operation=per_operation,
                                   seed=seed, off_thread=off_thread, report_dir=report_dir, progress=advance,
                                   writes=writes)
    except (TautulliDBError, ConfigError, FileNotFoundError) as exc:
        if (ctx.find_root().obj or {}).get("traceback"):
            raise
        raise click.ClickException(redact_text(str(exc))) from exc
    found = result.discovery
    rows = found.counts
    console.print(f"database: {result.database.name} (snapshot; original unchanged: "
                  f"{'yes' if result.original_unchanged else 'NO'})")
    console.print(f"found: {rows.get('users', 0)} users, {rows.get('library_sections', 0)} libraries, "
                  f"{rows.get('session_history', 0)} history rows, "
                  f"{len(found.values.get('rating_key') or ())} rating keys sampled")
    _wide().print(_table("verify --db: shadow, 100 % sampling, generic read workload", result.domains))
    if result.writes:
        _wide().print(_table("writes: the recorded write script in shadow, on a copy of the snapshot", result.writes))
    shown = result.domains
    click.echo(f"domains: {len(shown)}; calls {sum(d.calls for d in shown)}, matches {sum(d.matches for d in shown)}, "
               f"mismatches {sum(d.mismatches for d in shown)}, errors {sum(d.errors for d in shown)}")
    if result.writes:
        click.echo(f"writes: calls {sum(d.calls for d in result.writes)}, "
                   f"matches {sum(d.matches for d in result.writes)}, "
                   f"mismatches {sum(d.mismatches for d in result.writes)}, "
                   f"errors {sum(d.errors for d in result.writes)}")
        if result.writes_report_dir is not None:
            click.echo(f"writes report: {Path(result.writes_report_dir) / 'report.html'}")
    if result.report_html is not None:
        click.echo(f"report: {result.report_html}")
    click.echo("verify: OK" if result.ok else "verify: FAILED")
    sys.exit(0 if result.ok else 1)
