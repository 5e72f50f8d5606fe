"""``tautulli-db replay``: replay recorded Tautulli calls and write scripts and judge every result."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from plexpy.cli_common import DomainType, ModeType, _run, console, shim_options

__all__ = ["replay"]


@click.group("replay")
def replay() -> None:
    """Replay recorded Tautulli calls and judge every result."""


def _print_replay(result: Any) -> None:
    dialect = getattr(result, "dialect", "sqlite")
    where = f" on {dialect}" if dialect != "sqlite" else ""
    table = Table(title=f"replay ({result.mode or result.backend}{where})")
    extra = ("not applicable",) if dialect != "sqlite" else ()
    for column in ("domain", "records", "passed", "failed", *extra, "median ms"):
        table.add_column(column, justify="right" if column != "domain" else "left")
    for row in result.by_domain():
        na = (str(row.get("not_applicable", 0)),) if extra else ()
        table.add_row(row["domain"], str(row["records"]), str(row["passed"]), str(row["failed"]), *na,
                      f"{row['median_ms']:.2f}")
    console.print(table)
    failures = [r for r in result.results if not r.passed and not getattr(r, "not_applicable", None)]
    for failure in failures[:20]:
        console.print(f"[red]FAIL[/red] {failure.id} {failure.target}: {failure.difference}", markup=True)
    if len(failures) > 20:
        console.print(f"... and {len(failures) - 20} more failures (see --json)")
    for skipped in getattr(result, "not_applicable", None) or ():
        console.print(f"not applicable on {result.dialect}: {skipped.id} {skipped.target}: {skipped.not_applicable}",
                      markup=False)
    parity = getattr(result, "parity", None)
    if parity:
        totals = parity.get("totals", {})
        click.echo(
            f"parity ({result.mode}): {totals.get('compared', 0)} compared, {totals.get('matches', 0)} matches, "
            f"{totals.get('mismatches', 0)} mismatches, {totals.get('wrong_type', 0)} wrong type, "
            f"{totals.get('candidate_errors', 0)} candidate errors, {totals.get('timeouts', 0)} timeouts, "
            f"{totals.get('shed', 0)} shed")
    if getattr(result, "report_dir", None):
        click.echo(f"parity report: {Path(result.report_dir) / 'report.html'}")


@replay.command("calls")
@click.argument("calls_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The recorded database (a copy is used; the file is never changed).")
@click.option("--backend", type=click.Choice(["legacy", "sqlalchemy"]), default="legacy", show_default=True,
              help="Which path answers every call.")
@click.option("--mode", type=ModeType(), default=None,
              help="Route every domain in this mode instead of --backend; shadow and reverse-shadow also compare "
                   "the other path and write a parity report.")
@click.option("--domain", "domains", multiple=True, type=DomainType(), help="Only records of this domain (repeat).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one JSON object per record (id, domain, verdict, difference, seconds).")
@click.option("--sample-rate", type=click.FloatRange(0, 1), default=1.0, show_default=True,
              help="Share of calls whose other path is compared (shadow modes).")
@click.option("--aa", is_flag=True, help="A/A run: compare the answering path with itself (the comparator's noise).")
@click.option("--url", "url", default=None, metavar="URL",
              help="A PostgreSQL URL: the recorded database is copied into a fresh schema there (dropped at the "
                   "end) and the sqlalchemy twins answer on it (with --backend sqlalchemy).")
@shim_options
@click.pass_context
def replay_calls_cmd(ctx: click.Context, calls_file: Path, db: Path, backend: str, mode: str | None,
                     domains: tuple[str, ...], json_out: Path | None, sample_rate: float, aa: bool, url: str | None,
                     off_thread: bool | None, candidate_timeout: float | None, report_dir: Path | None) -> None:
    """Replay recorded read calls and compare each result with what Tautulli returned.

    With --mode shadow or reverse-shadow the router runs both paths for every record: each record yields a
    parity event (legacy vs SQLAlchemy) and an oracle verdict, and the parity report's path is printed.
    Ends with the line ``N passed, M failed`` (oracle verdicts); exits 0 only when no record failed and, in
    a shadow mode, every compared call matched. With --url (PostgreSQL) the line adds ``K not applicable on
    postgresql``: SQLite-only records (raw SQL on PRAGMA or sqlite_master) that raised a database error there,
    listed above it with the reason.

    Example:
        tautulli-db replay calls plexpy/sample/calls.jsonl --db plexpy/sample/tautulli.db --backend sqlalchemy
        tautulli-db replay calls plexpy/sample/calls.jsonl --db plexpy/sample/tautulli.db --mode shadow
        tautulli-db replay calls plexpy/sample/calls.jsonl --db plexpy/sample/tautulli.db --backend sqlalchemy
            --url postgresql+psycopg://tautulli@localhost/tautulli
    """
    from plexpy.commands.replay import replay_calls  # noqa: PLC0415 - keep start-up light

    shim = {"sample_rate": sample_rate, "off_thread": off_thread, "candidate_timeout": candidate_timeout,
            "report_dir": str(report_dir) if report_dir else None}
    result = _run(lambda: replay_calls(calls_file, db, backend=backend, mode=mode, domains=list(domains) or None,
                                       shim=shim, aa=aa, url=url), ctx.obj["traceback"])
    if json_out is not None:
        with json_out.open("w", encoding="utf-8") as handle:
            for r in result.results:
                handle.write(json.dumps(r.as_json(), ensure_ascii=False) + "\n")
    _print_replay(result)
    skipped = len(result.not_applicable)
    click.echo(f"{result.passed} passed, {result.failed} failed"
               + (f", {skipped} not applicable on {result.dialect}" if url is not None else ""))
    sys.exit(0 if result.failed == 0 and result.parity_failures == 0 else 1)


@replay.command("writes")
@click.argument("writes_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The database the script starts from (a copy is used; the file is never changed).")
@click.option("--final-state", "final_state", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="The recorded final state (final_state.json) to compare the database with.")
@click.option("--backend", type=click.Choice(["legacy", "sqlalchemy"]), default="legacy", show_default=True,
              help="Which path applies every write.")
@click.option("--mode", type=ModeType(), default=None,
              help="Route every domain in this mode instead of --backend; shadow and reverse-shadow verify each "
                   "write against the other path (rolled back) and write a parity report.")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one JSON object per step (id, verdict, difference, seconds).")
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of parity report runs (default: parity_reports).")
@click.option("--url", "url", default=None, metavar="URL",
              help="Run on this PostgreSQL database instead (postgresql+psycopg://…; with --backend "
                   "sqlalchemy): the recorded database is copied into a fresh schema there, dropped at the end.")
@click.option("--timing", "timing_rounds", type=click.IntRange(min=1), default=None,
              help="Instead: replay N times on legacy and N times in --mode (default shadow), alternately, and "
                   "print the median time per step of each (the cost of write verification).")
@click.pass_context
def replay_writes_cmd(ctx: click.Context, writes_file: Path, db: Path, final_state: Path | None, backend: str,
                      mode: str | None, json_out: Path | None, report_dir: Path | None, url: str | None,
                      timing_rounds: int | None) -> None:
    """Replay a recorded script of write calls in order and compare return values and the final database.

    Each step runs on a copy at its own clock, zone and config; files the script names (the database to
    import) are copied from beside the script first. Ends with ``N passed, M failed`` (the steps, plus the
    final state as one more check); exits 0 only when nothing failed and, in a shadow mode, every verified
    write matched.

    Example:
        cd plexpy/sample && tautulli-db replay writes writes.jsonl --db tautulli.db --final-state final_state.json

    Example (on PostgreSQL: the recorded database is copied into a fresh schema there first):
        cd plexpy/sample && tautulli-db replay writes writes.jsonl --db tautulli.db --final-state final_state.json
            --backend sqlalchemy --url postgresql+psycopg://tautulli@localhost/scratch

    Example (cost of shadow write verification):
        cd plexpy/sample && tautulli-db replay writes writes.jsonl --db tautulli.db --mode shadow --timing 3
    """
    from plexpy.commands.replay_writes import measure_write_overhead, replay_writes  # noqa: PLC0415

    if timing_rounds is not None:
        cost = _run(lambda: measure_write_overhead(writes_file, db, final_state, mode=mode or "shadow",
                                                   rounds=timing_rounds, report_dir=report_dir),
                    ctx.obj["traceback"])
        click.echo(f"{len(cost.legacy)} steps, {cost.rounds} run(s) per mode, alternating")
        click.echo(f"median per step: legacy {cost.legacy_median_ms:.2f} ms, {cost.mode} "
                   f"{cost.compared_median_ms:.2f} ms (ratio of medians "
                   f"{cost.compared_median_ms / cost.legacy_median_ms:.2f})")
        click.echo(f"per step, median: +{cost.added_median_ms:.2f} ms, ratio {cost.ratio_median:.2f}")
        for method in sorted(cost.capture_ms):
            click.echo(f"change capture per verified write ({method}, both paths): median "
                       f"{cost.capture_median_ms(method):.2f} ms over {len(cost.capture_ms[method])} writes")
        click.echo(f"{cost.failed} failed")
        sys.exit(0 if cost.failed == 0 else 1)

    if url is not None:
        if backend != "sqlalchemy" or mode is not None:
            raise click.UsageError("--url runs the SQLAlchemy twins: use it with --backend sqlalchemy, no --mode")
        from plexpy.commands.replay_writes_pg import replay_writes_pg  # noqa: PLC0415 - keep start-up light

        result = _run(lambda: replay_writes_pg(writes_file, db, url, final_state), ctx.obj["traceback"])
    else:
        result = _run(lambda: replay_writes(writes_file, db, final_state, backend=backend, mode=mode,
                                            report_dir=report_dir), ctx.obj["traceback"])
    if json_out is not None:
        with json_out.open("w", encoding="utf-8") as handle:
            for step in result.steps:
                handle.write(json.dumps(step.as_json(), ensure_ascii=False) + "\n")
    failures = [s for s in result.steps if not s.passed]
    for failure in failures[:20]:
        console.print(f"[red]FAIL[/red] {failure.id} {failure.target}: {failure.difference}", markup=True)
    if len(failures) > 20:
        console.print(f"... and {len(failures) - 20} more failing steps (see --json)")
    if final_state is not None:
        if result.state_differences:
            console.print("[red]final state differs[/red]:", markup=True)
            for line in result.state_differences:
                console.print(f"  {line}", markup=False)
        else:
            console.print("final state: equal to the recorded one")
    if result.report_dir:
        console.print(f"parity report: {Path(result.report_dir) / 'report.html'}")
    click.echo(f"{result.passed} passed, {result.failed} failed")
    sys.exit(0 if result.failed == 0 and result.parity_failures == 0 else 1)

