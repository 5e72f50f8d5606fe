"""``tautulli-db sample`` and ``tautulli-db bench``: build a large database, time the hot reads on each path."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from plexpy.db.errors import TautulliDBError
from shim.errors import ConfigError
from shim.redact import redact_text

__all__ = ["bench_group", "sample_cmd"]

console = Console(highlight=False)
if not console.is_terminal:  # a file or a pipe: wide enough for every column of the bench table
    console = Console(highlight=False, width=220)


def _traceback(ctx: click.Context) -> bool:
    return bool((ctx.find_root().obj or {}).get("traceback"))


def _run(ctx: click.Context, func: Callable[[], Any]) -> Any:
    try:
        return func()
    except (TautulliDBError, ConfigError, FileNotFoundError, FileExistsError, ValueError) as exc:
        if _traceback(ctx):
            raise
        raise click.ClickException(redact_text(str(exc))) from exc


def _bundled(name: str) -> Path:
    from plexpy.cli import sample_path  # noqa: PLC0415 - the CLI module registers this one

    return sample_path(name)


@click.command("sample")
@click.option("--sessions", type=click.IntRange(min=0), default=10_000, show_default=True,
              help="session_history rows to generate (a resumed play is several rows).")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed: same seed and size, same file.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The database file to create.")
@click.option("--tz", default="UTC", show_default=True, help="Zone of the plays' evening and weekend peaks.")
@click.option("--months", type=click.IntRange(min=1), default=18, show_default=True, help="History length.")
@click.option("--indexes", is_flag=True,
              help="Also create the project's performance indexes (revision 0016), as `migrate` would.")
@click.option("--overwrite", is_flag=True, help="Replace an existing file.")
@click.pass_context
def sample_cmd(ctx: click.Context, sessions: int, seed: int, out: Path, tz: str, months: int, indexes: bool,
               overwrite: bool) -> None:
    """Build a realistic Tautulli v2.17.2 database of any size, deterministically from a seed.

    Users with devices, libraries (Live TV included), grouped and resumed plays over the last months with
    evening peaks, every media type, a few live sessions; 1,000,000 rows take about a minute or two.

    Example:
        tautulli-db sample --sessions 1000000 --seed 42 --out /tmp/tautulli-1m.db --indexes
    """
    from plexpy.generate import generate  # noqa: PLC0415 - keep start-up light

    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("start", total=sessions or 1)

        def report(phase: str, done: int) -> None:
            bar.update(task, description=phase, completed=done)

        result = _run(ctx, lambda: generate(out, sessions=sessions, seed=seed, tz=tz, months=months,
                                            with_indexes=indexes, overwrite=overwrite, progress=report))
    console.print(f"{result.path}: {result.sessions:,} history rows, {result.plays:,} plays, {result.users} users, "
                  f"{result.items:,} items, zone {result.tz}, {result.seconds:.1f} s"
                  + (" (with the performance indexes)" if indexes else ""))


def _print_bench(result: Any) -> None:
    keys = list(result.keys)
    table = Table(title=f"p50 ms over {result.rounds} rounds ({result.database.history_rows:,} history rows; "
                        f"load {result.machine.get('load_average')} → {result.machine.get('load_average_after')})")
    table.add_column("scenario")
    for key in keys:
        table.add_column(key, justify="right")
    others = [k for k in keys if k != "legacy"]
    if "legacy" in keys:
        for key in others:
            table.add_column(f"{key} ÷ legacy", justify="right")
    for row in result.table():
        cells = [row["scenario"], *(f"{row[f'{k} ms']:,.1f}" for k in keys)]
        if "legacy" in keys:
            cells += [f"{row.get(f'{k} / legacy', float('nan')):.2f}" for k in others]
        table.add_row(*cells)
    console.print(table)
    for key, outcomes in result.outcomes.items():
        console.print(f"{key}: " + ", ".join(f"{n} {name}" for name, n in sorted(outcomes.items())))


@click.group("bench", invoke_without_command=True)
@click.option("--db", "db", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="The database to time (default: the bundled sample).")
@click.option("--rounds", type=click.IntRange(1, 1000), default=5, show_default=True,
              help="Timed calls per scenario and path (after one warm-up each).")
@click.option("--path", "paths", multiple=True, type=click.Choice(["legacy", "sqlalchemy", "shadow"]),
              help="Paths to time (repeat; default: all three).")
@click.option("--shadow-rate", "shadow_rates", multiple=True, type=click.FloatRange(0, 1, min_open=True),
              help="Sampling rate(s) of the shadow column(s) (repeat; default 1).")
@click.option("--scenario", "only", multiple=True,
              type=click.Choice(["history_page", "history_user", "history_search", "home_stats", "plays_per_day"]),
              help="Only these scenarios (repeat; default: all five).")
@click.option("--tz", default="UTC", show_default=True, help="The configured time zone.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the table, every sample and the machine as JSON here.")
@click.option("--in-place", is_flag=True, help="Time the file itself (reads only) instead of a private copy.")
@click.pass_context
def bench_group(ctx: click.Context, db: Path | None, rounds: int, paths: tuple[str, ...],
                shadow_rates: tuple[float, ...], only: tuple[str, ...], tz: str, json_out: Path | None,
                in_place: bool) -> None:
    """Time the hot reads on each path in one run and print each path's p50 and its ratio to legacy.

    The top three history queries (default grouped page, filtered by the busiest user, a search), the home
    stats page and the plays-per-day graph, through the Tautulli facades; legacy, sqlalchemy and shadow
    (caller-visible time, candidate off the caller's thread) interleaved in a seeded shuffle. Figures for
    notes, never asserted. Subcommands: ``calls`` (per-call overhead), ``shim``.

    Example:
        tautulli-db bench --db /tmp/tautulli-1m.db --rounds 3 --shadow-rate 1 --shadow-rate 0.1 --json b.json
    """
    if ctx.invoked_subcommand is not None:
        return
    from plexpy.commands.bench import PATHS, run_bench, save_json  # noqa: PLC0415 - keep start-up light

    target = db or _bundled("tautulli.db")
    result = _run(ctx, lambda: run_bench(target, rounds=rounds, paths=paths or PATHS,
                                         shadow_rates=shadow_rates or (1.0,), only=only, tz=tz, copy=not in_place))
    _print_bench(result)
    if json_out is not None:
        click.echo(f"json: {save_json(result, json_out)}")


@bench_group.command("calls")
@click.option("--passes", type=click.IntRange(1, 50), default=3, show_default=True,
              help="Interleaved passes over the recorded calls per path.")
@click.option("--domain", "domains", multiple=True, help="Only records of this domain (repeat).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the rows and the machine as JSON here.")
@click.pass_context
def bench_calls_cmd(ctx: click.Context, passes: int, domains: tuple[str, ...], json_out: Path | None) -> None:
    """Per-call overhead: median milliseconds per recorded call, legacy vs sqlalchemy, per domain and overall.

    Replays the bundled sample's recorded calls on both paths (answers are not judged here: `replay calls`
    does that). Cold is the first pass, warm each call's best pass.

    Example:
        tautulli-db bench calls --passes 3 --json overhead.json
    """
    from plexpy.commands.bench import run_overhead, save_json  # noqa: PLC0415 - keep start-up light

    result = _run(ctx, lambda: run_overhead(_bundled("calls.jsonl"), _bundled("tautulli.db"), passes=passes,
                                            domains=domains))
    table = Table(title=f"median ms per recorded call ({result.passes} passes)")
    for column in ("domain", "calls", "legacy warm", "sqlalchemy warm", "ratio warm", "ratio cold"):
        table.add_column(column, justify="left" if column == "domain" else "right")
    for row in result.rows:
        table.add_row(row["domain"], str(row["records"]), f"{row['legacy warm ms']:.3f}",
                      f"{row['sqlalchemy warm ms']:.3f}", f"{row['warm ratio']}", f"{row['cold ratio']}")
    console.print(table)
    if json_out is not None:
        click.echo(f"json: {save_json(result, json_out)}")
    sys.stdout.flush()
