"""The flag store (modes, sources, change listeners, the breaker's compare-and-set) and the flip history file."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from shim.errors import ConfigError
from shim.flags import FlagChange, FlagStore, FlipHistory, rank
from shim.modes import Mode

DOMAINS = ["users", "history"]


def test_modes_and_sources_default_to_legacy_and_default() -> None:
    store = FlagStore(DOMAINS, {"users": "shadow"}, sources={"users": "config.ini [DB_BACKEND] users"})
    assert store.mode("users") is Mode.SHADOW and store.mode("history") is Mode.LEGACY
    assert store.source("users") == "config.ini [DB_BACKEND] users" and store.source("history") == "default"
    assert store.any_compared() and store.as_dict() == {"users": "shadow", "history": "legacy"}


def test_unknown_domains_and_modes_are_configuration_errors_naming_the_valid_ones() -> None:
    with pytest.raises(ConfigError, match="valid domains: users, history"):
        FlagStore(DOMAINS, {"nope": "shadow"})
    with pytest.raises(ConfigError, match="valid modes: legacy, shadow, reverse-shadow, sqlalchemy"):
        FlagStore(DOMAINS, {"users": "sideways"})
    with pytest.raises(ConfigError):
        FlagStore(DOMAINS, {}, sources={"nope": "x"})


def test_set_tells_listeners_about_real_changes_only() -> None:
    store = FlagStore(DOMAINS, {})
    seen: list[FlagChange] = []
    store.subscribe(seen.append)
    store.set("users", "shadow", reason="operator")
    store.set("users", Mode.SHADOW)
    assert seen == [FlagChange("users", Mode.LEGACY, Mode.SHADOW, "set", "operator")]
    assert store.changes == seen and store.source("users") == "set in this process"


def test_demote_is_a_compare_and_set_that_only_moves_back() -> None:
    store = FlagStore(DOMAINS, {"users": "reverse-shadow"})
    assert store.demote("users", Mode.SHADOW, expect=Mode.SHADOW, reason="stale view") is None
    assert store.demote("users", Mode.SQLALCHEMY, expect=Mode.REVERSE_SHADOW, reason="not back") is None
    change = store.demote("users", Mode.SHADOW, expect=Mode.REVERSE_SHADOW, reason="3 failures")
    assert change == FlagChange("users", Mode.REVERSE_SHADOW, Mode.SHADOW, "demoted", "3 failures")
    assert store.mode("users") is Mode.SHADOW and store.source("users") == "demoted in this process"
    assert store.demote("users", Mode.SHADOW, expect=Mode.REVERSE_SHADOW, reason="again") is None


def test_only_one_of_many_racing_demotions_wins() -> None:
    store = FlagStore(DOMAINS, {"users": "reverse-shadow"})
    results: list[FlagChange | None] = []
    barrier = threading.Barrier(8)

    def demote() -> None:
        barrier.wait()
        results.append(store.demote("users", Mode.SHADOW, expect=Mode.REVERSE_SHADOW, reason="race"))

    threads = [threading.Thread(target=demote) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r is not None for r in results) == 1 and len(store.changes) == 1


def test_a_failing_listener_is_logged_and_never_raised(log_output) -> None:
    store = FlagStore(DOMAINS, {})

    def broken(_change: FlagChange) -> None:
        raise RuntimeError("listener down")

    store.subscribe(broken)
    assert store.set("users", "shadow") is Mode.SHADOW
    assert [e["event"] for e in log_output.entries] == ["flags.listener_failed"]


def test_rank_orders_the_modes() -> None:
    assert [rank(m) for m in Mode] == [0, 1, 2, 3]


def test_flip_history_appends_json_lines_and_skips_a_torn_line(tmp_path: Path) -> None:
    history = FlipHistory(tmp_path / "sub" / "flip_history.jsonl")
    assert history.entries() == [] and history.last_change("users") is None
    history.append({"domain": "users", "from": "legacy", "to": "shadow", "epoch": 1.0, "reason": "née «ok»"})
    history.append({"domain": "history", "from": "legacy", "to": "shadow", "epoch": 2.0})
    history.append({"domain": "users", "from": "shadow", "to": "shadow", "epoch": 3.0})
    with history.path.open("a", encoding="utf-8") as handle:
        handle.write('{"domain": "users", "from": "shad')  # a crash in the middle of a line
    assert [e["epoch"] for e in history.entries("users")] == [1.0, 3.0]
    assert history.last_change("users")["epoch"] == 1.0, "an entry that changed nothing is not a change"
    first = json.loads(history.path.read_text(encoding="utf-8").splitlines()[0])
    assert first["reason"] == "née «ok»"


def test_flip_history_lines_from_many_threads_never_interleave(tmp_path: Path) -> None:
    history = FlipHistory(tmp_path / "h.jsonl")
    threads = [threading.Thread(target=lambda i=i: history.append({"domain": "users", "n": i, "pad": "x" * 5000}))
               for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(e["n"] for e in history.entries()) == list(range(20))
