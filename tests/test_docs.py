"""Documentation that tests keep honest: every setting and Tautulli key is in docs/settings.md."""

from __future__ import annotations

from pathlib import Path

from plexpy.config import SETTINGS, TAUTULLI_KEYS
from plexpy.domains import DOMAINS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in text or (s.env and f"`{s.env}`" not in text)]
    assert not missing, missing


def test_every_tautulli_key_and_domain_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert not [k for k in TAUTULLI_KEYS if f"`{k}`" not in text]
    assert not [d for d in DOMAINS if f"`{d}`" not in text]


def _commands(group, prefix: str = "") -> list[str]:
    import click

    found = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix} {name}".strip()
        if isinstance(command, click.Group):
            found.extend(_commands(command, full))
        else:
            found.append(full)
    return found


def test_every_command_is_documented_and_has_an_example() -> None:
    from plexpy.cli import cli

    text = (DOCS / "operations.md").read_text(encoding="utf-8")
    commands = _commands(cli)
    assert len(commands) >= 4
    missing = [c for c in commands if f"`tautulli-db {c}" not in text]
    assert not missing, f"not in docs/operations.md: {missing}"
    import click

    ctx = click.Context(cli)
    for name in commands:
        command = cli
        for part in name.split():
            command = command.commands[part]
        help_text = command.get_help(ctx)
        assert "Example" in help_text, f"{name} has no example in its help"
