"""``tautulli-db``: a thin click shell over ``plexpy.commands``.

The only place that turns errors into messages and exit codes: 1 when an operation failed, 2 for usage.
"""

from __future__ import annotations

from pathlib import Path

import click

from plexpy import __version__, logsetup
from plexpy.cli_common import DomainType, ModeType, console, sample_path, shim_options

# Re-exported: the shared click types and helpers were defined here first (tests replace ``sample_path`` here).
__all__ = ["DomainType", "ModeType", "cli", "console", "main", "sample_path", "shim_options"]


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


def _register_core_commands() -> None:
    from plexpy.cli_flags import flags_cmd, flip_cmd, report_cmd  # noqa: PLC0415 - the operator's workflow
    from plexpy.cli_replay import replay  # noqa: PLC0415 - the replay commands live apart
    from plexpy.cli_shadow import verify_cmd  # noqa: PLC0415 - the shadow-mode proof lives apart

    cli.add_command(replay)
    cli.add_command(verify_cmd)
    cli.add_command(flags_cmd)
    cli.add_command(flip_cmd)
    cli.add_command(report_cmd)


_register_core_commands()


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
    from plexpy.cli_shadow import bench_shim_cmd  # noqa: PLC0415 - the shim overhead bench lives apart

    bench_group.add_command(bench_shim_cmd)  # the bench group of cli_perf (with its options) keeps `bench shim`
    cli.add_command(bench_group)
    cli.add_command(sample_cmd)


_register_perf_commands()


def main() -> None:
    """Entry point of the ``tautulli-db`` console script."""
    cli(prog_name="tautulli-db")


if __name__ == "__main__":  # pragma: no cover
    main()
