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
        raise click.ClickException(str(exc)) from exc


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
    if getattr(result, "report_dir", None):
        console.print(f"parity report: {Path(result.report_dir) / 'report.html'}")


@replay.command("calls")
@click.argument("calls_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", "db", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The recorded database (a copy is used; the file is never changed).")
@click.option("--backend", type=click.Choice(["legacy", "sqlalchemy"]), default="legacy", show_default=True,
              help="Which path answers every call.")
@click.option("--domain", "domains", multiple=True, type=DomainType(), help="Only records of this domain (repeat).")
@click.option("--json", "json_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one JSON object per record (id, domain, verdict, difference, seconds).")
@click.pass_context
def replay_calls_cmd(ctx: click.Context, calls_file: Path, db: Path, backend: str, domains: tuple[str, ...],
                     json_out: Path | None) -> None:
    """Replay recorded read calls against one path and compare with what Tautulli returned.

    Ends with the line ``N passed, M failed``; exits 0 only when nothing failed.

    Example:
        tautulli-db replay calls plexpy/sample/calls.jsonl --db plexpy/sample/tautulli.db --backend sqlalchemy
    """
    from plexpy.commands.replay import replay_calls  # noqa: PLC0415 - keep start-up light

    result = _run(lambda: replay_calls(calls_file, db, backend=backend, domains=list(domains) or None),
                  ctx.obj["traceback"])
    if json_out is not None:
        with json_out.open("w", encoding="utf-8") as handle:
            for r in result.results:
                handle.write(json.dumps(r.as_json(), ensure_ascii=False) + "\n")
    _print_replay(result)
    click.echo(f"{result.passed} passed, {result.failed} failed")
    sys.exit(0 if result.failed == 0 else 1)


def main() -> None:
    """Entry point of the ``tautulli-db`` console script."""
    cli(prog_name="tautulli-db")


if __name__ == "__main__":  # pragma: no cover
    main()
