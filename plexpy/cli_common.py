"""Shared pieces of the ``tautulli-db`` commands: the console, click types, shim options and error handling."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from plexpy.db.errors import TautulliDBError
from plexpy.domains import DOMAINS
from shim.errors import ConfigError, GateNotMet
from shim.modes import Mode
from shim.redact import redact_text

__all__ = ["DomainType", "ModeType", "console", "sample_path", "shim_options"]

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


def _settings(ctx: click.Context) -> Any:
    """The operator's settings, from the config.ini named by --config (or its default location)."""
    from plexpy import config  # noqa: PLC0415 - keep start-up light

    return config.load(config.locate_config(ctx.obj.get("config")))



def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _wide() -> Console:
    """The console, or one wide enough for the flags table when the output is not a terminal (a file, a test)."""
    return console if console.is_terminal else Console(width=160, highlight=False)
