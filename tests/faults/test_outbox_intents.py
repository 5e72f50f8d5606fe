"""The outbox's write intents: a write announced before it commits is either recorded (intent settled in the
same transaction) or, when its writer is gone, turned into a resync of its tables. No server needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from plexpy.db.outbox import Outbox
from plexpy.db.writer_identity import writer_gone


def test_an_intent_is_settled_by_its_entry_or_by_forgetting(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite")
    recorded = box.begin("auth.set_user_login", ["user_login"], "w")
    dropped = box.begin("users.delete", ["users", "user_login"], "w")
    assert box.status().in_flight == 2
    box.append("auth.set_user_login", {"tables": {}, "sequence": {}, "resync": []}, settles=recorded)
    box.settle(dropped)
    assert box.status().in_flight == 0
    assert box.recover(lambda _writer: True) == []  # nothing left to recover
    assert box.status().pending == 1


def test_intents_of_gone_writers_become_one_resync_entry_after_the_pending_ones(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "o.sqlite")
    first = box.append("x.y", {"tables": {}, "sequence": {}, "resync": []})
    box.begin("history.delete", ["session_history", "session_history_metadata"], "dead")
    box.begin("auth.set_user_login", ["user_login"], "dead")
    box.begin("users.set_config", ["users"], "alive")
    assert box.recover(lambda writer: writer == "dead") == ["session_history", "session_history_metadata",
                                                             "user_login"]
    entries = box.pending()
    assert entries[0].seq == first
    assert entries[-1].op == "recover.interrupted_writes"
    assert entries[-1].payload["resync"] == ["session_history", "session_history_metadata", "user_login"]
    status = box.status()
    assert (status.pending, status.in_flight, status.counters["recovered_intents"]) == (2, 1, 2)


def test_writer_gone_tells_dead_and_replaced_processes_from_live_writers() -> None:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    dead_pid = int(done.stdout)
    assert writer_gone(f"{dead_pid}:123:token")
    stat = Path(f"/proc/{os.getppid()}/stat")
    if stat.exists():  # the parent is alive, but under a different start time it is another process
        started = stat.read_text().rsplit(")", 1)[1].split()[19]
        assert not writer_gone(f"{os.getppid()}:{started}:token")
        assert writer_gone(f"{os.getppid()}:{int(started) + 1}:token")
    own = Path(f"/proc/{os.getpid()}/stat").read_text().rsplit(")", 1)[1].split()[19] if stat.exists() else "-"
    assert writer_gone(f"{os.getpid()}:{own}:not-open-here")  # a closed writer (or an earlier incarnation)
