"""docs/migration_guide.md runs: every ``tautulli-db`` command of its ``bash`` blocks, in order, in a fresh folder
beside the bundled sample, with the exit code the guide states (``# exits N``; 0 otherwise).

``verify`` is limited to the ``users`` domain here (as in tests/cli/test_cli.py) to keep the test fast; the
guide's flow only needs ``users`` to have evidence.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from plexpy.cli import cli

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "migration_guide.md"
_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.DOTALL | re.MULTILINE)
_EXITS = re.compile(r"#\s*exits\s+(\d+)")


def guide_commands() -> list[tuple[list[str], int]]:
    """(arguments after ``tautulli-db``, expected exit code) for every command of the guide's bash blocks."""
    commands = []
    for block in _BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        for line in block.splitlines():
            if not line.startswith("tautulli-db "):
                continue
            code, _, comment = line.partition("  #")
            expected = _EXITS.search("#" + comment) if comment else None
            commands.append((shlex.split(code)[1:], int(expected[1]) if expected else 0))
    return commands


def test_the_guide_has_the_whole_workflow() -> None:
    names = [" ".join(args[:2]) for args, _ in guide_commands()]
    for wanted in ("verify", "flags", "flip users", "replay calls", "report"):
        assert any(name.startswith(wanted) for name in names), wanted
    assert any(args[2:4] == ["--to", "legacy"] for args, _ in guide_commands()), "a rollback"
    assert any("--force" in args and "--reason" in args for args, _ in guide_commands()), "a forced override"
    assert {code for _, code in guide_commands()} == {0, 1, 2}


def test_the_guides_commands_run_on_the_bundled_sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("TAUTULLI_"):
            monkeypatch.delenv(name)
    monkeypatch.setattr("plexpy.bootstrap.implemented_domains", lambda: ["users"])
    (tmp_path / "plexpy").mkdir()
    (tmp_path / "plexpy" / "sample").symlink_to(ROOT / "plexpy" / "sample", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args, expected in guide_commands():
        result = runner.invoke(cli, args)
        assert result.exit_code == expected, f"tautulli-db {shlex.join(args)}\n{result.output}"
    backends = (tmp_path / "config.ini").read_text(encoding="utf-8")
    assert "users = legacy" in backends and "maintenance = shadow" in backends
    history = [json.loads(line) for line in (tmp_path / "flip_history.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(h["domain"], h["to"], h["kind"]) for h in history] == [
        ("users", "shadow", "flip"), ("users", "reverse-shadow", "flip"), ("users", "sqlalchemy", "flip"),
        ("maintenance", "shadow", "forced"), ("users", "legacy", "rollback")]
    merged = [p for p in (tmp_path / "parity_reports").iterdir() if p.name.startswith("merged-")]
    assert len(merged) == 1 and (merged[0] / "report.html").exists()
