"""``tautulli-db``: a thin click shell over ``plexpy.commands``.

The only place that turns errors into messages and exit codes: 1 when an operation failed, 2 for usage.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from plexpy import __version__, logsetup
from plexpy.db.errors import TautulliDBError
from plexpy.domains import DOMAINS
from shim.errors import ConfigError, GateNotMet
from shim.modes import Mode
from shim.redact import redact_text

__all__ = ["main"]

console = Console(stderr=False, highlight=False)


def sample_path(name: str) -> Path:
    """A file of the bundled oracle sample (package data)."""
    return Path(str(resources.files("plexpy") / "sample" / name))


class DomainType(click.Choice):
    """A domain name; fails with the list of valid domains."""

    name = "domain"

    def __init__(self) -> None:
        super().__init__(list(DOMAINS), case_sensitive=False)


class ModeType(click.Choice):
    """A routing mode; fails with the list of valid modes."""

    name = "mode"

    def __init__(self) -> None:
        super().__init__([m.value for m in Mode], case_sensitive=False)


def _run(func: Callable[[], Any], traceback: bool) -> Any:
    try:
        return func()
    except (TautulliDBError, ConfigError, GateNotMet, FileNotFoundError) as exc:
        if traceback:
            raise
        raise click.ClickException(redact_text(str(exc))) from exc


def shim_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The shim's run options shared by ``replay calls`` and ``verify``."""
    options = [
        click.option("--off-thread/--inline", "off_thread", default=None,
                     help="Compare reads on the bounded pool off the caller's thread (default: the setting)."),
        click.option("--candidate-timeout", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Seconds the compared path may take (default: the setting)."),
        click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Folder of parity report runs (default: the setting, parity_reports)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tautulli-db")
@click.option("--traceback", is_flag=True, help="Show the full traceback of a failure.")
@click.option("--log-level", default="ERROR", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              help="Minimum level of structured log lines (written to standard error).")
@click.pass_context
def cli(ctx: click.Context, traceback: bool, log_level: str) -> None:
    """Tautulli's database layer on two paths, proven equal domain by domain."""
    logsetup.configure(level=log_level)
    ctx.obj = {"traceback": traceback}


@cli.group()
def replay() -> None:
    """Replay recorded Tautulli calls and judge every result."""


def _print_replay(result: Any) -> None:
    table = Table(title=f"replay ({result.mode or result.backend})")
    for column in ("domain", "records", "passed", "failed", "median ms"):
        table.add_column(column, justify="right" if column != "domain" else "left")
    for row in result.by_domain():
        table.add_row(row["domain"], str(row["records"]), str(row["passed"]), str(row["failed"]),
                      f"{row['median_ms']:.2f}")
    console.print(table)
    failures = [r for r in result.results if not r.passed]
    for failure in failures[:20]:
        console.print(f"[red]FAIL[/red] {failure.id} {failure.target}: {failure.difference}", markup=True)
    if len(failures) > 20:
        console.print(f"... and {len(failures) - 20} more failures (see --json)")
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
@shim_options
@click.pass_context
def replay_calls_cmd(ctx: click.Context, calls_file: Path, db: Path, backend: str, mode: str | None,
                     domains: tuple[str, ...], json_out: Path | None, sample_rate: float, aa: bool,
                     off_thread: bool | None, candidate_timeout: float | None, report_dir: Path | None) -> None:
    """Replay recorded read calls and compare each result with what Tautulli returned.

    With --mode shadow or reverse-shadow the router runs both paths for every record: each record yields a
    parity event (legacy vs SQLAlchemy) and an oracle verdict, and the parity report's path is printed.
    Ends with the line ``N passed, M failed`` (oracle verdicts); exits 0 only when no record failed and, in
    a shadow mode, every compared call matched.

    Example:
        tautulli-db replay calls plexpy/sample/calls.jsonl --db plexpy/sample/tautulli.db --backend sqlalchemy
        tautulli-db replay calls plexpy/sample/calls.jsonl --db plexpy/sample/tautulli.db --mode shadow
    """
    from plexpy.commands.replay import replay_calls  # noqa: PLC0415 - keep start-up light

    shim = {"sample_rate": sample_rate, "off_thread": off_thread, "candidate_timeout": candidate_timeout,
            "report_dir": str(report_dir) if report_dir else None}
    result = _run(lambda: replay_calls(calls_file, db, backend=backend, mode=mode, domains=list(domains) or None,
                                       shim=shim, aa=aa), ctx.obj["traceback"])
    if json_out is not None:
        with json_out.open("w", encoding="utf-8") as handle:
            for r in result.results:
                handle.write(json.dumps(r.as_json(), ensure_ascii=False) + "\n")
    _print_replay(result)
    click.echo(f"{result.passed} passed, {result.failed} failed")
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
@click.pass_context
def replay_writes_cmd(ctx: click.Context, writes_file: Path, db: Path, final_state: Path | None, backend: str,
                      mode: str | None, json_out: Path | None, report_dir: Path | None) -> None:
    """Replay a recorded script of write calls in order and compare return values and the final database.

    Each step runs on a copy at its own clock, zone and config; files the script names (the database to
    import) are copied from beside the script first. Ends with ``N passed, M failed`` (the steps, plus the
    final state as one more check); exits 0 only when nothing failed and, in a shadow mode, every verified
    write matched.

    Example:
        cd plexpy/sample && tautulli-db replay writes writes.jsonl --db tautulli.db --final-state final_state.json
    """
    from plexpy.commands.replay_writes import replay_writes  # noqa: PLC0415 - keep start-up light

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


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@cli.command("verify")
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Your own Tautulli database (not available yet: needs the generic workload).")
@shim_options
@click.pass_context
def verify_cmd(ctx: click.Context, db: Path | None, off_thread: bool | None, candidate_timeout: float | None,
               report_dir: Path | None) -> None:
    """Prove both paths on the bundled sample: shadow mode, 100 % sampling, every implemented domain.

    Prints, per domain, the recorded calls, parity matches (legacy vs SQLAlchemy) and oracle matches (vs
    Tautulli v2.17.2), and the path of report.html. Exits 0 when no implemented domain has a parity
    mismatch or an oracle failure, 1 otherwise, 2 for usage errors (such as --db, not available yet).

    Example:
        tautulli-db verify
        tautulli-db verify --off-thread --report-dir /tmp/parity
    """
    from plexpy import config  # noqa: PLC0415 - keep start-up light
    from plexpy.commands.verify import WorkloadUnavailable, verify  # noqa: PLC0415

    overrides = {"candidate_timeout": candidate_timeout} if candidate_timeout is not None else {}

    def run() -> Any:
        try:
            settings = config.load(None, overrides=overrides)
            return verify(settings, calls=sample_path("calls.jsonl"), sample_db=sample_path("tautulli.db"),
                          db=db, off_thread=off_thread, report_dir=report_dir)
        except WorkloadUnavailable as exc:
            raise click.UsageError(redact_text(str(exc))) from exc

    result = _run(run, ctx.obj["traceback"])
    table = Table(title="verify: shadow, 100 % sampling")
    for column in ("domain", "calls", "parity", "oracle", "p50 legacy", "p50 sqla", "verdict"):
        table.add_column(column, justify="left" if column in ("domain", "verdict") else "right", no_wrap=True)
    for d in result.domains:
        if not d.implemented:
            table.add_row(d.domain, "—", "—", "—", "—", "—", "—")
            continue
        table.add_row(d.domain, str(d.records), str(d.parity_matches), str(d.oracle_matches), _ms(d.p50_legacy_ms),
                      _ms(d.p50_sqlalchemy_ms), d.verdict if d.ok else f"{d.verdict} (FAILED)")
    console.print(table)
    implemented = [d for d in result.domains if d.implemented]
    click.echo("parity and oracle: matches; p50: milliseconds per call of each path")
    missing = [d.domain for d in result.domains if not d.implemented]
    if missing:
        click.echo(f"not implemented yet (no twins): {', '.join(missing)}")
    click.echo(f"implemented domains: {len(implemented)} of {len(result.domains)}; "
               f"calls {sum(d.records for d in implemented)}, "
               f"parity matches {sum(d.parity_matches for d in implemented)}, "
               f"oracle matches {sum(d.oracle_matches for d in implemented)}")
    if result.report_html is not None:
        click.echo(f"report: {result.report_html}")
    click.echo("verify: OK" if result.ok else "verify: FAILED")
    sys.exit(0 if result.ok else 1)


@cli.group()
def bench() -> None:
    """Measure costs (figures for notes and docs, never asserted by tests)."""


@bench.command("shim")
@click.option("--domain", "domains", multiple=True, type=DomainType(), help="Records of this domain (default: users).")
@click.option("--rounds", type=click.IntRange(1, 50), default=3, show_default=True,
              help="Interleaved rounds per configuration (the median is shown).")
@click.pass_context
def bench_shim_cmd(ctx: click.Context, domains: tuple[str, ...], rounds: int) -> None:
    """Overhead of shadow vs legacy at 100 % sampling, inline and off-thread, measured in one run.

    Caller time is the sum of per-call latencies the facade's caller saw; wall time includes the off-thread
    comparisons finishing.

    Example:
        tautulli-db bench shim --rounds 5
    """
    from plexpy.commands.verify import OVERHEAD_RUNS, measure_overhead  # noqa: PLC0415 - keep start-up light

    result = _run(lambda: measure_overhead(sample_path("calls.jsonl"), sample_path("tautulli.db"),
                                           domains=list(domains) or ["users"], rounds=rounds), ctx.obj["traceback"])
    table = Table(title=f"shim overhead ({result.records} calls × {result.rounds} rounds, median)")
    for column in ("configuration", "caller ms", "× legacy", "wall ms", "× legacy (wall)"):
        table.add_column(column, justify="left" if column == "configuration" else "right")
    for name, _, _ in OVERHEAD_RUNS:
        table.add_row(name, f"{result.caller_ms[name]:.1f}", f"{result.ratio(name):.2f}",
                      f"{result.wall_ms[name]:.1f}", f"{result.ratio(name, wall=True):.2f}")
    console.print(table)
    click.echo(f"the router's own inline cost (shadow inline - legacy - sqlalchemy): "
               f"{result.shim_ms_per_call:.3f} ms per call")


def main() -> None:
    """Entry point of the ``tautulli-db`` console script."""
    cli(prog_name="tautulli-db")


if __name__ == "__main__":  # pragma: no cover
    main()
