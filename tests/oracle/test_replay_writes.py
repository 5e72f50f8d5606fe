"""The recorded write script on each path and in shadow mode: every return value and the final database."""

from __future__ import annotations

from pathlib import Path

import pytest

from plexpy.commands.replay import load_records
from plexpy.commands.replay_writes import replay_writes

SAMPLE = Path(__file__).resolve().parents[2] / "plexpy" / "sample"
STEPS = len(load_records(SAMPLE / "writes.jsonl"))


@pytest.mark.parametrize(("backend", "mode"), [("legacy", None), ("sqlalchemy", None), ("legacy", "shadow")])
def test_the_write_script_reaches_the_recorded_final_state(backend: str, mode: str | None, tmp_path: Path) -> None:
    result = replay_writes(SAMPLE / "writes.jsonl", SAMPLE / "tautulli.db", SAMPLE / "final_state.json",
                           backend=backend, mode=mode, report_dir=tmp_path / "reports")
    assert len(result.steps) == STEPS, "every step of writes.jsonl must be replayed"
    failures = [f"{s.id} {s.target}: {s.difference}" for s in result.steps if not s.passed]
    assert not failures, "\n".join(failures[:10])
    assert not result.state_differences, "\n".join(result.state_differences)
    print(f"{mode or backend}: {result.passed} passed, {result.failed} failed")
    if mode == "shadow":
        totals = result.parity["totals"]
        assert result.parity_failures == 0, totals
        assert totals["matches"] > 80, totals
