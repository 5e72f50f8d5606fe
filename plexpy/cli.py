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
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Tautulli's config.ini (default: $TAUTULLI_CONFIG, else $TAUTULLI_DATA_DIR/config.ini, else "
                   "./config.ini). Read by flags, flip and report; flip writes its [DB_BACKEND] section.")
@click.option("--traceback", is_flag=True, help="Show the full traceback of a failure.")
@click.option("--log-level", default="ERROR", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              help="Minimum level of structured log lines (written to standard error).")
@click.pass_context
def cli(ctx: click.Context, config_file: Path | None, traceback: bool, log_level: str) -> None:
    """Tautulli's database layer on two paths, proven equal domain by domain."""
    logsetup.configure(level=log_level)
    ctx.obj = {"traceback": traceback, "config": config_file}


def _settings(ctx: click.Context) -> Any:
    """The operator's settings, from the config.ini named by --config (or its default location)."""
    from plexpy import config  # noqa: PLC0415 - keep start-up light

    return config.load(config.locate_config(ctx.obj.get("config")))


@cli.group()
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


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@cli.command("verify")
@click.option("--db", "db", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Your own Tautulli database: verified on a WAL-safe snapshot, never written.")
@click.option("--per-operation", type=click.IntRange(1, 1000), default=8, show_default=True,
              help="With --db: calls per read operation of the generic workload.")
@click.option("--seed", type=int, default=0, show_default=True, help="With --db: the workload's random draws.")
@click.option("--domain", "domains", multiple=True, type=DomainType(), help="With --db: only this domain (repeat).")
@click.option("--writes", is_flag=True,
              help="With --db: also run the recorded write script in shadow, on a copy of the snapshot only.")
@shim_options
@click.pass_context
def verify_cmd(ctx: click.Context, db: Path | None, per_operation: int, seed: int, domains: tuple[str, ...],
               writes: bool, off_thread: bool | None, candidate_timeout: float | None, report_dir: Path | None) -> None:
    """Prove both paths: shadow mode, 100 % sampling, every implemented domain.

    Without --db: replays the bundled sample and prints, per domain, the recorded calls, parity matches
    (legacy vs SQLAlchemy) and oracle matches (vs Tautulli v2.17.2). With --db: snapshots your database
    (read-only, WAL included; the file is never written), discovers its users, libraries, rating keys and
    history, drives a generic read workload through every domain and prints calls, matches, mismatches and
    errors per domain. Then the path of report.html. Exits 0 when every comparison matched, 1 otherwise.

    Example:
        tautulli-db verify
        tautulli-db verify --off-thread --report-dir /tmp/parity
        tautulli-db verify --db /opt/Tautulli/tautulli.db
        tautulli-db verify --db /opt/Tautulli/tautulli.db --writes
    """
    from plexpy import config  # noqa: PLC0415 - keep start-up light

    overrides = {"candidate_timeout": candidate_timeout} if candidate_timeout is not None else {}
    if db is not None:
        from plexpy.cli_verify import verify_own  # noqa: PLC0415 - the own-database run lives apart

        settings = config.load(config.locate_config(ctx.obj.get("config")), overrides=overrides)
        verify_own(ctx, settings, db, per_operation=per_operation, seed=seed,
                   domains=domains or None, off_thread=off_thread, report_dir=report_dir,
                   templates=sample_path("calls.jsonl"), writes=sample_path("writes.jsonl") if writes else None)
        return
    from plexpy.commands.verify import verify  # noqa: PLC0415

    def run() -> Any:
        settings = config.load(None, overrides=overrides)
        return verify(settings, calls=sample_path("calls.jsonl"), sample_db=sample_path("tautulli.db"),
                      off_thread=off_thread, report_dir=report_dir)

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

# -- the operator's workflow: flags, flip, report -------------------------------------------------------------
def _ratio(value: float | None) -> str:
    return "—" if value is None else f"×{value:.2f}"


def _gate_cell(row: Any) -> str:
    if row.verdict is None:
        return "— (last mode)"
    if row.verdict.passed:
        return f"ready → {row.verdict.target.value}"
    return "needs " + ", ".join(c.name for c in row.verdict.checks if not c.passed)


def _source_cell(source: str) -> str:
    return "environment" if source.startswith("environment") else source.split(" [", 1)[0]


def _wide() -> Console:
    """The console, or one wide enough for the flags table when the output is not a terminal (a file, a test)."""
    return console if console.is_terminal else Console(width=160, highlight=False)


@cli.command("flags")
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of parity report runs to read evidence from (default: the report_dir setting).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of the table.")
@click.pass_context
def flags_cmd(ctx: click.Context, report_dir: Path | None, as_json: bool) -> None:
    """Show every domain's mode, where it came from, and its parity evidence for the next step.

    Evidence is read from the report runs under the report folder: comparisons recorded in the domain's current
    mode (from legacy: in either shadow mode) since its last flip. The gate column says whether `flip` would
    move the domain forward, or which rules are not met yet.

    Example:
        tautulli-db flags
        tautulli-db --config /opt/Tautulli/config.ini flags --json
    """
    from plexpy.commands.flags import flags  # noqa: PLC0415 - keep start-up light

    result = _run(lambda: flags(_settings(ctx), report_dir=report_dir), ctx.obj["traceback"])
    if as_json:
        click.echo(json.dumps({"config": str(result.config_path), "report_dir": str(result.report_dir),
                               "history": str(result.history), "domains": [d.as_dict() for d in result.domains]},
                              indent=2, ensure_ascii=False, default=str))
        return
    table = Table(title="flags: mode, source and evidence for the next step")
    for column in ("domain", "mode", "source", "runs", "compared", "ops", "mismatches", "errors", "timeouts",
                   "p95 ratio", "gate"):
        table.add_column(column, justify="right" if column in ("runs", "compared", "ops", "mismatches", "errors",
                                                               "timeouts", "p95 ratio") else "left")
    for row in result.domains:
        e = row.evidence
        table.add_row(row.domain, row.mode.value, _source_cell(row.source), str(len(e.runs)), str(e.compared),
                      f"{len(e.operations)}/{row.operations}", str(e.mismatches), str(e.candidate_errors),
                      str(e.timeouts), _ratio(e.latency_ratio), _gate_cell(row))
    _wide().print(table)
    for row in result.domains:
        if row.source.startswith("environment"):
            click.echo(f"{row.domain}: set by the {row.source} (config.ini is not read for it)")
    click.echo("evidence: comparisons in the current mode (from legacy: either shadow mode) since the last flip; "
               "p95 ratio: sqlalchemy / legacy")
    click.echo(f"config: {result.config_path} · reports: {result.report_dir} · history: {result.history}")
    for row in result.domains:
        change = row.last_change or {}
        if change.get("kind") == "demoted":
            click.echo(f"{row.domain}: demoted {change.get('from')} → {change.get('to')} at {change.get('at')} "
                       f"({change.get('reason')})")


def _print_checks(verdict: Any) -> None:
    for check in verdict.checks:
        click.echo(f"  {'✓' if check.passed else '✗'} {check.detail}")


def _print_refusal(domain: str, refused: Any) -> None:
    verdict = refused.verdict
    if verdict is None:
        click.echo(f"{domain}: refused")
    else:
        why = "the gate is not met" if not verdict.passed else "one step at a time"
        click.echo(f"{domain}: {verdict.current.value} → {verdict.target.value} refused: {why}")
        _print_checks(verdict)
    for line in refused.missing:
        if verdict is None or line not in verdict.missing:
            click.echo(f"  ✗ {line}")


@cli.command("flip")
@click.argument("domain", type=DomainType())
@click.option("--to", "to", type=ModeType(), default=None,
              help="Target mode (default: the next one). Moving back is always allowed; forward is one step.")
@click.option("--force", is_flag=True, help="Move forward although the gate is not met (needs --reason).")
@click.option("--reason", default=None, help="Why: recorded in the flip history (required with --force).")
@click.pass_context
def flip_cmd(ctx: click.Context, domain: str, to: str | None, force: bool, reason: str | None) -> None:
    """Move one domain one step along legacy → shadow → reverse-shadow → sqlalchemy, if its evidence allows.

    Forward moves need the gate (minimum calls and operations, no unexplained mismatch, few candidate errors,
    no latency regression); otherwise the command lists what is missing, changes nothing and exits 1.
    --force --reason records who overrode the gate and why. Moving back (--to) is always allowed. The new
    mode is written to config.ini [DB_BACKEND] atomically; an environment variable that masks it is reported.

    Example:
        tautulli-db flip users
        tautulli-db flip users --to legacy --reason "rollback: slow page"
        tautulli-db flip maintenance --force --reason "reviewed by hand: one recorded call"
    """
    from plexpy.commands.flags import FlipRefused, flip  # noqa: PLC0415 - keep start-up light

    if force and not (reason or "").strip():
        raise click.UsageError("--force needs --reason: the flip history records who overrode the gate and why")

    def attempt() -> Any:
        try:
            return flip(_settings(ctx), domain, to=to, force=force, reason=reason)
        except FlipRefused as refused:
            _print_refusal(domain, refused)
            if ctx.obj["traceback"]:
                raise
            raise click.ClickException(f"{domain}: nothing was changed (gather more evidence, or --force "
                                       "--reason)") from refused

    result = _run(attempt, ctx.obj["traceback"])
    if result.direction == "none":
        click.echo(f"{domain}: already {result.after.value}; nothing to do")
        return
    label = {"back": "moved back", "forward": "FORCED" if result.forced else "gate met"}[result.direction]
    click.echo(f"{domain}: {result.before.value} → {result.after.value} ({label})")
    if result.verdict is not None:
        _print_checks(result.verdict)
    if result.forced and result.entry:
        click.echo(f"override recorded: by {result.entry.get('user')}, reason: {result.entry.get('reason')}")
    created = " (created)" if result.created_config else ""
    click.echo(f"written: {result.config_path}{created} [DB_BACKEND] {domain} = {result.after.value}")
    if result.masked_by:
        click.echo(f"warning: environment {result.masked_by} masks the new value; the effective mode stays "
                   f"{result.effective.value} until it is unset")
    click.echo("restart Tautulli (or the process using tautulli-db) for the new mode to take effect")


@cli.command("report")
@click.argument("runs", nargs=-1)
@click.option("--report-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of parity report runs (default: the report_dir setting).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the merged report (default: a new merged-<time> folder in the report folder).")
@click.pass_context
def report_cmd(ctx: click.Context, runs: tuple[str, ...], report_dir: Path | None, out: Path | None) -> None:
    """Merge parity report runs (default: every run under the report folder) into one new report.

    RUN is a run folder or its name under the report folder. Writes summary.json, report.md (for terminals
    and pull requests) and report.html (one self-contained file: per-domain verdicts, latency histograms,
    demotions, mismatch samples with field-level diffs) and prints each domain's verdict.

    Example:
        tautulli-db report
        tautulli-db report parity_reports/20260115T120000Z parity_reports/20260116T090000Z --out /tmp/merged
    """
    from plexpy.commands.report import report  # noqa: PLC0415 - keep start-up light

    result = _run(lambda: report(_settings(ctx), runs, report_dir=report_dir, out=out), ctx.obj["traceback"])
    table = Table(title=f"report: {len(result.runs)} run(s) merged")
    for column in ("domain", "calls", "compared", "matches", "mismatches", "raced", "errors", "timeouts",
                   "p50 legacy", "p50 sqla", "demoted", "verdict"):
        table.add_column(column, justify="left" if column in ("domain", "verdict") else "right")
    for d in result.summary.get("domains", []):
        t = d.get("timings", {})
        table.add_row(d["domain"], *(str(d.get(k, 0)) for k in ("calls", "compared", "matches", "mismatches",
                                                                 "raced", "candidate_errors", "timeouts")),
                      _ms(t.get("legacy", {}).get("p50_ms")), _ms(t.get("sqlalchemy", {}).get("p50_ms")),
                      str(d.get("demotions", 0)), str(d.get("verdict")))
    _wide().print(table)
    click.echo(f"verdict: {result.summary.get('totals', {}).get('verdict')}")
    click.echo(f"markdown: {result.markdown}")
    click.echo(f"report: {result.html}")


def _register_schema_commands() -> None:
    from plexpy.cli_schema import migrate_cmd, repair_cmd  # noqa: PLC0415 - the schema commands live apart
    from plexpy.cli_stores import copy_cmd, reconcile_cmd  # noqa: PLC0415 - the store commands live apart

    cli.add_command(migrate_cmd)
    cli.add_command(repair_cmd)
    cli.add_command(copy_cmd)
    cli.add_command(reconcile_cmd)
    from plexpy.cli_backup import backup_cmd, restore_cmd  # noqa: PLC0415 - the backup commands live apart

    cli.add_command(backup_cmd)
    cli.add_command(restore_cmd)


_register_schema_commands()


def _register_outbox_commands() -> None:
    from plexpy.cli_outbox import outbox_group  # noqa: PLC0415 - the dual-write outbox commands live apart

    cli.add_command(outbox_group)


_register_outbox_commands()


def _register_perf_commands() -> None:
    from plexpy.cli_perf import bench_group, sample_cmd  # noqa: PLC0415 - the performance commands live apart

    bench_group.add_command(bench_shim_cmd)  # the bench group of cli_perf (with its options) keeps `bench shim`
    cli.add_command(bench_group)
    cli.add_command(sample_cmd)


_register_perf_commands()


def main() -> None:
    """Entry point of the ``tautulli-db`` console script."""
    cli(prog_name="tautulli-db")


if __name__ == "__main__":  # pragma: no cover
    main()
