"""``tautulli-db verify`` and ``tautulli-db bench shim``: prove both paths in shadow mode and measure its cost."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from plexpy.cli_common import DomainType, _ms, _run, console, shim_options

__all__ = ["bench_shim_cmd", "verify_cmd"]


@click.command("verify")
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
    from plexpy.cli import sample_path  # noqa: PLC0415 - looked up on the root module (tests replace it there)

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



@click.command("shim")
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
    from plexpy.cli import sample_path  # noqa: PLC0415 - looked up on the root module (tests replace it there)
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

