"""``tautulli-db copy`` and ``tautulli-db reconcile``: the CLI shell over moving data between stores."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from plexpy.db.errors import TautulliDBError
from shim.errors import ConfigError

__all__ = ["copy_cmd", "reconcile_cmd"]

console = Console(highlight=False)


def _run(func: Callable[[], Any], traceback: bool) -> Any:
    try:
        return func()
    except (TautulliDBError, ConfigError, FileNotFoundError) as exc:
        if traceback:
            raise
        raise click.ClickException(str(exc)) from exc


def _traceback(ctx: click.Context) -> bool:
    return bool((ctx.find_root().obj or {}).get("traceback"))


def _table_names(value: str | None) -> list[str] | None:
    return [t.strip() for t in value.split(",") if t.strip()] if value else None


@click.command("copy")
@click.option("--from", "from_url", required=True, metavar="URL",
              help="Source database URL, e.g. sqlite:////path/tautulli.db.")
@click.option("--to", "to_url", required=True, metavar="URL",
              help="Target database URL: postgresql+psycopg://user@host/db or sqlite:////path/copy.db.")
@click.option("--tables", default=None, metavar="T1,T2", help="Only these tables (comma-separated; default: all).")
@click.option("--batch-size", type=click.IntRange(1, 1_000_000), default=20000, show_default=True,
              help="Rows per batch; each batch commits with its checkpoint.")
@click.option("--restart", is_flag=True, help="Start over instead of resuming an interrupted copy.")
@click.option("--no-verify", is_flag=True, help="Skip the final reconciliation.")
@click.option("--parallel", type=click.Choice(["auto", "processes", "threads"]), default="auto", show_default=True,
              help="How tables copy side by side on PostgreSQL: worker processes (large databases), threads, or "
                   "auto (processes from 200,000 rows).")
@click.pass_context
def copy_cmd(ctx: click.Context, from_url: str, to_url: str, tables: str | None, batch_size: int, restart: bool,
             no_verify: bool, parallel: str) -> None:
    """Copy a Tautulli database to PostgreSQL (or another SQLite file), resumably, and prove every row arrived.

    Creates the schema on the target, streams each table in key order in batches (PostgreSQL COPY), keeps
    every value with its SQLite storage class, sets the id counters past the highest ids, then reconciles
    source and target. Re-running the same command after an interruption continues where it stopped. Exits 0
    when verified, 1 when refused, failed or not verified.

    Example:
        tautulli-db copy --from sqlite:////config/tautulli.db --to postgresql+psycopg://tautulli@localhost/tautulli
    """
    from plexpy.commands.copy import TableProgress, copy  # noqa: PLC0415 - keep start-up light

    def run() -> Any:
        with TableProgress(console=console, transient=True) as bar:
            return copy(from_url, to_url, _table_names(tables), batch_size=batch_size, resume=not restart,
                        progress=bar, verify=not no_verify,
                        processes={"auto": None, "processes": True, "threads": False}[parallel])

    result = _run(run, _traceback(ctx))
    reports = {r.table: r for r in result.reconcile}
    table = Table(title=f"copy {result.source} → {result.target}")
    for column in ("table", "rows", "copied now", "resumed", "verified"):
        table.add_column(column, justify="left" if column == "table" else "right", no_wrap=True)
    for t in result.tables:
        report = reports.get(t.table)
        verdict = "—" if report is None else ("yes" if report.equal else f"{report.found} differ")
        table.add_row(t.table, str(t.total), str(t.copied), str(t.resumed), verdict)
    console.print(table)
    click.echo(f"{result.rows} rows copied in {result.seconds:.1f} s ({result.rows_per_second:,.0f} rows/s)")
    if no_verify:
        click.echo("not verified (--no-verify)")
        sys.exit(0)
    click.echo("verified: every row arrived" if result.verified
               else "NOT verified: see tautulli-db reconcile --left … --right …")
    sys.exit(0 if result.verified else 1)


@click.command("reconcile")
@click.option("--left", "left_url", required=True, metavar="URL", help="The store that is the truth.")
@click.option("--right", "right_url", required=True, metavar="URL", help="The store checked (and repaired).")
@click.option("--tables", default=None, metavar="T1,T2", help="Only these tables (comma-separated; default: all).")
@click.option("--repair", is_flag=True, help="Rewrite differing right rows and counters from the left.")
@click.option("--resume", is_flag=True, help="Skip the tables an interrupted run already finished.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write every table's report (differences included) to this JSON file.")
@click.pass_context
def reconcile_cmd(ctx: click.Context, left_url: str, right_url: str, tables: str | None, repair: bool,
                  resume: bool, json_out: Path | None) -> None:
    """Find every row that differs between two Tautulli stores (SQLite or PostgreSQL), and optionally repair it.

    Checksums over primary-key ranges are computed inside each database, differing ranges are bisected down to
    rows, and each table reports its missing, extra and changed rows with the first differing columns. NULL,
    'NULL' and '' differ, and so do 1, 1.0 and '1'. Exits 0 when both stores agree (after --repair), 1 otherwise.

    Example:
        tautulli-db reconcile --left sqlite:////config/tautulli.db --right postgresql+psycopg://tautulli@localhost/tautulli
        tautulli-db reconcile --left sqlite:///a.db --right sqlite:///b.db --tables session_history --repair
    """
    from plexpy.commands.copy import TableProgress  # noqa: PLC0415 - keep start-up light
    from plexpy.commands.reconcile import reconcile  # noqa: PLC0415

    def run() -> Any:
        with TableProgress(console=console, transient=True) as bar:
            return reconcile(left_url, right_url, _table_names(tables), repair=repair, resume=resume, progress=bar)

    result = _run(run, _traceback(ctx))
    table = Table(title=f"reconcile {result.left} → {result.right}")
    for column in ("table", "left rows", "right rows", "missing", "extra", "changed", "repaired", "seconds"):
        table.add_column(column, justify="left" if column == "table" else "right", no_wrap=True)
    for t in result.tables:
        table.add_row(t.table + (" (resumed)" if t.resumed else ""), str(t.left_rows), str(t.right_rows),
                      str(t.missing), str(t.extra), str(t.changed), str(t.repaired), f"{t.seconds:.2f}")
    console.print(table)
    for t in result.tables:
        for d in t.differences[:10]:
            columns = f" ({', '.join(d.columns)})" if d.columns else ""
            console.print(f"  {t.table} {dict(zip(t.key, d.key, strict=False))}: {d.kind}{columns}", markup=False)
    for s in result.sequences:
        click.echo(f"  counter {s.table}: next id {s.right_next} on the right, {s.left_next} on the left"
                   + (" (repaired)" if result.sequences_repaired else ""))
    if json_out is not None:
        json_out.write_text(json.dumps({"tables": [t.as_json() for t in result.tables],
                                        "sequences": [dataclasses.asdict(s) for s in result.sequences]},
                                       default=str, indent=2), encoding="utf-8")
    click.echo(f"{result.differences} differing rows in {len(result.tables)} tables, {result.seconds:.1f} s: "
               + ("equal" if result.equal else "DIFFERENT"))
    sys.exit(0 if result.equal else 1)
