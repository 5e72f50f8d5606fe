"""The operator's workflow: ``tautulli-db flags``, ``flip`` and ``report``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from plexpy.cli_common import DomainType, ModeType, _ms, _run, _settings, _wide

__all__ = ["flags_cmd", "flip_cmd", "report_cmd"]


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


@click.command("flags")
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


@click.command("flip")
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


@click.command("report")
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
